package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.Lifecycle;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.container.ForwardingBackend;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.LogMessage;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.node.process.ProcessBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node makes its backend from its cloud's context: a process backend made so times its stop
 * grace on the cloud's clock and runs its threads on the cloud's executor.
 */
@Timeout(30)
class NodeBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final String CLOUD_THREAD = "cloud-thread-";
  /** Longer than every timer a test looks at, so no request's timeout comes before them. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofHours(2);

  @TempDir Path tmp;
  private final VirtualClock clock = VirtualClock.create();
  private final AtomicInteger threadsMade = new AtomicInteger();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, CLOUD_THREAD + threadsMade.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger tasksRun = new AtomicInteger();
  /** The cloud's executor: the pool, counting what it is given. */
  private final Executor executor = task -> {
    tasksRun.incrementAndGet();
    pool.execute(task);
  };
  private final InProcessBus bus = InProcessBus.create(executor, clock);
  private final BlobStore blobs = new InMemoryBlobStore();
  private final List<NodeAgent> nodes = new ArrayList<>();

  private record Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
      BlobStore blobStore, Clock clock, Executor executor) implements CloudContext {}

  private final Context context =
      new Context("t", "localhost", bus, new InMemoryStateStore(), blobs, clock, executor);

  @AfterEach
  void stop() throws Exception {
    for (NodeAgent node : nodes) {
      node.stop();
    }
    bus.close();
    pool.shutdownNow();
  }

  private NodeAgent node(String id, NodeAgent.Builder builder) {
    NodeAgent node = (NodeAgent) builder.id(id).capacity(NodeCapacity.of("512M", "2G"))
        .ports(PortAllocator.create()).workDir(tmp.resolve(id))
        .heartbeatInterval(Duration.ofHours(1)).create(context);
    nodes.add(node);
    return node;
  }

  private String droplet() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("README"), "the command is in the start\n");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, tgz);
    return blobs.put(new ByteArrayInputStream(tgz.toByteArray())).sha256();
  }

  private <T> T request(String subject, Object command, Class<T> reply) throws Exception {
    return Json.read(bus.request(subject, Json.write(command), REQUEST_TIMEOUT)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS).data(), reply);
  }

  private static <T> T await(BlockingQueue<T> queue, Predicate<T> wanted, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      T next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("no " + what + " within " + WAIT);
      }
      if (wanted.test(next)) {
        return next;
      }
    }
  }

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  @Test
  void aProcessBackendMadeFromTheCloudTimesItsGraceOnTheCloudsClockAndRunsOnItsExecutor()
      throws Exception {
    BlockingQueue<InstanceReport> reports = new LinkedBlockingQueue<>();
    BlockingQueue<String> output = new LinkedBlockingQueue<>();
    bus.subscribe(Subjects.INSTANCE_STATE, m -> reports.add(Json.read(m, InstanceReport.class)));
    bus.subscribe(Subjects.logs("web"), m -> output.add(Json.read(m, LogMessage.class).text()));
    String droplet = droplet();
    Set<Thread> threadsBefore = liveThreads();
    Set<Long> processesBefore = ProcessHandle.current().descendants().map(ProcessHandle::pid)
        .collect(Collectors.toSet());
    NodeAgent node = node("n1", NodeAgent.builder().stopGrace(GRACE)
        .backend(ProcessBackend.builder().memoryPollInterval(Duration.ofHours(1))::build));
    node.start();

    String command = String.join("\n",
        "trap 'echo got-term' TERM",
        "echo ready",
        "while :; do sleep 0.05; done");
    StartInstance start = new StartInstance("i1", "app-id", "web", 1, 0, droplet, command,
        Map.of(), List.of("web.localhost"), 64L << 20, 64L << 20, "PROCESS", "/", 10_000, 0);
    StartBatch.Acks acks = request(Subjects.nodeStart("n1"), new StartBatch(List.of(start)),
        StartBatch.Acks.class);
    assertTrue(acks.acks().get(0).ok(), acks.toString());
    await(reports, r -> r.state() == InstanceState.RUNNING, "RUNNING report");
    await(output, "ready"::equals, "line 'ready'");
    List<ProcessHandle> tree = ProcessHandle.current().descendants()
        .filter(p -> !processesBefore.contains(p.pid())).toList();
    assertFalse(tree.isEmpty(), "the instance runs no process");

    // Readers and waiters run on the cloud's executor; the JDK's own reaper aside, nothing else
    // started a thread: no pool, no timer of the backend's own.
    Set<String> started = liveThreads().stream().filter(t -> !threadsBefore.contains(t))
        .map(Thread::getName)
        .filter(name -> !name.startsWith(CLOUD_THREAD) && !name.startsWith("process reaper"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), started, "threads started outside the cloud's executor");
    assertTrue(tasksRun.get() >= 3, "the cloud's executor ran " + tasksRun.get() + " tasks");

    assertTrue(request(Subjects.nodeStop("n1"), new StopInstance("i1", "test"), Ack.class).ok());
    await(output, "got-term"::equals, "line 'got-term'");
    assertEquals(Optional.of(GRACE), clock.nextTimer(),
        "the grace is the next timer on the cloud's clock");
    clock.advance(GRACE.minusMillis(1));

    assertTrue(tree.stream().anyMatch(ProcessHandle::isAlive), "killed before the grace ran out");
    assertEquals(List.of(InstanceState.STOPPING),
        node.instances().stream().map(InstanceStatus::state).toList());

    clock.advance(Duration.ofMillis(1));
    await(reports, r -> r.state() == InstanceState.STOPPED, "STOPPED report");
    for (ProcessHandle p : tree) {
      p.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void theNodeMakesItsBackendFromTheContextWhenItStartsAndClosesItWhenItStops()
      throws Exception {
    List<CloudContext> asked = new CopyOnWriteArrayList<>();
    ClosingBackend backend = new ClosingBackend(FakeBackend.create());
    NodeAgent node = node("n1", NodeAgent.builder().backend(ctx -> {
      asked.add(ctx);
      return backend;
    }));
    assertEquals(List.of(), asked, "made before the node started");

    node.start();
    assertEquals(1, asked.size());
    assertSame(context, asked.get(0));
    assertEquals(0, backend.closed.get());

    node.stop();
    assertEquals(Lifecycle.TERMINATED, node.state());
    assertEquals(1, backend.closed.get());
    assertEquals(1, asked.size());
  }

  @Test
  void aFactoryThatMakesNoBackendFailsTheStart() {
    NodeAgent node = node("n1", NodeAgent.builder().backend(ctx -> null));

    IllegalStateException e = assertThrows(IllegalStateException.class, node::start);

    assertTrue(e.getMessage().contains("node n1"), e.getMessage());
    assertEquals(Lifecycle.FAILED, node.state());
  }

  @Test
  void aBackendIsSetOnce() {
    NodeAgent.Builder builder = NodeAgent.builder().backend(FakeBackend.create());

    assertThrows(IllegalStateException.class, () -> builder.backend(ProcessBackend.factory()));
  }

  /** A backend that counts how often it was closed. */
  private static final class ClosingBackend extends ForwardingBackend {
    final AtomicInteger closed = new AtomicInteger();

    ClosingBackend(ContainerBackend delegate) {
      super(delegate);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      super.close();
    }
  }
}
