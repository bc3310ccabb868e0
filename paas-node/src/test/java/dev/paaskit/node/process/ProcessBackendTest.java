package dev.paaskit.node.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.node.ManualClock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs real shells, sleeps and a python3 process through the backend. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProcessBackendTest {
  /** Bounds a wait for what takes milliseconds unless the backend is broken. */
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** A grace no test waits out: a stop that completes ended on SIGTERM. */
  private static final Duration LONG_GRACE = Duration.ofMinutes(10);
  private static final String PATH = "/usr/local/bin:/usr/bin:/bin";
  private static final ResourceLimits LIMITS =
      new ResourceLimits(512L * 1024 * 1024, 1024L * 1024 * 1024, 1024);

  @TempDir Path dir;

  private final List<ProcessBackend> backends = new ArrayList<>();
  /** Every pid a test learnt of; none may be alive when it ends. */
  private final Set<Long> pids = new TreeSet<>();

  private ProcessBackend backend(ProcessBackend.Builder builder) {
    ProcessBackend backend = builder.build();
    backends.add(backend);
    return backend;
  }

  private ProcessBackend backend(boolean setsid) {
    ProcessBackend.Builder b = ProcessBackend.builder();
    return backend(setsid ? b : b.withoutSetsid());
  }

  private ContainerSpec spec(String id, String command, RecordingListener listener) {
    return new ContainerSpec(id, dir, command, Map.of("PATH", PATH), LIMITS, listener);
  }

  private long pidOf(ProcessBackend backend, String id) {
    long pid = backend.inspect(id).orElseThrow().pid().orElseThrow();
    pids.add(pid);
    return pid;
  }

  private static long number(String line) {
    return Long.parseLong(line.substring(line.indexOf('=') + 1));
  }

  @AfterEach
  void nothingLeftBehind() {
    backends.forEach(ProcessBackend::close);
    Procs.awaitGone(pids, WAIT);
    Procs.awaitTrue(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive),
        WAIT, () -> "children of this JVM: " + ProcessHandle.current().children()
            .map(ProcessHandle::pid).toList());
  }

  @ParameterizedTest(name = "setsid={0}")
  @ValueSource(booleans = {true, false})
  void runsWithExactlyTheGivenEnvironmentAndReportsTheExitCode(boolean setsid) throws Exception {
    ProcessBackend backend = backend(setsid);
    RecordingListener listener = new RecordingListener();
    Map<String, String> env = Map.of("PORT", "23456", "APP_NAME", "demo app", "PATH", PATH);
    backend.create(new ContainerSpec("env", dir, "env; pwd; echo to-out; echo to-err >&2; exit 3",
        env, LIMITS, listener));
    assertEquals(ContainerState.CREATED, backend.inspect("env").orElseThrow().state());

    backend.start("env");
    pidOf(backend, "env");
    ExitStatus exit = listener.awaitExit(WAIT);

    assertEquals(new ExitStatus(3, 0, false, false), exit);
    Set<String> names = listener.stdout().stream().filter(l -> l.contains("="))
        .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
    // The shell sets PWD itself; nothing else may come from the node.
    names.remove("PWD");
    assertEquals(env.keySet(), names);
    assertTrue(System.getenv().containsKey("HOME"), "the test needs HOME in the JVM's environment");
    assertTrue(listener.stdout().contains("PORT=23456"), listener.stdout().toString());
    assertTrue(listener.stdout().contains("APP_NAME=demo app"), listener.stdout().toString());
    assertTrue(listener.stdout().contains(dir.toRealPath().toString()), listener.stdout().toString());
    assertEquals("to-out", listener.stdout().get(listener.stdout().size() - 1));
    assertEquals(List.of("to-err"), listener.stderr());
    assertEquals(1, listener.exits());
    assertFalse(listener.outputAfterExit());

    ContainerInfo info = backend.inspect("env").orElseThrow();
    assertEquals(ContainerState.EXITED, info.state());
    assertEquals(exit, info.exit().orElseThrow());
    assertEquals(exit, backend.stop("env", LONG_GRACE).get(WAIT.toSeconds(), TimeUnit.SECONDS),
        "stopping an ended container completes with its exit, waiting out no grace");
  }

  @ParameterizedTest(name = "setsid={0}")
  @ValueSource(booleans = {true, false})
  void stopTerminatesTheWholeTree(boolean setsid) throws Exception {
    ProcessBackend backend = backend(setsid);
    RecordingListener listener = new RecordingListener();
    backend.create(spec("tree", String.join("\n",
        "sleep 1000 & echo child=$!",
        "sh -c 'sleep 1000 & echo grandchild=$!; wait' & echo child=$!",
        "echo main=$$",
        "wait"), listener));
    backend.start("tree");
    long main = pidOf(backend, "tree");

    List<String> lines = listener.awaitLines(l -> l.contains("="), 4, WAIT);
    List<Long> tree = lines.stream().map(ProcessBackendTest::number).toList();
    pids.addAll(tree);
    assertEquals(main, number(listener.awaitLine(l -> l.startsWith("main="), WAIT)),
        "the shell keeps the pid the backend started");
    for (long pid : tree) {
      assertTrue(Procs.live(pid), Procs.describe(pid));
      if (setsid) {
        assertEquals(main, Procs.entry(pid).orElseThrow().session(),
            "the container leads its own session: " + Procs.describe(pid));
      }
    }

    CompletableFuture<ExitStatus> stopped = backend.stop("tree", LONG_GRACE);
    ExitStatus exit = stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertEquals(new ExitStatus(128 + 15, 15, false, true), exit);
    Procs.awaitGone(tree, WAIT);
    assertEquals(1, listener.exits());
    assertEquals(ContainerState.EXITED, backend.inspect("tree").orElseThrow().state());
  }

  @Test
  void aProcessIgnoringTermIsKilledOnlyWhenTheGraceRunsOutOnTheClock() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    ProcessBackend backend = backend(ProcessBackend.builder().clock(clock)
        .memoryPollInterval(Duration.ofHours(1)));
    RecordingListener listener = new RecordingListener();
    backend.create(spec("stubborn", String.join("\n",
        "trap 'echo got-term' TERM",
        "echo ready",
        "while :; do sleep 0.05; done"), listener));
    backend.start("stubborn");
    long main = pidOf(backend, "stubborn");
    listener.awaitLine("ready"::equals, WAIT);

    CompletableFuture<ExitStatus> stopped = backend.stop("stubborn", Duration.ofSeconds(30));
    listener.awaitLine("got-term"::equals, WAIT);
    clock.advance(Duration.ofSeconds(29));

    assertFalse(stopped.isDone(), "killed before the grace period ran out");
    assertTrue(Procs.live(main), Procs.describe(main));
    assertEquals(ContainerState.STOPPING, backend.inspect("stubborn").orElseThrow().state());

    clock.advance(Duration.ofSeconds(1));
    ExitStatus exit = stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(new ExitStatus(128 + 9, 9, false, true), exit);
    assertEquals(exit, listener.awaitExit(WAIT));
  }

  @Test
  void aProcessIgnoringTermIsKilledAfterTheGracePeriodInRealTime() throws Exception {
    ProcessBackend backend = backend(true);
    RecordingListener listener = new RecordingListener();
    backend.create(spec("deaf", "trap '' TERM; echo ready; sleep 1000; echo never", listener));
    backend.start("deaf");
    pidOf(backend, "deaf");
    listener.awaitLine("ready"::equals, WAIT);
    Duration grace = Duration.ofMillis(800);

    long before = System.nanoTime();
    ExitStatus exit = backend.stop("deaf", grace).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertEquals(new ExitStatus(128 + 9, 9, false, true), exit);
    assertTrue(took.compareTo(grace) >= 0, "killed after " + took + ", before the grace " + grace);
    assertFalse(listener.stdout().contains("never"));
  }

  @Test
  void aTreeAboveItsMemoryLimitIsKilled() throws Exception {
    ProcessBackend backend = backend(ProcessBackend.builder()
        .memoryPollInterval(Duration.ofMillis(100)));
    RecordingListener listener = new RecordingListener();
    // Holds twice its limit until killed: only the memory poll can end it.
    String python = String.join("\n",
        "import time",
        "print('allocating', flush=True)",
        "chunks = [b'x' * (1 << 20) for i in range(128)]",
        "print('holding', flush=True)",
        "time.sleep(600)");
    backend.create(new ContainerSpec("hungry", dir, "python3 -c \"" + python + "\"",
        Map.of("PATH", PATH), new ResourceLimits(64L * 1024 * 1024, 1L << 30, 1024), listener));
    backend.start("hungry");
    pidOf(backend, "hungry");

    ExitStatus exit = listener.awaitExit(WAIT);

    assertEquals(new ExitStatus(128 + 9, 9, true, false), exit);
    assertTrue(listener.stdout().contains("allocating"), listener.stdout().toString());
  }

  @Test
  void statsCountTheTreesMemoryAndCpuAndItsFolderOnTheClock() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    ProcessBackend backend = backend(ProcessBackend.builder().clock(clock)
        .memoryPollInterval(Duration.ofHours(1)));
    RecordingListener listener = new RecordingListener();
    // Each step waits for the test to create a file of that name in its folder.
    String python = String.join("\n",
        "import os, time",
        "def wait(name):",
        "    while not os.path.exists(name): time.sleep(0.01)",
        "print('ready', flush=True)",
        "wait('allocate')",
        "chunks = [b'x' * (1 << 20) for i in range(64)]",
        "print('allocated', flush=True)",
        "wait('write')",
        "with open('data.bin', 'wb') as f: f.write(b'y' * (8 << 20))",
        "print('written', flush=True)",
        "wait('spin')",
        "start = time.process_time()",
        "while time.process_time() - start < 0.5: pass",
        "print('spun', flush=True)",
        "time.sleep(600)");
    assertEquals(Optional.empty(), backend.stats("counted"), "unknown");
    backend.create(spec("counted", "python3 -c \"" + python + "\"", listener));
    assertEquals(Optional.empty(), backend.stats("counted"), "created, not started");
    backend.start("counted");
    pidOf(backend, "counted");
    listener.awaitLine("ready"::equals, WAIT);
    ContainerStats first = backend.stats("counted").orElseThrow();
    assertEquals(0, first.diskBytes(), "an empty folder");

    Files.createFile(dir.resolve("allocate"));
    listener.awaitLine("allocated"::equals, WAIT);
    ContainerStats allocated = backend.stats("counted").orElseThrow();
    assertTrue(allocated.memoryBytes() >= first.memoryBytes() + (60L << 20),
        first + " then " + allocated);

    Files.createFile(dir.resolve("write"));
    listener.awaitLine("written"::equals, WAIT);
    assertEquals(0, backend.stats("counted").orElseThrow().diskBytes(),
        "the folder is walked again only once the clock says so");
    clock.advance(ProcessBackend.DISK_REFRESH);
    assertEquals(8L << 20, backend.stats("counted").orElseThrow().diskBytes());

    long before = backend.stats("counted").orElseThrow().cpuNanos();
    Files.createFile(dir.resolve("spin"));
    listener.awaitLine("spun"::equals, WAIT);
    long after = backend.stats("counted").orElseThrow().cpuNanos();
    assertTrue(after - before >= 400_000_000L, "half a second of CPU: " + before + " -> " + after);

    backend.stop("counted", Duration.ZERO).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(Optional.empty(), backend.stats("counted"), "ended");
  }

  @Test
  void whatTheMainProcessLeavesRunningIsKilledWhenItExits() throws Exception {
    // The drain timeout runs on this clock, which never moves: only killing the leftover,
    // which holds the output pipes, lets the exit be reported.
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    ProcessBackend backend = backend(ProcessBackend.builder().clock(clock)
        .memoryPollInterval(Duration.ofHours(1)));
    RecordingListener listener = new RecordingListener();
    backend.create(spec("leaver", "sleep 1000 & echo bg=$!; echo bye", listener));
    backend.start("leaver");
    pidOf(backend, "leaver");

    ExitStatus exit = listener.awaitExit(WAIT);

    assertEquals(ExitStatus.exited(0), exit);
    long bg = number(listener.stdout().get(0));
    pids.add(bg);
    Procs.awaitGone(List.of(bg), WAIT);
    assertEquals(List.of("bg=" + bg, "bye"), listener.stdout());
  }

  @Test
  void everyLineArrivesOnItsStreamBeforeTheExitAndLongLinesAreCut() throws Exception {
    ProcessBackend backend = backend(true);
    RecordingListener listener = new RecordingListener();
    backend.create(spec("chatty", String.join("\n",
        "seq 1 3000",
        "seq 1 3000 >&2",
        "head -c 40000 /dev/zero | tr '\\0' a; echo",
        "printf 'no newline at the end'"), listener));
    backend.start("chatty");
    pidOf(backend, "chatty");

    assertEquals(ExitStatus.exited(0), listener.awaitExit(WAIT));

    List<String> out = listener.stdout();
    assertEquals(3002, listener.stdoutAtExit());
    assertEquals(3000, listener.stderrAtExit());
    assertEquals(3002, out.size());
    for (int i = 0; i < 3000; i++) {
      assertEquals(Integer.toString(i + 1), out.get(i));
      assertEquals(Integer.toString(i + 1), listener.stderr().get(i));
    }
    assertEquals("a".repeat(ProcessBackend.MAX_LINE_BYTES), out.get(3000));
    assertEquals("no newline at the end", out.get(3001));
    assertFalse(listener.outputAfterExit());
  }

  @Test
  void closeGivesEachContainerItsGraceAndReturnsOnceEveryEndIsReported() throws Exception {
    ProcessBackend backend = backend(ProcessBackend.builder().closeGrace(LONG_GRACE));
    RecordingListener polite = new RecordingListener();
    RecordingListener idle = new RecordingListener();
    // On SIGTERM it says so, then ends only once the test lets it.
    backend.create(spec("polite", String.join("\n",
        "trap 'echo got-term; while [ ! -e go ]; do sleep 0.05; done; exit 7' TERM",
        "echo ready",
        "while :; do sleep 0.05; done"), polite));
    backend.create(spec("idle", "echo never started", idle));
    backend.start("polite");
    pidOf(backend, "polite");
    polite.awaitLine("ready"::equals, WAIT);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(backend::close);
    polite.awaitLine("got-term"::equals, WAIT);
    assertFalse(closing.isDone(), "close() returned while a container was still ending");
    Files.createFile(dir.resolve("go"));
    closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertTrue(polite.exited() && idle.exited(), "close() returned before the ends");
    assertEquals(new ExitStatus(7, 0, false, true), polite.awaitExit(WAIT),
        "ended by its own trap within the grace, not killed");
    assertEquals(new ExitStatus(0, 0, false, true), idle.awaitExit(WAIT));
    assertTrue(idle.stdout().isEmpty());
    assertThrows(IllegalStateException.class, () -> backend.create(spec("late", "true", idle)));
    backend.close();
  }

  @Test
  void closeKillsWhatIgnoresSigtermOnceTheGraceIsOver() throws Exception {
    ProcessBackend backend = backend(ProcessBackend.builder().closeGrace(Duration.ofMillis(300)));
    RecordingListener deaf = new RecordingListener();
    backend.create(spec("deaf", "trap '' TERM; echo ready; sleep 1000", deaf));
    backend.start("deaf");
    pidOf(backend, "deaf");
    deaf.awaitLine("ready"::equals, WAIT);

    backend.close();

    assertEquals(new ExitStatus(128 + 9, 9, false, true), deaf.awaitExit(WAIT));
  }

  @Test
  void lifecycleMisuseIsRefusedWithTheId() throws Exception {
    ProcessBackend backend = backend(true);
    RecordingListener listener = new RecordingListener();
    backend.create(spec("a", "echo hi", listener));

    IllegalStateException duplicate =
        assertThrows(IllegalStateException.class, () -> backend.create(spec("a", "true", null)));
    assertTrue(duplicate.getMessage().contains("a"), duplicate.getMessage());
    assertThrows(NotFoundException.class, () -> backend.start("nope"));
    assertThrows(NotFoundException.class, () -> backend.stop("nope", Duration.ZERO));
    assertThrows(NotFoundException.class, () -> backend.remove("nope"));
    assertTrue(backend.inspect("nope").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> backend.stop("a", Duration.ofSeconds(-1)));

    backend.create(new ContainerSpec("nodir", dir.resolve("missing"), "true", Map.of(), LIMITS, null));
    assertThrows(NoSuchFileException.class, () -> backend.start("nodir"));
    assertEquals(ContainerState.CREATED, backend.inspect("nodir").orElseThrow().state());

    backend.create(spec("long", "sleep 1000", new RecordingListener()));
    backend.start("long");
    pidOf(backend, "long");
    assertThrows(IllegalStateException.class, () -> backend.start("long"));
    IllegalStateException running =
        assertThrows(IllegalStateException.class, () -> backend.remove("long"));
    assertTrue(running.getMessage().contains("long"), running.getMessage());
    assertEquals(List.of("a", "long", "nodir"), backend.list());

    backend.start("a");
    pidOf(backend, "a");
    assertEquals(ExitStatus.exited(0), listener.awaitExit(WAIT));
    Files.writeString(dir.resolve("kept"), "the node's");
    backend.remove("a");
    backend.remove("nodir");
    assertEquals(List.of("long"), backend.list());
    assertTrue(Files.exists(dir.resolve("kept")), "remove must not touch the workDir");
    assertThrows(NotFoundException.class, () -> backend.start("a"));

    backend.stop("long", Duration.ofSeconds(5)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    backend.remove("long");
    assertEquals(List.of(), backend.list());
  }

  @Test
  void ownsTheThreadsItMadeAndLeavesAGivenExecutorAlone() throws Exception {
    List<Thread> made = new ArrayList<>();
    ProcessBackend owning = backend(ProcessBackend.builder().threadFactory(r -> {
      Thread t = new Thread(r, "test-owned-" + made.size());
      t.setDaemon(true);
      synchronized (made) {
        made.add(t);
      }
      return t;
    }));
    RecordingListener first = new RecordingListener();
    owning.create(spec("one", "echo one", first));
    owning.start("one");
    pidOf(owning, "one");
    assertEquals(ExitStatus.exited(0), first.awaitExit(WAIT));
    owning.close();
    List<Thread> threads;
    synchronized (made) {
      threads = List.copyOf(made);
    }
    assertFalse(threads.isEmpty(), "the backend ran nothing on threads of the given factory");
    for (Thread t : threads) {
      t.join(WAIT.toMillis());
      assertFalse(t.isAlive(), t + " outlived close()");
    }

    ExecutorService mine = Executors.newCachedThreadPool();
    try {
      ProcessBackend borrowing = backend(ProcessBackend.builder().executor(mine));
      RecordingListener second = new RecordingListener();
      borrowing.create(spec("two", "echo two", second));
      borrowing.start("two");
      pidOf(borrowing, "two");
      assertEquals(ExitStatus.exited(0), second.awaitExit(WAIT));
      borrowing.close();
      assertFalse(mine.isShutdown(), "close() shut down an executor it was given");
    } finally {
      mine.shutdownNow();
    }
  }

  /** A cloud's context as a backend sees it: only the clock and executor are used. */
  private record Context(Clock clock, Executor executor) implements CloudContext {
    @Override
    public String cloudName() {
      return "test-cloud";
    }

    @Override
    public String domain() {
      return "localhost";
    }

    @Override
    public MessageBus bus() {
      throw new UnsupportedOperationException("a backend needs no bus");
    }

    @Override
    public StateStore stateStore() {
      throw new UnsupportedOperationException("a backend needs no state store");
    }

    @Override
    public BlobStore blobStore() {
      throw new UnsupportedOperationException("a backend needs no blob store");
    }
  }

  @Test
  void madeFromAContextItRunsOnTheContextsExecutorAndClockAndLeavesThemOpen() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    AtomicInteger threads = new AtomicInteger();
    ExecutorService cloud = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "cloud-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      ProcessBackend backend = ProcessBackend.builder().memoryPollInterval(Duration.ofHours(1))
          .build(new Context(clock, cloud));
      backends.add(backend);
      RecordingListener listener = new RecordingListener();
      backend.create(spec("deaf", "trap '' TERM; echo ready; sleep 1000", listener));
      backend.start("deaf");
      pidOf(backend, "deaf");
      listener.awaitLine("ready"::equals, WAIT);
      assertTrue(threads.get() >= 3, "readers and waiter on the context's executor: " + threads);

      // A grace no real clock runs out of while the test waits.
      CompletableFuture<ExitStatus> stopped = backend.stop("deaf", Duration.ofHours(1));
      clock.advance(Duration.ofHours(1));

      assertEquals(new ExitStatus(128 + 9, 9, false, true),
          stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      backend.close();
      assertFalse(cloud.isShutdown(), "close() shut down the cloud's executor");
      assertEquals(0, clock.pending(), "timers left on the cloud's clock after close");
    } finally {
      cloud.shutdownNow();
    }
  }

  @Test
  void madeFromAContextItTakesNoExecutorClockOrThreadFactoryOfItsOwn() {
    Context context = new Context(new ManualClock(Instant.EPOCH), Runnable::run);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProcessBackend
        .builder().executor(Runnable::run).clock(context.clock()).build(context));
    assertTrue(e.getMessage().contains("test-cloud") && e.getMessage().contains("executor, clock"),
        e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> ProcessBackend.builder().threadFactory(Thread::new).build(context));
  }

  @Test
  void builderOptionsAreSetOnceAndChecked() {
    ProcessBackend.Builder b = ProcessBackend.builder().memoryPollInterval(Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> b.memoryPollInterval(Duration.ofSeconds(2)));
    assertThrows(IllegalArgumentException.class,
        () -> ProcessBackend.builder().memoryPollInterval(Duration.ZERO));
    assertThrows(IllegalStateException.class, () -> ProcessBackend.builder()
        .executor(Runnable::run).threadFactory(Thread::new).build());
  }
}
