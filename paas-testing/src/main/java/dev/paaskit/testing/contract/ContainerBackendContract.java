package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ContainerBackend} contract, as abstract JUnit 5 tests that every implementation
 * extends: the life of a container (create, start, stop, remove), what {@code inspect} and
 * {@code list} report on the way, refusals of misuse that name the container, how a
 * {@link ContainerListener} hears output and the exit, and a bounded {@code close}.
 *
 * <pre>{@code
 * class MyBackendContractTest extends ContainerBackendContract {
 *   @Override
 *   protected ContainerBackend newBackend() {
 *     return MyBackend.create();
 *   }
 * }
 * }</pre>
 *
 * <p>A backend that really runs each spec's command with {@code /bin/sh -c} is held to the
 * whole contract: the exact environment, the working folder, output on the right stream, exit
 * codes, signals, SIGTERM before SIGKILL after the grace, and the whole process tree stopped. A
 * backend whose containers run nothing overrides {@link #runsCommands()} to return false, which
 * skips those tests, and {@link #makeExit} to end a container as if its command had exited.
 *
 * <p>Each test gets a fresh backend from {@link #newBackend()} and closes it afterwards; then
 * every container the test started must have reported exactly one exit, no listener may have
 * been called twice at once or heard output after its exit, and every process id that
 * {@link ContainerBackend#inspect} showed must be gone. Waits are bounded by {@link #WAIT}.
 *
 * <p>What the tests check, for every backend:
 * <ul>
 *   <li>A created container is listed and inspected as CREATED, with no exit and nothing heard;
 *       the backend's name is not blank and a new backend holds nothing.
 *   <li>A started container is RUNNING until stopped; two stops, and one after the exit, all
 *       complete with the same requested exit (SIGTERM's, for a backend that runs commands),
 *       heard once; it is then EXITED with that exit.
 *   <li>A container that ends on its own reports its code, not requested; a stop of it then
 *       completes within {@link #AT_ONCE} with that exit; a stop of a container never started
 *       ends it within {@link #AT_ONCE}, requested, and it cannot be started after.
 *   <li>A container starts only once; a duplicate id is refused (created, running or ended)
 *       until the first is removed, and the refused spec neither runs nor is heard; unknown ids
 *       are refused by {@code start}, {@code stop} and {@code remove} naming them, and
 *       {@code inspect} is empty; {@code list} holds every container until it is removed; a
 *       running container cannot be removed.
 *   <li>{@code close} ends every container within {@link #CLOSE_BOUND}, killing one that ignores
 *       SIGTERM, and leaves an ended one as it was; four containers run and end concurrently,
 *       each with its own code.
 * </ul>
 *
 * <p>And for a backend that runs commands: the command runs in its work folder with exactly the
 * spec's environment (nothing from the node's but what the shell sets); 200 lines on each stream
 * arrive in order before the exit, a last line without a newline included; a command killed by a
 * signal reports it, not requested; a stop sends SIGTERM first, so a command may end on its own
 * terms; one that ignores SIGTERM is killed with SIGKILL once the grace has run out, not before;
 * and a stop ends the whole process tree, grandchildren included.
 */
@Timeout(60)
public abstract class ContainerBackendContract {
  /** How long a test waits for something that should happen. */
  protected static final Duration WAIT = Duration.ofSeconds(10);
  /** How soon a stop of a container that has already ended, or never started, must complete. */
  protected static final Duration AT_ONCE = Duration.ofSeconds(1);
  /** How long {@code close} may take with a container that ignores SIGTERM. */
  protected static final Duration CLOSE_BOUND = Duration.ofSeconds(20);
  /** Limits far above what the tests' commands use. */
  protected static final ResourceLimits LIMITS =
      new ResourceLimits(256L * 1024 * 1024, 1024L * 1024 * 1024, 1024);
  /** A command that runs until it is stopped. */
  protected static final String RUNS_UNTIL_STOPPED = "echo running; sleep 300";
  /** A grace so long that a stop completing within {@link #WAIT} did not wait for it. */
  private static final Duration LONG_GRACE = Duration.ofHours(1);
  private static final Path PROC = Path.of("/proc");

  /** A folder for the containers' {@code workDir}, fresh for each test. */
  @TempDir protected Path workDir;

  /** The backend under test, fresh for each test. */
  protected ContainerBackend backend;

  private final Map<String, Recorder> listeners = new ConcurrentHashMap<>();
  private final List<Recorder> allListeners = new CopyOnWriteArrayList<>();
  private final List<Recorder> startedListeners = new CopyOnWriteArrayList<>();
  private final Set<Long> pids = ConcurrentHashMap.newKeySet();

  /**
   * A new backend that holds no containers. Called once before each test.
   *
   * @return the backend under test, closed by the kit after the test
   * @throws Exception when the backend cannot be made; the test then fails
   */
  protected abstract ContainerBackend newBackend() throws Exception;

  /**
   * Whether containers run their spec's command with {@code /bin/sh -c}; true by default. When
   * false, the tests of environment, folder, output, exit codes, signals and grace are skipped,
   * and the others end containers through {@link #makeExit}.
   *
   * @return true when the backend's containers run their commands
   */
  protected boolean runsCommands() {
    return true;
  }

  /**
   * Ends the running container {@code id} as if its command had exited with {@code code} on its
   * own: its listener must hear {@code ExitStatus.exited(code)}. Only called when
   * {@link #runsCommands()} is false, whose backends must override it.
   *
   * @param id a running container of the backend under test
   * @param code the exit code its listener must hear
   * @throws Exception anything; it fails the test. The default throws
   *     {@link UnsupportedOperationException}
   */
  protected void makeExit(String id, int code) throws Exception {
    throw new UnsupportedOperationException("a backend whose containers run no command must "
        + "override makeExit(id, code) to end container " + id + " with exit code " + code);
  }

  /**
   * What every spec's environment holds besides what a test adds.
   *
   * @return by default a {@code PATH} for the shell; the environment test expects exactly these
   *     and its own variables
   */
  protected Map<String, String> baseEnv() {
    return Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");
  }

  /**
   * Variables {@code /bin/sh} may set on its own, so they may appear in a container's
   * environment without being in the spec.
   *
   * @return by default {@code PWD}, {@code OLDPWD}, {@code SHLVL} and {@code _}
   */
  protected Set<String> shellVariables() {
    return Set.of("PWD", "OLDPWD", "SHLVL", "_");
  }

  @BeforeEach
  final void openBackend() throws Exception {
    backend = newBackend();
    assertNotNull(backend, "newBackend() returned null");
  }

  @AfterEach
  @Timeout(60)
  final void closeBackendAndCheckWhatItReported() throws Exception {
    if (backend == null) {
      return;
    }
    backend.close();
    for (Recorder started : startedListeners) {
      started.awaitExit();
      assertEquals(1, started.exits().size(),
          "onExit must come exactly once for " + started.id + ": " + started.exits());
    }
    for (Recorder listener : allListeners) {
      assertEquals(List.of(), listener.problems(), "the listener of " + listener.id);
      assertTrue(listener.exits().size() <= 1, "onExit came more than once for " + listener.id
          + ": " + listener.exits());
    }
    awaitGone(pids);
  }

  // --- the life of a container ---

  @Test
  void aCreatedContainerIsListedAndInspectedAsCreated() throws Exception {
    assertFalse(backend.name().isBlank(), "name() must not be blank");
    assertEquals(List.of(), backend.list(), "a new backend holds no containers");
    Recorder listener = create("web-0", RUNS_UNTIL_STOPPED);

    ContainerInfo info = backend.inspect("web-0").orElseThrow();
    assertEquals("web-0", info.id());
    assertEquals(ContainerState.CREATED, info.state());
    assertEquals(Optional.empty(), info.exit());
    assertEquals(List.of("web-0"), backend.list());
    assertEquals(List.of(), listener.exits(), "nothing ran, so nothing ended");
  }

  @Test
  void aStartedContainerRunsUntilStoppedAndItsRequestedExitIsReportedOnce() throws Exception {
    Recorder listener = startContainer("web-0", RUNS_UNTIL_STOPPED);
    ContainerInfo running = backend.inspect("web-0").orElseThrow();
    assertEquals(ContainerState.RUNNING, running.state());
    assertEquals(Optional.empty(), running.exit());
    running.pid().ifPresent(pid -> assertTrue(pid > 0, "pid " + pid));
    if (runsCommands()) {
      listener.awaitLine("running"::equals);
    }

    CompletableFuture<ExitStatus> first = backend.stop("web-0", LONG_GRACE);
    CompletableFuture<ExitStatus> second = backend.stop("web-0", LONG_GRACE);
    ExitStatus exit = await(first, "the stop of web-0");

    assertWellFormed(exit);
    assertTrue(exit.requested(), "a stopped container's exit is requested: " + exit);
    assertFalse(exit.memoryLimitExceeded(), exit.toString());
    if (runsCommands()) {
      assertEquals(ExitStatus.signalled(15, true), exit,
          "sleep ends on SIGTERM, long before the grace");
    }
    assertEquals(exit, await(second, "the second stop of web-0"));
    assertEquals(exit, listener.awaitExit());
    assertEquals(exit, await(backend.stop("web-0", LONG_GRACE), "a stop after the exit"));
    assertEquals(List.of(exit), listener.exits(), "the exit is reported once");
    ContainerInfo ended = backend.inspect("web-0").orElseThrow();
    assertEquals(ContainerState.EXITED, ended.state());
    assertEquals(Optional.of(exit), ended.exit());
  }

  @Test
  void aContainerThatEndsOnItsOwnReportsItsCodeAsNotRequested() throws Exception {
    Recorder listener = runToExit("job", 3);
    ExitStatus exit = listener.awaitExit();

    assertEquals(ExitStatus.exited(3), exit);
    ContainerInfo info = backend.inspect("job").orElseThrow();
    assertEquals(ContainerState.EXITED, info.state());
    assertEquals(Optional.of(exit), info.exit());
  }

  @Test
  void aStopOfAnEndedContainerCompletesAtOnceWithItsExit() throws Exception {
    Recorder listener = runToExit("job", 3);
    ExitStatus exit = listener.awaitExit();

    ExitStatus stopped = await(backend.stop("job", LONG_GRACE), AT_ONCE, "the stop of ended job");

    assertEquals(exit, stopped, "the exit stays the one the container had, not requested");
    assertEquals(List.of(exit), listener.exits());
    assertEquals(Optional.of(exit), backend.inspect("job").orElseThrow().exit());
  }

  @Test
  void aStopOfANeverStartedContainerEndsItAtOnce() throws Exception {
    Recorder listener = create("idle", RUNS_UNTIL_STOPPED);

    ExitStatus exit = await(backend.stop("idle", LONG_GRACE), AT_ONCE, "the stop of idle");

    assertWellFormed(exit);
    assertTrue(exit.requested(), "a stopped container's exit is requested: " + exit);
    assertEquals(exit, listener.awaitExit());
    assertEquals(List.of(exit), listener.exits());
    ContainerInfo info = backend.inspect("idle").orElseThrow();
    assertEquals(ContainerState.EXITED, info.state());
    assertEquals(Optional.of(exit), info.exit());
    assertRefused(IllegalStateException.class, "idle", () -> backend.start("idle"));
    assertEquals(ContainerState.EXITED, backend.inspect("idle").orElseThrow().state());
  }

  @Test
  void aContainerStartsOnlyOnce() throws Exception {
    Recorder listener = startContainer("web-0", RUNS_UNTIL_STOPPED);

    assertRefused(IllegalStateException.class, "web-0", () -> backend.start("web-0"));

    assertEquals(ContainerState.RUNNING, backend.inspect("web-0").orElseThrow().state());
    if (runsCommands()) {
      listener.awaitLine("running"::equals);
    }
    await(backend.stop("web-0", LONG_GRACE), "the stop of web-0");
    listener.awaitExit();
    if (runsCommands()) {
      assertEquals(List.of("running"), listener.stdout(), "the command ran once");
    }
  }

  @Test
  void aDuplicateIdIsRefusedUntilTheFirstIsRemoved() throws Exception {
    Recorder first = create("web-0", RUNS_UNTIL_STOPPED);
    Recorder refused = new Recorder("refused duplicate of web-0");

    assertRefused(IllegalStateException.class, "web-0", () -> backend.create(spec("web-0",
        "echo duplicate", Map.of(), refused)));
    assertEquals(List.of("web-0"), backend.list());
    assertEquals(ContainerState.CREATED, backend.inspect("web-0").orElseThrow().state());

    start("web-0");
    if (runsCommands()) {
      first.awaitLine("running"::equals);
    }
    assertRefused(IllegalStateException.class, "web-0", () -> backend.create(spec("web-0",
        "echo duplicate", Map.of(), refused)));
    await(backend.stop("web-0", LONG_GRACE), "the stop of web-0");
    first.awaitExit();
    assertRefused(IllegalStateException.class, "web-0", () -> backend.create(spec("web-0",
        "echo duplicate", Map.of(), refused)));
    assertEquals(List.of(), refused.stdout(), "the refused spec must not run");
    assertEquals(List.of(), refused.exits(), "the refused spec must not be reported");

    backend.remove("web-0");
    create("web-0", RUNS_UNTIL_STOPPED);
    assertEquals(ContainerState.CREATED, backend.inspect("web-0").orElseThrow().state(),
        "a removed id may be used again");
  }

  @Test
  void unknownIdsAreRefusedWithAnExceptionNamingThem() throws Exception {
    create("known", RUNS_UNTIL_STOPPED);

    assertEquals(Optional.empty(), backend.inspect("nope-1"));
    assertRefused(Exception.class, "nope-1", () -> backend.start("nope-1"));
    assertRefused(Exception.class, "nope-2", () -> backend.remove("nope-2"));
    assertStopRefused("nope-3");
    assertEquals(List.of("known"), backend.list(), "a refused call must not add a container");
    assertEquals(Optional.empty(), backend.inspect("nope-1"));
  }

  @Test
  void listHoldsEveryContainerUntilItIsRemoved() throws Exception {
    create("a", RUNS_UNTIL_STOPPED);
    startContainer("b", RUNS_UNTIL_STOPPED);
    runToExit("c", 0).awaitExit();

    List<String> all = backend.list();
    assertEquals(Set.of("a", "b", "c"), Set.copyOf(all), "list() is " + all);
    assertEquals(3, all.size(), "list() holds each id once: " + all);

    backend.remove("c");
    assertEquals(Set.of("a", "b"), Set.copyOf(backend.list()));
    assertEquals(Optional.empty(), backend.inspect("c"));
    assertRefused(Exception.class, "c", () -> backend.start("c"));
    assertRefused(Exception.class, "c", () -> backend.remove("c"));
  }

  @Test
  void aRunningContainerCannotBeRemoved() throws Exception {
    Recorder listener = startContainer("busy", RUNS_UNTIL_STOPPED);

    assertRefused(IllegalStateException.class, "busy", () -> backend.remove("busy"));

    assertEquals(List.of("busy"), backend.list());
    assertEquals(ContainerState.RUNNING, backend.inspect("busy").orElseThrow().state());
    await(backend.stop("busy", LONG_GRACE), "the stop of busy");
    listener.awaitExit();
    backend.remove("busy");
    assertEquals(List.of(), backend.list());
    assertEquals(Optional.empty(), backend.inspect("busy"));
  }

  @Test
  void closeEndsEveryContainerWithinItsBound() throws Exception {
    Recorder idle = create("idle", RUNS_UNTIL_STOPPED);
    Recorder running = startContainer("running", RUNS_UNTIL_STOPPED);
    Recorder ended = runToExit("ended", 3);
    ended.awaitExit();
    Recorder deaf = null;
    if (runsCommands()) {
      running.awaitLine("running"::equals);
      deaf = startContainer("deaf", "trap '' TERM; echo ready; sleep 300");
      deaf.awaitLine("ready"::equals);
    }

    long before = System.nanoTime();
    backend.close();
    Duration took = Duration.ofNanos(System.nanoTime() - before);
    backend.close();

    assertTrue(took.compareTo(CLOSE_BOUND) < 0, "close took " + took);
    ExitStatus stopped = running.awaitExit();
    assertWellFormed(stopped);
    assertTrue(stopped.requested(), "close stops what runs: " + stopped);
    if (deaf != null) {
      assertEquals(ExitStatus.signalled(9, true), deaf.awaitExit(),
          "what ignores SIGTERM is killed once the grace runs out");
    }
    assertEquals(List.of(ExitStatus.exited(3)), ended.exits(), "an ended container stays so");
    assertTrue(idle.exits().size() <= 1, "idle: " + idle.exits());
  }

  @Test
  void concurrentContainersRunAndEndIndependently() throws Exception {
    int count = 4;
    List<Recorder> recorders = runConcurrently(count, i -> {
      String id = "c-" + i;
      Recorder listener = create(id, runsCommands() ? "echo I am $NAME; exit " + (10 + i)
          : RUNS_UNTIL_STOPPED, Map.of("NAME", id));
      start(id);
      if (!runsCommands()) {
        makeExit(id, 10 + i);
      }
      return listener;
    });

    for (int i = 0; i < count; i++) {
      Recorder listener = recorders.get(i);
      assertEquals(ExitStatus.exited(10 + i), listener.awaitExit(), "exit of c-" + i);
      if (runsCommands()) {
        assertEquals(List.of("I am c-" + i), listener.stdout(), "output of c-" + i);
      }
    }
    assertEquals(IntStream.range(0, count).mapToObj(i -> "c-" + i).collect(Collectors.toSet()),
        Set.copyOf(backend.list()));
  }

  // --- backends that run commands ---

  @Test
  void theCommandRunsInItsWorkDirWithExactlyTheSpecsEnvironment() throws Exception {
    assumeCommands();
    Map<String, String> extra = Map.of("PORT", "23456", "APP_NAME", "demo app",
        "EQUALS", "a=b=c", "EMPTY", "");
    Recorder listener = startContainer("env", "env; pwd -P >&2", extra);
    assertEquals(ExitStatus.exited(0), listener.awaitExit());

    Map<String, String> expected = new HashMap<>(baseEnv());
    expected.putAll(extra);
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : listener.stdout()) {
      int eq = line.indexOf('=');
      assertTrue(eq > 0, "not a variable: '" + line + "' in " + listener.stdout());
      seen.put(line.substring(0, eq), line.substring(eq + 1));
    }
    Set<String> inherited = new HashSet<>(System.getenv().keySet());
    inherited.removeAll(expected.keySet());
    inherited.removeAll(shellVariables());
    assertFalse(inherited.isEmpty(), "the test needs a variable in the JVM's environment that "
        + "the spec does not set");
    for (Map.Entry<String, String> variable : expected.entrySet()) {
      assertEquals(variable.getValue(), seen.get(variable.getKey()),
          "the value of " + variable.getKey() + " in " + seen);
    }
    Set<String> unexpected = new HashSet<>(seen.keySet());
    unexpected.removeAll(expected.keySet());
    unexpected.removeAll(shellVariables());
    assertEquals(Set.of(), unexpected, "nothing may come from the node's environment");
    assertEquals(List.of(workDir.toRealPath().toString()), listener.stderr(),
        "the command runs in its workDir");
  }

  @Test
  void everyLineArrivesOnItsStreamInOrderBeforeTheExit() throws Exception {
    assumeCommands();
    int lines = 200;
    Recorder listener = startContainer("chatty", "i=0; while [ $i -lt " + lines + " ]; do "
        + "echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done; printf 'no newline at the end'");

    assertEquals(ExitStatus.exited(0), listener.awaitExit());

    List<String> stdout = new ArrayList<>();
    List<String> stderr = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      stdout.add("out " + i);
      stderr.add("err " + i);
    }
    stdout.add("no newline at the end");
    assertEquals(stdout, listener.stdout(), "stdout, complete when onExit came");
    assertEquals(stderr, listener.stderr(), "stderr, complete when onExit came");
  }

  @Test
  void aCommandKilledByASignalReportsTheSignal() throws Exception {
    assumeCommands();
    Recorder listener = startContainer("suicide", "echo before; kill -KILL $$; echo after");

    assertEquals(ExitStatus.signalled(9, false), listener.awaitExit());
    assertEquals(List.of("before"), listener.stdout());
  }

  @Test
  void stopSendsSigtermFirstSoTheCommandMayEndOnItsOwnTerms() throws Exception {
    assumeCommands();
    Recorder listener = startContainer("polite", String.join("\n",
        "trap 'echo got-term; exit 7' TERM",
        "echo ready",
        "while :; do sleep 0.05; done"));
    listener.awaitLine("ready"::equals);

    ExitStatus exit = await(backend.stop("polite", LONG_GRACE), "the stop of polite");

    assertEquals(new ExitStatus(7, 0, false, true), exit);
    assertEquals(List.of("ready", "got-term"), listener.stdout());
  }

  @Test
  void aCommandIgnoringSigtermIsKilledWhenTheGraceRunsOut() throws Exception {
    assumeCommands();
    Recorder listener = startContainer("deaf", "trap '' TERM; echo ready; sleep 300; echo never");
    listener.awaitLine("ready"::equals);
    Duration grace = Duration.ofMillis(600);

    long before = System.nanoTime();
    ExitStatus exit = await(backend.stop("deaf", grace), "the stop of deaf");
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertEquals(ExitStatus.signalled(9, true), exit);
    assertTrue(took.compareTo(grace) >= 0, "killed after " + took + ", before the grace " + grace);
    assertTrue(took.compareTo(grace.plus(WAIT)) < 0, "killed only after " + took);
    assertEquals(List.of("ready"), listener.stdout());
  }

  @Test
  void stopEndsTheWholeProcessTree() throws Exception {
    assumeCommands();
    // Found on the host by a token in their command lines: a backend with a pid namespace
    // shows its processes other numbers inside than the host's.
    String token = "300." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    Recorder listener = startContainer("tree", String.join("\n",
        "sleep " + token + " & echo child=$!",
        "sh -c 'sleep " + token + " & echo grandchild=$!; wait' & echo child=$!",
        "wait"));
    listener.awaitLines(line -> line.contains("="), 3);
    // A child forked before its echo may not have run sleep yet.
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Long> tree = processesWith("sleep\0" + token);
    while (tree.size() < 2 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      tree = processesWith("sleep\0" + token);
    }
    pids.addAll(tree);
    assertEquals(2, tree.size(), "the two sleeps of the tree should run: " + tree);

    ExitStatus exit = await(backend.stop("tree", LONG_GRACE), "the stop of tree");

    assertEquals(ExitStatus.signalled(15, true), exit);
    awaitGone(tree);
  }

  // --- limits, and backends that isolate ---

  /**
   * How many processes and threads one container of the backend under test may have.
   *
   * @return the limit the backend was built with; empty (the default) when it sets none, which
   *     skips the fork-bomb test
   */
  protected OptionalInt pidsLimit() {
    return OptionalInt.empty();
  }

  /**
   * Whether the backend under test kills a container above its memory limit.
   *
   * @return by default whether it {@linkplain ContainerBackend#isolates() isolates}; a backend
   *     that watches memory without isolating, such as the process backend, says true
   */
  protected boolean enforcesMemory() {
    return backend.isolates();
  }

  @Test
  void aContainerAboveItsMemoryLimitIsKilledAndTheExitSaysSo() throws Exception {
    assumeCommands();
    assumeTrue(enforcesMemory(), "the backend does not enforce memory limits");
    Recorder listener = new Recorder("hog");
    // tail keeps its one endless line in memory: 1 GiB, unless it is killed first.
    backend.create(new ContainerSpec("hog", workDir, "head -c 1073741824 /dev/zero | tail",
        baseEnv(),
        new ResourceLimits(64L * 1024 * 1024, LIMITS.diskBytes(), 1024), listener));
    listeners.put("hog", listener);
    allListeners.add(listener);
    start("hog");

    ExitStatus exit = listener.awaitExit();

    assertTrue(exit.memoryLimitExceeded(), "killed for its memory: " + exit);
    assertFalse(exit.requested(), exit.toString());
    assertEquals(9, exit.signal(), exit.toString());
  }

  @Test
  void anIsolatedContainerRunsAsAUserOfItsOwnNotRoot() throws Exception {
    assumeIsolation();
    Recorder listener = startContainer("uid", "id -u; id -g; touch mine && echo wrote-workdir");
    assertEquals(ExitStatus.exited(0), listener.awaitExit(), "stderr: " + listener.stderr());
    assertEquals(3, listener.stdout().size(), listener.stdout().toString());
    assertNotEquals("0", listener.stdout().get(0), "uid");
    assertNotEquals("0", listener.stdout().get(1), "gid");
    assertEquals("wrote-workdir", listener.stdout().get(2), "its workDir is writable to it");
  }

  @Test
  void anIsolatedContainerCannotWriteTheHostsSystemFolders() throws Exception {
    assumeIsolation();
    String probe = "paaskit-probe-" + ThreadLocalRandom.current().nextInt(1_000_000);
    Recorder listener = startContainer("ro", "for d in /etc /usr /bin; do "
        + "touch $d/" + probe + " 2>/dev/null && echo wrote $d; done; echo done");
    assertEquals(ExitStatus.exited(0), listener.awaitExit());
    assertEquals(List.of("done"), listener.stdout());
    for (String d : List.of("/etc", "/usr", "/bin")) {
      assertFalse(Files.exists(Path.of(d, probe)), d + "/" + probe);
    }
  }

  @Test
  void anIsolatedContainerSeesNoHostFileItWasNotGiven() throws Exception {
    assumeIsolation();
    Path secret = workDir.resolveSibling(workDir.getFileName() + "-secret");
    Files.writeString(secret, "admin-token-123");
    try {
      Recorder listener = startContainer("peek", "cat " + secret + " 2>/dev/null; "
          + "ls " + workDir.getParent() + " 2>/dev/null | grep -c secret; echo done");
      assertEquals(ExitStatus.exited(0), listener.awaitExit());
      assertEquals(List.of("0", "done"), listener.stdout(),
          "a world-readable file beside its workDir stays out of sight");
    } finally {
      Files.deleteIfExists(secret);
    }
  }

  @Test
  void anIsolatedContainerSeesNeitherTheHostsNorOtherContainersProcesses() throws Exception {
    assumeIsolation();
    String secret = "s3cret-" + ThreadLocalRandom.current().nextInt(1_000_000);
    // Command lines are readable by every user: only a pid namespace hides this one.
    String token = "302." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    Recorder other = startContainer("holder", "echo running; exec sleep " + token,
        Map.of("DB_PASSWORD", secret));
    other.awaitLines(line -> line.equals("running"), 1);
    Recorder listener = startContainer("snoop", "cat /proc/*/cmdline 2>/dev/null | tr '\\0' "
        + "' ' | grep -c 'slee[p] " + token + "'; " // Not matching its own command line.
        + "cat /proc/*/environ 2>/dev/null | tr '\\0' "
        + "'\\n' | grep -c " + secret + "; test -e /proc/" + ProcessHandle.current().pid()
        + "/environ && grep -c " + secret + " /proc/" + ProcessHandle.current().pid()
        + "/environ; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n");

    assertEquals(ExitStatus.exited(0), listener.awaitExit(), "stderr " + listener.stderr());
    List<String> out = listener.stdout();
    assertEquals("0", out.get(0), "another container's process: " + out);
    assertEquals("0", out.get(1), "another container's environment: " + out);
    int seen = Integer.parseInt(out.get(out.size() - 1));
    assertTrue(seen < 10, "it sees its own few processes only, not the host's: " + seen);
    await(backend.stop("holder", LONG_GRACE), "the stop of holder");
  }

  @Test
  void anIsolatedContainerCannotMakeNamespacesOfItsOwn() throws Exception {
    assumeIsolation();
    Recorder listener = startContainer("userns", "for ns in -U -Ur -m -n; do "
        + "unshare $ns true 2>/dev/null && echo made $ns; done; echo done");
    assertEquals(ExitStatus.exited(0), listener.awaitExit());
    assertEquals(List.of("done"), listener.stdout(),
        "a user namespace would give it capabilities over new mount and network namespaces");
  }

  @Test
  void aDetachedChildEndsWithItsIsolatedContainer() throws Exception {
    assumeIsolation();
    String token = "301." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    Recorder listener = startContainer("detach",
        "setsid -f sleep " + token + "; (cd / && nohup sleep " + token + " >/dev/null 2>&1 &); "
            + "echo detached");
    listener.awaitLines(line -> line.equals("detached"), 1);
    assertEquals(ExitStatus.exited(0), listener.awaitExit());
    List<Long> left = processesWith("sleep\0" + token);
    awaitGone(left);
    assertEquals(List.of(), processesWith("sleep\0" + token),
        "children that left the session outlive their container");
  }

  @Test
  void anIsolatedContainerWritingMoreThanItsDiskQuotaIsKilledAndTheExitSaysSo()
      throws Exception {
    assumeIsolation();
    Recorder listener = new Recorder("filler");
    backend.create(new ContainerSpec("filler", workDir,
        "head -c 40000000 /dev/zero > a; head -c 40000000 /dev/zero > b; echo wrote; "
            + "sleep 300", baseEnv(), new ResourceLimits(LIMITS.memoryBytes(), 16L << 20, 1024),
        listener));
    listeners.put("filler", listener);
    allListeners.add(listener);
    start("filler");

    ExitStatus exit = listener.awaitExit();

    assertTrue(exit.diskLimitExceeded(), "killed for its disk: " + exit);
    assertFalse(exit.requested(), exit.toString());
  }

  @Test
  void aForkBombStopsAtThePidsLimitAndTheBackendGoesOn() throws Exception {
    assumeIsolation();
    assumeTrue(pidsLimit().isPresent(), "the backend sets no process limit");
    int limit = pidsLimit().getAsInt();
    // The inner shell gives up at the first fork refused; the outer one counts with builtins,
    // which fork nothing.
    Recorder bomb = startContainer("bomb", "sh -c 'i=0; while [ $i -lt " + (limit * 3)
        + " ]; do sleep 300 & i=$((i+1)); done' 2>/dev/null; "
        + "n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n; exec sleep 300");
    List<String> counted = bomb.awaitLines(line -> line.matches("\\d+"), 1);
    int seen = Integer.parseInt(counted.get(0));
    assertTrue(seen <= limit, seen + " processes, above the limit of " + limit);

    Recorder after = startContainer("after", "echo fine");
    assertEquals(ExitStatus.exited(0), after.awaitExit());
    assertEquals(List.of("fine"), after.stdout());
    assertEquals(ExitStatus.signalled(15, true).exitCode(),
        await(backend.stop("bomb", Duration.ofSeconds(5)), "the stop of bomb").exitCode());
  }

  private void assumeIsolation() {
    assumeCommands();
    assumeTrue(backend.isolates(), "the backend does not isolate its containers");
  }

  /** The live processes whose command line, its arguments joined by NUL, contains {@code text}. */
  private static List<Long> processesWith(String text) throws IOException {
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC,
        d -> d.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path dir : dirs) {
        byte[] cmdline;
        try {
          cmdline = Files.readAllBytes(dir.resolve("cmdline"));
        } catch (IOException e) {
          continue; // Ended meanwhile.
        }
        long pid = Long.parseLong(dir.getFileName().toString());
        if (new String(cmdline, StandardCharsets.UTF_8).contains(text) && alive(pid)) {
          found.add(pid);
        }
      }
    }
    return found;
  }

  // --- helpers for subclasses and the tests above ---

  /**
   * A spec in {@link #workDir} with {@link #baseEnv()} plus {@code env}, and {@link #LIMITS}.
   *
   * @param id the container's id
   * @param command the shell command line
   * @param env variables added to, or replacing, the base environment
   * @param listener what hears the container
   * @return the spec
   */
  protected final ContainerSpec spec(String id, String command, Map<String, String> env,
      ContainerListener listener) {
    Map<String, String> all = new HashMap<>(baseEnv());
    all.putAll(env);
    return new ContainerSpec(id, workDir, command, all, LIMITS, listener);
  }

  /**
   * Creates container {@code id} and returns the listener it reports to.
   *
   * @param id the container's id
   * @param command the shell command line
   * @return a new recorder, checked after the test
   * @throws IOException what {@code create} threw
   */
  protected final Recorder create(String id, String command) throws IOException {
    return create(id, command, Map.of());
  }

  /**
   * Creates container {@code id} with {@code env} added and returns its listener.
   *
   * @param id the container's id
   * @param command the shell command line
   * @param env variables added to the base environment
   * @return a new recorder, checked after the test
   * @throws IOException what {@code create} threw
   */
  protected final Recorder create(String id, String command, Map<String, String> env)
      throws IOException {
    Recorder listener = new Recorder(id);
    backend.create(spec(id, command, env, listener));
    listeners.put(id, listener);
    allListeners.add(listener);
    return listener;
  }

  /**
   * Starts container {@code id}, created by {@link #create}: after the test its listener must
   * have heard exactly one exit, and the process id {@code inspect} shows must be gone.
   *
   * @param id a container made by {@link #create}
   * @throws IllegalArgumentException if {@link #create} did not make {@code id}
   * @throws IOException what {@code start} threw
   */
  protected final void start(String id) throws IOException {
    Recorder listener = listeners.get(id);
    if (listener == null) {
      throw new IllegalArgumentException("container " + id + " was not created by create()");
    }
    backend.start(id);
    startedListeners.add(listener);
    backend.inspect(id).ifPresent(info -> info.pid().ifPresent(pids::add));
  }

  /**
   * Creates and starts container {@code id}.
   *
   * @param id the container's id
   * @param command the shell command line
   * @return its recorder
   * @throws IOException what {@code create} or {@code start} threw
   */
  protected final Recorder startContainer(String id, String command) throws IOException {
    return startContainer(id, command, Map.of());
  }

  /**
   * Creates container {@code id} with {@code env} added, and starts it.
   *
   * @param id the container's id
   * @param command the shell command line
   * @param env variables added to the base environment
   * @return its recorder
   * @throws IOException what {@code create} or {@code start} threw
   */
  protected final Recorder startContainer(String id, String command, Map<String, String> env)
      throws IOException {
    Recorder listener = create(id, command, env);
    start(id);
    return listener;
  }

  /**
   * Starts container {@code id} so that it ends on its own with {@code code}: through its
   * command, or through {@link #makeExit} for a backend that runs none.
   *
   * @param id the container's id
   * @param code the exit code, 0 to 255
   * @return its recorder, whose exit may still be on its way
   * @throws Exception what the backend or {@link #makeExit} threw
   */
  protected final Recorder runToExit(String id, int code) throws Exception {
    if (runsCommands()) {
      return startContainer(id, "exit " + code);
    }
    Recorder listener = startContainer(id, RUNS_UNTIL_STOPPED);
    makeExit(id, code);
    return listener;
  }

  /**
   * The value of {@code future}, waiting up to {@link #WAIT}.
   *
   * @param future a stop's future
   * @param what the stop in words, for the failure message
   * @return the exit it completed with
   * @throws Exception an {@link AssertionError} when it is null, failed or late
   */
  protected static ExitStatus await(CompletableFuture<ExitStatus> future, String what)
      throws Exception {
    return await(future, WAIT, what);
  }

  private static ExitStatus await(CompletableFuture<ExitStatus> future, Duration timeout,
      String what) throws Exception {
    assertNotNull(future, what + ": stop returned null");
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + timeout, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed", e.getCause());
    }
  }

  /**
   * Checks what {@link ExitStatus} promises of every exit: a code from 0 to 255, a signal not
   * negative, and a signal's code {@code 128 + signal}.
   *
   * @param exit the exit to check
   */
  protected static void assertWellFormed(ExitStatus exit) {
    assertTrue(exit.exitCode() >= 0 && exit.exitCode() <= 255,
        "an exit code as a shell reports it: " + exit);
    assertTrue(exit.signal() >= 0, "signal: " + exit);
    if (exit.signal() != 0) {
      assertEquals(128 + exit.signal(), exit.exitCode(), "a signal's exit code: " + exit);
    }
  }

  /**
   * Runs {@code body} on {@code threads} threads at once, numbered from 0, and returns what
   * each returned, in thread order.
   *
   * @param <T> what each thread returns
   * @param threads how many threads
   * @param body the work of each thread, given its number
   * @return what each thread returned
   * @throws Exception what a thread threw (wrapped in an {@code ExecutionException}), or a
   *     {@code TimeoutException} when one did not finish within {@link #WAIT}
   */
  protected static <T> List<T> runConcurrently(int threads, ThreadBody<T> body) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(executor.submit(() -> {
          go.await();
          return body.run(thread);
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      }
      return results;
    } finally {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS),
          "threads still running");
    }
  }

  /** The work of one thread of {@link #runConcurrently}. */
  @FunctionalInterface
  protected interface ThreadBody<T> {
    /**
     * Does one thread's work.
     *
     * @param thread the thread's number, from 0
     * @return the thread's result
     * @throws Exception anything; it fails the test
     */
    T run(int thread) throws Exception;
  }

  private void assumeCommands() {
    assumeTrue(runsCommands(), "the containers of " + backend.name() + " run no commands");
  }

  private static void assertRefused(Class<? extends Exception> type, String id, Executable call) {
    Exception e = assertThrows(type, call, "a call on " + id + " should be refused");
    assertMessageNames(id, e);
  }

  /** A stop of an unknown id may throw, or return a future that fails; either names the id. */
  private void assertStopRefused(String id) throws InterruptedException {
    CompletableFuture<ExitStatus> future;
    try {
      future = backend.stop(id, LONG_GRACE);
    } catch (RuntimeException e) {
      assertMessageNames(id, e);
      return;
    }
    assertNotNull(future, "stop(" + id + ") returned null");
    try {
      ExitStatus exit = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      fail("stop of unknown " + id + " completed with " + exit);
    } catch (ExecutionException e) {
      assertMessageNames(id, e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("stop of unknown " + id + " neither threw nor failed", e);
    }
  }

  private static void assertMessageNames(String id, Throwable e) {
    String message = e.getMessage();
    assertTrue(message != null && message.contains(id),
        "the message should name " + id + ": " + e);
  }

  /** Waits until none of {@code pids} runs; a zombie counts as gone. */
  private static void awaitGone(Iterable<Long> pids) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (long pid : pids) {
      while (alive(pid)) {
        if (System.nanoTime() - deadline > 0) {
          fail("pid " + pid + " still runs " + WAIT + " after its container ended");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
  }

  /** Running or sleeping: neither gone nor a zombie. */
  private static boolean alive(long pid) {
    if (!Files.isDirectory(PROC)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
          StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc/" + pid + "/stat", e);
    }
    // The command name in parentheses may hold anything; the state follows the last ')'.
    int end = stat.lastIndexOf(')');
    char state = end < 0 || end + 2 >= stat.length() ? 'X' : stat.charAt(end + 2);
    return state != 'Z' && state != 'X' && state != 'x';
  }

  /**
   * Records what one container reports and what the contract forbids: two calls at once, output
   * after the exit, more than one exit.
   */
  protected static final class Recorder implements ContainerListener {
    private final String id;
    private final Object lock = new Object();
    private final AtomicInteger calls = new AtomicInteger();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    // Guarded by lock.
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final List<ExitStatus> exits = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * A recorder of the container {@code id}.
     *
     * @param id the container's id, named in failure messages
     */
    public Recorder(String id) {
      this.id = id;
    }

    @Override
    public void onOutput(Stream stream, String line) {
      enter();
      synchronized (lock) {
        if (!exits.isEmpty()) {
          problems.add("output after the exit on " + stream + ": " + line);
        }
        (stream == Stream.STDERR ? stderr : stdout).add(line);
        lock.notifyAll();
      }
      leave();
    }

    @Override
    public void onExit(ExitStatus status) {
      enter();
      synchronized (lock) {
        exits.add(status);
        lock.notifyAll();
      }
      exit.complete(status);
      leave();
    }

    private void enter() {
      if (calls.incrementAndGet() > 1) {
        synchronized (lock) {
          problems.add("called while another call was under way");
        }
      }
    }

    private void leave() {
      calls.decrementAndGet();
    }

    /**
     * The first exit, waiting up to {@link #WAIT}.
     *
     * @return the exit heard
     * @throws Exception an {@link AssertionError} with the output so far when none comes in
     *     time
     */
    public ExitStatus awaitExit() throws Exception {
      try {
        return exit.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("no exit of " + id + " within " + WAIT + "; output: "
            + stdout() + " " + stderr(), e);
      }
    }

    /**
     * The first line on either stream that matches, waiting up to {@link #WAIT}.
     *
     * @param matches what the line must satisfy
     * @return the line; standard output's lines are looked at before standard error's
     * @throws InterruptedException if the test thread is interrupted
     */
    public String awaitLine(Predicate<String> matches) throws InterruptedException {
      return awaitLines(matches, 1).get(0);
    }

    /**
     * The first {@code count} lines on either stream that match, waiting up to {@link #WAIT}.
     *
     * @param matches what the lines must satisfy
     * @param count how many lines, 1 or more
     * @return the lines, standard output's first; fails with an {@link AssertionError} when
     *     fewer came in time
     * @throws InterruptedException if the test thread is interrupted
     */
    public List<String> awaitLines(Predicate<String> matches, int count)
        throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      synchronized (lock) {
        while (true) {
          List<String> found = new ArrayList<>();
          stdout.stream().filter(matches).forEach(found::add);
          stderr.stream().filter(matches).forEach(found::add);
          if (found.size() >= count) {
            return found.subList(0, count);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("only " + found.size() + " of " + count + " lines of " + id
                + " within " + WAIT + "; output: " + stdout + " " + stderr);
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      }
    }

    /**
     * What the container wrote on standard output so far.
     *
     * @return the lines in order; a copy
     */
    public List<String> stdout() {
      synchronized (lock) {
        return List.copyOf(stdout);
      }
    }

    /**
     * What the container wrote on standard error so far.
     *
     * @return the lines in order; a copy
     */
    public List<String> stderr() {
      synchronized (lock) {
        return List.copyOf(stderr);
      }
    }

    /**
     * Every exit heard so far; the contract allows at most one.
     *
     * @return the exits in order; a copy
     */
    public List<ExitStatus> exits() {
      synchronized (lock) {
        return List.copyOf(exits);
      }
    }

    /**
     * What the listener saw that the contract forbids.
     *
     * @return one line per problem (a call during another, output after the exit); a copy
     */
    public List<String> problems() {
      synchronized (lock) {
        return List.copyOf(problems);
      }
    }
  }
}
