package dev.paaskit.node.process;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.node.internal.Exits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container as a plain child process on Linux: {@code /bin/sh -c command} in the
 * container's {@code workDir}, with exactly the spec's environment (nothing is inherited, though
 * the shell itself sets {@code PWD}).
 *
 * <pre>{@code
 * try (ProcessBackend backend = ProcessBackend.builder().build()) {
 *   backend.create(new ContainerSpec("web-0", dir, "exec python3 -m http.server $PORT",
 *       Map.of("PORT", "20001", "PATH", "/usr/bin:/bin"), limits, listener));
 *   backend.start("web-0");
 *   ExitStatus exit = backend.stop("web-0", Duration.ofSeconds(10)).join();
 * }
 * }</pre>
 *
 * <p><b>Process trees.</b> The shell is started through {@code setsid(1)}, so it leads a session
 * and process group of its own. {@link #stop} sends SIGTERM to that whole group and to every other
 * process found in the tree (descendants by parent link, members of the session, and processes
 * seen in the tree earlier), then SIGKILL to all of them if any is alive when the grace period,
 * timed by the {@link Clock}, runs out. When the main process ends on its own, whatever it left
 * running is killed at once, as a container runtime does when a container's init ends. A process
 * that both leaves the session ({@code setsid}) and is never seen in the tree before its parent
 * dies escapes; only a cgroup-based backend closes that gap. Where {@code setsid} is missing, the
 * backend logs a warning and finds the tree by parent links and earlier sightings only.
 *
 * <p>The backend reaps each container's main process. Processes of a tree that outlive their
 * parent are reparented to init (or the nearest subreaper), which reaps them once they are
 * killed; until it does they show as zombies. A node should run under an init that reaps
 * ({@code docker --init}, {@code tini}) rather than as pid 1 itself.
 *
 * <p><b>Exit.</b> An exit code from 129 to 192 is read as death by signal {@code code - 128}, as a
 * shell reports it: the JDK does not tell a process killed by SIGTERM from one that exited with
 * 143. {@link ExitStatus#requested()} is true when {@link #stop} was called before the process
 * ended; {@link ExitStatus#memoryLimitExceeded()} when this backend killed it for its memory.
 *
 * <p><b>Output.</b> Lines of stdout and stderr are read on two threads per container and passed
 * to the listener one at a time; a line longer than 16 KiB is cut to its first 16 KiB. The
 * listener's {@code onExit} comes exactly once, after the main process ended and both streams
 * reached their end (or, if a process that escaped the tree still holds them, after a drain
 * timeout of a few seconds, with later output dropped).
 *
 * <p><b>Memory.</b> Every poll interval the resident memory (VmRSS) of all live processes of each
 * tree is summed; a tree above {@link dev.paaskit.api.spi.ResourceLimits#memoryBytes()} is
 * killed with SIGKILL. This watches rather than enforces: a tree may exceed its limit between two
 * polls, and shared pages count once per process. Disk and CPU limits are not enforced.
 *
 * <p><b>Stats.</b> {@link #stats} sums the same resident memory, and the CPU time (user and
 * system, with that of children the tree reaped) of the live processes of the tree; the CPU time
 * it reports never goes down, though a process that left the tree takes its time with it. The
 * disk figure is the size of the container's {@code workDir}, walked again only once the last
 * walk is a few seconds old on the clock.
 *
 * <p><b>Threads.</b> Each running container uses three threads of the executor (two readers and
 * one waiter, all blocking) plus short tasks for signals and memory polls, so an executor given to
 * the builder, or a cloud's executor, must not cap its threads below that; a cached pool fits, and
 * so does a cloud's default executor. Built without an executor or a context, the backend makes a
 * cached pool and a clock of its own, and releases both on {@link #close()}. Thread-safe.
 *
 * <p><b>In a cloud.</b> A node makes its backend from the cloud's context when it starts, with
 * {@link #factory()} or {@link Builder#build(CloudContext)}: such a backend runs on the cloud's
 * executor and times grace periods, memory polls and drains on the cloud's clock, and starts no
 * thread or timer of its own. The node closes it when it stops; the cloud's executor and clock
 * outlive it.
 *
 * <pre>{@code
 * NodeAgent.builder().id("n1").backend(ProcessBackend.factory())...
 * NodeAgent.builder().id("n2").backend(ProcessBackend.builder().closeGrace(grace)::build)...
 * }</pre>
 *
 * <p>{@link #remove} forgets a container but never deletes its {@code workDir}: the node
 * prepared that folder and owns it.
 */
public final class ProcessBackend implements ContainerBackend {
  /** Output lines are cut to this many bytes. */
  public static final int MAX_LINE_BYTES = 16 * 1024;
  /** How often the memory of every tree is read unless the builder says otherwise. */
  public static final Duration DEFAULT_MEMORY_POLL_INTERVAL = Duration.ofMillis(500);
  /** The grace {@link #close()} gives each container unless the builder says otherwise. */
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(2);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
  /** A container's folder is walked again by {@link #stats} once its last walk is this old. */
  static final Duration DISK_REFRESH = Duration.ofSeconds(5);
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ProcessBackend.class);

  private final Host host;
  private final Duration memoryPollInterval;
  private final Duration closeGrace;
  private final ExecutorService ownedExecutor;
  private final SystemClock ownedClock;
  private final Map<String, ProcessContainer> containers = new ConcurrentHashMap<>();
  private final Object pollLock = new Object();

  // Guarded by pollLock.
  private Cancellable pollTimer;
  private boolean closed;

  private ProcessBackend(Builder b, ProcessTree tree, CloudContext context) {
    Executor executor = context != null ? context.executor() : b.executor;
    ExecutorService owned = null;
    if (executor == null) {
      ThreadFactory factory = b.threadFactory != null ? b.threadFactory
          : new ThreadFactoryBuilder().setDaemon(true).setNameFormat("process-backend-%d").build();
      owned = Executors.newCachedThreadPool(factory);
      executor = owned;
    }
    this.ownedExecutor = owned;
    Clock given = context != null ? context.clock() : b.clock;
    this.ownedClock = given == null ? SystemClock.create("process-backend") : null;
    Clock clock = given != null ? given : ownedClock;
    this.host = new Host(executor, clock, tree, DRAIN_TIMEOUT, MAX_LINE_BYTES, DISK_REFRESH);
    this.memoryPollInterval =
        b.memoryPollInterval != null ? b.memoryPollInterval : DEFAULT_MEMORY_POLL_INTERVAL;
    this.closeGrace = b.closeGrace != null ? b.closeGrace : DEFAULT_CLOSE_GRACE;
  }

  /**
   * A builder of a backend.
   *
   * @return a new builder with the default options: no executor or clock given, a memory poll
   *     every {@link #DEFAULT_MEMORY_POLL_INTERVAL}, a close grace of {@link #DEFAULT_CLOSE_GRACE}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Makes a backend with the default options from a cloud's context, as
   * {@code builder().build(context)} does: the factory a node takes in
   * {@code NodeAgent.Builder.backend(Function)}. Each call makes a new backend.
   *
   * @return a factory whose {@code apply} throws {@link IllegalStateException} where this is not
   *     Linux with a readable {@code /proc}, and {@link NullPointerException} for a null context
   */
  public static Function<CloudContext, ProcessBackend> factory() {
    return context -> builder().build(context);
  }

  /** {@code process}. */
  @Override
  public String name() {
    return "process";
  }

  /**
   * Registers {@code spec}; nothing runs until {@link #start}.
   *
   * @throws IllegalStateException if a container with the same id exists or the backend is closed
   */
  @Override
  public void create(ContainerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    synchronized (pollLock) {
      checkOpen();
      ProcessContainer previous =
          containers.putIfAbsent(spec.id(), new ProcessContainer(spec, host));
      if (previous != null) {
        throw new IllegalStateException("container " + spec.id() + " exists");
      }
    }
  }

  /**
   * Starts a created container's command.
   *
   * @throws NotFoundException if no container has this id
   * @throws IllegalStateException if the container is not CREATED or the backend is closed
   * @throws java.nio.file.NoSuchFileException if its workDir is not a directory
   * @throws IOException if the process cannot be started
   */
  @Override
  public void start(String id) throws IOException {
    ProcessContainer container = get(id);
    synchronized (pollLock) {
      checkOpen();
    }
    container.start();
    schedulePoll();
  }

  /**
   * Sends SIGTERM to the container's whole tree and SIGKILL once {@code grace} has passed on the
   * clock with any of it alive. A container created but never started ends at once with exit
   * code 0, requested, and its listener hears {@code onExit}. Calling it again while the
   * container stops adds another deadline; the earliest wins.
   *
   * @return completes after the listener's {@code onExit}, with the same status; never fails
   * @throws NotFoundException if no container has this id
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    return get(id).stop(grace);
  }

  /**
   * Reads what a running (or stopping) container uses: the CPU time and resident memory of its
   * whole tree from {@code /proc}, and the size of its {@code workDir}, walked at most once
   * every few seconds on the clock (the size is reused until then). Each call scans
   * {@code /proc} once; call it from a thread that may block.
   *
   * @return empty for an unknown, created, ended or removed container
   * @throws java.io.UncheckedIOException naming the container when {@code /proc} or its folder
   *     cannot be read
   */
  @Override
  public Optional<ContainerStats> stats(String id) {
    ProcessContainer container = containers.get(Objects.requireNonNull(id, "id"));
    if (container == null) {
      return Optional.empty();
    }
    try {
      return container.stats();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stats of container " + id, e);
    }
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    return Optional.ofNullable(containers.get(id)).map(ProcessContainer::info);
  }

  /** The ids of all containers not yet removed, sorted. */
  @Override
  public List<String> list() {
    return containers.keySet().stream().sorted().toList();
  }

  /**
   * Forgets a container that ended or never started. Its {@code workDir} is left as it is: the
   * node made it and deletes it.
   *
   * @throws NotFoundException if no container has this id
   * @throws IllegalStateException if it is running or stopping
   */
  @Override
  public void remove(String id) {
    ProcessContainer container = get(id);
    container.markRemoved();
    containers.remove(id, container);
  }

  /**
   * Stops every container with a grace period of {@code closeGrace}, kills what is left, waits a
   * bounded time for their ends to be reported, and releases the threads and clock the backend
   * made itself; an executor and clock it was given, or took from a cloud's context, stay open.
   * Returns within {@code closeGrace} plus about ten seconds however the processes behave;
   * idempotent.
   */
  @Override
  public void close() {
    synchronized (pollLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (pollTimer != null) {
        pollTimer.cancel();
        pollTimer = null;
      }
    }
    List<ProcessContainer> all = new ArrayList<>(containers.values());
    List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
    for (ProcessContainer c : all) {
      exits.add(c.stop(closeGrace));
    }
    boolean interrupted = !Exits.awaitAll(exits, closeGrace.plus(CLOSE_MARGIN));
    // Not left to the clock's timers: an injected virtual clock may never fire them.
    all.stream().filter(c -> !c.ended()).forEach(ProcessContainer::kill);
    if (!interrupted) {
      interrupted = !Exits.awaitAll(exits, DRAIN_TIMEOUT.plus(CLOSE_MARGIN));
    }
    all.forEach(ProcessContainer::finishIfEnded);
    all.stream().filter(c -> !c.ended()).forEach(c ->
        log.warn("container {} was still running when the backend closed", c.id()));
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (ownedClock != null) {
      ownedClock.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private ProcessContainer get(String id) {
    Objects.requireNonNull(id, "id");
    ProcessContainer container = containers.get(id);
    if (container == null) {
      throw new NotFoundException("container", id);
    }
    return container;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the process backend is closed");
    }
  }

  private void schedulePoll() {
    synchronized (pollLock) {
      if (pollTimer != null || closed) {
        return;
      }
      pollTimer = host.clock().schedule(memoryPollInterval, () -> host.execute(this::poll));
    }
  }

  private void poll() {
    synchronized (pollLock) {
      pollTimer = null;
    }
    List<ProcessContainer> active = containers.values().stream()
        .filter(ProcessContainer::active).toList();
    if (active.isEmpty()) {
      return;
    }
    try {
      ProcTable table = host.tree().scan();
      for (ProcessContainer c : active) {
        c.checkMemory(table);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("memory poll failed; trying again in {}", memoryPollInterval, e);
    }
    schedulePoll();
  }

  /**
   * Options of a {@link ProcessBackend}. Not thread-safe; each option may be set once. A builder
   * may build several backends; each reads the options as they are then.
   */
  public static final class Builder {
    private Executor executor;
    private ThreadFactory threadFactory;
    private Clock clock;
    private Duration memoryPollInterval;
    private Duration closeGrace;
    private Boolean useSetsid;

    private Builder() {}

    /**
     * Runs readers, waiters and short tasks on {@code executor}, which the caller keeps and
     * shuts down after {@link ProcessBackend#close()}; it must grant at least three threads per
     * running container. Without it the backend makes a cached pool and shuts it down on close.
     * Not with {@link #build(CloudContext)}, which takes the cloud's executor.
     *
     * @param executor runs blocking tasks; a cached pool fits, a fixed pool too small for the
     *     containers stalls their output and exits
     * @return this builder
     * @throws IllegalStateException if an executor was set before
     */
    public Builder executor(Executor executor) {
      checkUnset(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Makes the threads of the backend's own cached pool; not with {@link #executor}, nor with
     * {@link #build(CloudContext)}. Default: daemon threads named {@code process-backend-<n>}.
     *
     * @param threadFactory makes each thread of the pool; the threads should be daemons, or they
     *     keep the JVM alive until the backend is closed
     * @return this builder
     * @throws IllegalStateException if a thread factory was set before
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      checkUnset(this.threadFactory, "threadFactory");
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * Times stop grace periods, memory polls and the output drain. The caller keeps and closes
     * it. Without it the backend uses a {@link SystemClock} of its own and closes it on close.
     * Not with {@link #build(CloudContext)}, which takes the cloud's clock.
     *
     * @param clock its timers must fire for grace periods to end; with a virtual clock, a stop
     *     sends SIGKILL only once the clock is advanced past the grace
     * @return this builder
     * @throws IllegalStateException if a clock was set before
     */
    public Builder clock(Clock clock) {
      checkUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how often the memory of every tree is read; default 500 ms.
     *
     * @param interval more than zero, on the backend's clock; shorter catches a tree over its
     *     limit sooner and costs a scan of {@code /proc} each time
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder memoryPollInterval(Duration interval) {
      checkUnset(this.memoryPollInterval, "memoryPollInterval");
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("memoryPollInterval must be positive: " + interval);
      }
      this.memoryPollInterval = interval;
      return this;
    }

    /**
     * Sets the grace period {@link ProcessBackend#close()} gives each container between SIGTERM
     * and SIGKILL; default 2 s.
     *
     * @param grace zero or more; {@link ProcessBackend#close()} waits about that long in real
     *     time, whatever the clock, before it kills what is left
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws IllegalStateException if it was set before
     */
    public Builder closeGrace(Duration grace) {
      checkUnset(this.closeGrace, "closeGrace");
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("closeGrace must not be negative: " + grace);
      }
      this.closeGrace = grace;
      return this;
    }

    /** For tests of the fallback: runs without setsid even where it exists. */
    Builder withoutSetsid() {
      checkUnset(this.useSetsid, "useSetsid");
      this.useSetsid = false;
      return this;
    }

    /**
     * Makes a backend on the executor and clock given to this builder, or on a pool and a clock
     * of its own when none was given; the caller closes it.
     *
     * @return a new backend with no container
     * @throws IllegalStateException if both an executor and a thread factory were given, or
     *     this is not Linux with a readable {@code /proc}
     */
    public ProcessBackend build() {
      if (executor != null && threadFactory != null) {
        throw new IllegalStateException(
            "give either an executor or a threadFactory, not both: the factory only makes the "
                + "threads of the backend's own pool");
      }
      return new ProcessBackend(this, detectTree(), null);
    }

    /**
     * Makes a backend that runs its readers, waiters and short tasks on the cloud's executor and
     * times grace periods, memory polls and drains on the cloud's clock, and starts no thread or
     * timer of its own; closing it leaves both to the cloud. Fits where a node takes a factory:
     * {@code NodeAgent.builder().backend(ProcessBackend.builder().closeGrace(grace)::build)}.
     *
     * @param context the cloud's context; only its executor and clock are used
     * @return a new backend with no container
     * @throws IllegalStateException if an executor, thread factory or clock was given to this
     *     builder (the context provides them), or this is not Linux with a readable
     *     {@code /proc}
     */
    public ProcessBackend build(CloudContext context) {
      Objects.requireNonNull(context, "context");
      List<String> given = new ArrayList<>();
      if (executor != null) {
        given.add("executor");
      }
      if (threadFactory != null) {
        given.add("threadFactory");
      }
      if (clock != null) {
        given.add("clock");
      }
      if (!given.isEmpty()) {
        throw new IllegalStateException("a backend made from the context of cloud "
            + context.cloudName() + " runs on its executor and clock; this builder was given "
            + String.join(", ", given));
      }
      return new ProcessBackend(this, detectTree(), context);
    }

    private ProcessTree detectTree() {
      return ProcessTree.detect(useSetsid == null || useSetsid);
    }

    private static void checkUnset(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " is already set");
      }
    }
  }
}
