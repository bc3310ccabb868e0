package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A test cloud releases everything it made, whether it closes normally or its build fails on the
 * way: the nodes' backends closed, its threads ended, its temporary folder gone, no timer left on
 * its clock.
 */
@Timeout(120)
class TestCloudLifecycleTest {
  /** Only bounds how long a thread that should end may take; a closed cloud's end at once. */
  private static final long PATIENCE_MILLIS = TimeUnit.SECONDS.toMillis(20);

  /** The backends {@link NeverJoin} made, for the test that runs {@link NodesNeverJoin}. */
  private static final List<RecordingBackend> neverJoinBackends = new CopyOnWriteArrayList<>();
  private static volatile Path neverJoinRoot;

  /**
   * A fake backend that answers its name a given number of times and then fails, and records the
   * threads that asked (the cloud's executor threads) and whether it was closed.
   */
  static final class RecordingBackend implements ContainerBackend {
    final FakeBackend fake = FakeBackend.create();
    final AtomicInteger namesLeft;
    final Set<Thread> askedBy = ConcurrentHashMap.newKeySet();
    volatile boolean closed;

    RecordingBackend(int names) {
      this.namesLeft = new AtomicInteger(names);
    }

    @Override
    public String name() {
      askedBy.add(Thread.currentThread());
      if (namesLeft.getAndDecrement() <= 0) {
        throw new IllegalStateException("this backend no longer answers");
      }
      return fake.name();
    }

    @Override
    public void create(ContainerSpec spec) {
      fake.create(spec);
    }

    @Override
    public void start(String id) throws IOException {
      fake.start(id);
    }

    @Override
    public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
      return fake.stop(id, grace);
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
      return fake.inspect(id);
    }

    @Override
    public List<String> list() {
      return fake.list();
    }

    @Override
    public void remove(String id) {
      fake.remove(id);
    }

    @Override
    public void close() {
      closed = true;
      fake.close();
    }
  }

  /**
   * Asserts that nothing of a cloud is left: every backend closed, every thread that ran its
   * roles ended, {@code root} (where its temporary folder was) empty.
   */
  private static void assertNothingLeft(List<RecordingBackend> backends, Path root)
      throws Exception {
    for (RecordingBackend b : backends) {
      assertTrue(b.closed, "backend " + backends.indexOf(b) + " closed");
    }
    List<Thread> threads = backends.stream().flatMap(b -> b.askedBy.stream()).distinct().toList();
    assertFalse(threads.isEmpty(), "the cloud's threads asked the backends their names");
    for (Thread t : threads) {
      t.join(PATIENCE_MILLIS);
      assertFalse(t.isAlive(), "thread " + t.getName() + " still runs");
    }
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(List.of(), left.toList(), "left in the temporary folder");
    }
  }

  private static TestCloud.Builder cloud(String name, Path root, List<RecordingBackend> backends,
      int namesEach) {
    return TestCloud.builder().name(name).nodes(3).tempRoot(root)
        .maxVirtualWait(Duration.ofSeconds(10)).backends(id -> {
          RecordingBackend b = new RecordingBackend(namesEach);
          backends.add(b);
          return b;
        });
  }

  @Test
  void closeReleasesEverything(@TempDir Path root) throws Exception {
    List<RecordingBackend> backends = new CopyOnWriteArrayList<>();
    VirtualClock clock = VirtualClock.create();
    TestCloud cloud = cloud("closes", root, backends, Integer.MAX_VALUE).clock(clock).build();
    assertEquals(3, cloud.controller().nodes().size());
    try (Stream<Path> folders = Files.list(root)) {
      assertEquals(1, folders.count(), "the cloud's temporary folder");
    }
    cloud.close();
    assertNothingLeft(backends, root);
    assertEquals(Optional.empty(), clock.nextTimer(), "every role cancelled its timers");
    cloud.close();
  }

  @Test
  void nodesThatNeverJoinLeaveNothingBehind(@TempDir Path root) throws Exception {
    List<RecordingBackend> backends = new CopyOnWriteArrayList<>();
    VirtualClock clock = VirtualClock.create();
    // Each node starts (its first advertisement goes out before the health manager listens),
    // then fails every advertisement the health manager asks for: it never joins.
    AssertionError e = assertThrows(AssertionError.class,
        () -> cloud("never-joins", root, backends, 1).clock(clock).build());
    assertTrue(e.getMessage().contains("3 nodes to join"), e.getMessage());
    assertEquals(3, backends.size());
    assertNothingLeft(backends, root);
    assertEquals(Optional.empty(), clock.nextTimer(), "every role cancelled its timers");
  }

  @Test
  void aRoleThatFailsToStartLeavesNothingBehind(@TempDir Path root) throws Exception {
    List<RecordingBackend> backends = new CopyOnWriteArrayList<>();
    // n1's start fails; n2 and n3 never start, so their nodes never close their backends.
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> cloud("fails-to-start", root, backends, 0).build());
    assertTrue(e.getMessage().contains("node-n1"), e.getMessage());
    assertEquals(3, backends.size());
    assertNothingLeft(backends, root);
  }

  @Test
  void aPartThatCannotBeMadeLeavesNothingBehind(@TempDir Path root) throws Exception {
    List<RecordingBackend> made = new CopyOnWriteArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TestCloud.builder().name("cannot-make").tempRoot(root).backends(id -> {
          if (id.equals("n2")) {
            throw new IllegalStateException("no backend for " + id);
          }
          RecordingBackend b = new RecordingBackend(Integer.MAX_VALUE);
          made.add(b);
          return b;
        }).build());
    assertEquals("no backend for n2", e.getMessage());
    assertEquals(1, made.size());
    assertTrue(made.get(0).closed, "n1's backend closed");
    try (Stream<Path> left = Files.list(root)) {
      assertEquals(List.of(), left.toList(), "left in the temporary folder");
    }
  }

  @Test
  void aPaasTestWhoseNodesNeverJoinFailsAndLeavesNothingBehind(@TempDir Path root)
      throws Exception {
    neverJoinBackends.clear();
    neverJoinRoot = root;
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(NodesNeverJoin.class)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    assertEquals(1, summary.getTestsFailedCount(), "the test whose cloud did not start");
    // The extension reports the build's AssertionError as the cause of an unresolved parameter.
    Throwable why = summary.getFailures().get(0).getException();
    assertTrue(why.getMessage().contains("expected 2 nodes to join"), String.valueOf(why));
    assertEquals(2, neverJoinBackends.size());
    assertNothingLeft(neverJoinBackends, root);
  }

  /**
   * Run by {@link #aPaasTestWhoseNodesNeverJoinFailsAndLeavesNothingBehind} only (Surefire runs
   * no nested class on its own): the extension's build of its cloud fails.
   */
  @PaasTest(nodes = 2, configure = NeverJoin.class)
  static class NodesNeverJoin {
    @Test
    void getsNoCloud(TestCloud cloud) {
      fail("got a cloud whose nodes never joined");
    }
  }

  /** Nodes that never join, as in {@link #nodesThatNeverJoinLeaveNothingBehind}. */
  static final class NeverJoin implements TestCloudConfigurer {
    @Override
    public void configure(TestCloud.Builder cloud) {
      cloud.name("extension-never-joins").tempRoot(neverJoinRoot)
          .maxVirtualWait(Duration.ofSeconds(10)).backends(id -> {
            RecordingBackend b = new RecordingBackend(1);
            neverJoinBackends.add(b);
            return b;
          });
    }
  }
}
