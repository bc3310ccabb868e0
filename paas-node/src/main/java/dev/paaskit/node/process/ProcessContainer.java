package dev.paaskit.node.process;

import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener.Stream;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.node.internal.FolderSize;
import dev.paaskit.node.internal.ListenerGate;
import dev.paaskit.node.process.ProcessTree.Signal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container of a {@link ProcessBackend}: a shell command, its tree of processes, the two
 * threads that read its output and the one that waits for its end.
 *
 * <p>Locks: {@code this} guards the state; the {@link ListenerGate} serialises calls to the
 * listener and is never entered while holding {@code this}, nor the other way round; {@code diskLock}
 * serialises walks of the work folder and is never held while taking another.
 */
final class ProcessContainer {
  private static final Logger log = LoggerFactory.getLogger(ProcessContainer.class);
  /** Linux numbers signals up to SIGRTMAX, 64; a larger exit code is just an exit code. */
  private static final int MAX_SIGNAL = 64;

  private final ContainerSpec spec;
  private final Host host;
  private final ListenerGate gate;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

  // Guarded by this.
  private ContainerState state = ContainerState.CREATED;
  private boolean removed;
  private Process process;
  private boolean requested;
  private boolean memoryKilled;
  private ExitStatus status;
  private final List<Cancellable> timers = new ArrayList<>();
  /** Every process seen in the tree, so that one orphaned since is still found. */
  private final Map<Long, ProcessHandle> seen = new HashMap<>();

  /** The highest CPU time reported, so that a process leaving the tree never lowers it. */
  private long cpuNanos;

  private final Object diskLock = new Object();
  // Guarded by diskLock.
  private long diskBytes;
  private long diskWalkedNanos = Long.MIN_VALUE;

  ProcessContainer(ContainerSpec spec, Host host) {
    this.spec = spec;
    this.host = host;
    this.gate = new ListenerGate(spec.id(), spec.listener(), host.maxLineBytes());
  }

  String id() {
    return spec.id();
  }

  void start() throws IOException {
    Process p;
    synchronized (this) {
      if (removed) {
        throw new NotFoundException("container", id());
      }
      if (state != ContainerState.CREATED) {
        throw new IllegalStateException(
            "container " + id() + " is " + state + "; only a CREATED container can start");
      }
      if (!Files.isDirectory(spec.workDir())) {
        throw new NoSuchFileException(spec.workDir().toString(), null,
            "the workDir of container " + id() + " is not a directory");
      }
      ProcessBuilder builder = new ProcessBuilder(host.tree().command(spec.command()))
          .directory(spec.workDir().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(spec.env());
      p = builder.start();
      process = p;
      state = ContainerState.RUNNING;
    }
    log.debug("container {} started as pid {}", id(), p.pid());
    try {
      CompletableFuture<Void> stdout = gate.pump(p.getInputStream(), Stream.STDOUT,
          host.executor());
      CompletableFuture<Void> stderr = gate.pump(p.getErrorStream(), Stream.STDERR,
          host.executor());
      host.executor().execute(() -> awaitExit(p, stdout, stderr));
    } catch (RejectedExecutionException e) {
      signalTree(Signal.KILL);
      p.destroyForcibly();
      finish(128 + Signal.KILL.number);
      throw new IllegalStateException(
          "the executor refused the threads of container " + id() + "; it was killed", e);
    }
  }

  /** Runs on a thread of its own until the main process has ended. */
  private void awaitExit(Process p, CompletableFuture<Void> stdout,
      CompletableFuture<Void> stderr) {
    try {
      int code = p.waitFor();
      afterExit(p.pid(), code, stdout, stderr);
    } catch (InterruptedException e) {
      // The backend's own executor is being shut down by close() with this container still
      // alive; the JDK's reaper thread reports the end instead.
      Thread.currentThread().interrupt();
      p.onExit().thenAccept(ended -> afterExit(ended.pid(), ended.exitValue(), stdout, stderr));
    }
  }

  /**
   * The container is over once its main process is: whatever it left running is killed, as a
   * container runtime does when the container's init ends. That also closes the pipes the
   * leftovers held, so the readers reach their end.
   */
  private void afterExit(long pid, int code, CompletableFuture<Void> stdout,
      CompletableFuture<Void> stderr) {
    log.debug("container {} (pid {}) exited with {}", id(), pid, code);
    Collection<ProcessHandle> leftovers = snapshot(pid, host.tree().session(pid));
    leftovers.removeIf(h -> h.pid() == pid);
    if (!leftovers.isEmpty()) {
      log.debug("container {}: killing {} processes left behind", id(), leftovers.size());
      host.tree().signal(host.tree().session(pid), leftovers, Signal.KILL);
    }
    Cancellable drain = host.clock().schedule(host.drainTimeout(), () -> host.execute(() -> {
      if (finish(code)) {
        log.warn("container {}: its output was still open {} after it ended; reported the "
            + "exit without the rest of its output", id(), host.drainTimeout());
      }
    }));
    CompletableFuture.allOf(stdout, stderr).whenComplete((ignored, failure) -> {
      drain.cancel();
      finish(code);
    });
  }

  /** Records the end and tells the listener; returns false when the end was already recorded. */
  private boolean finish(int code) {
    ExitStatus ended;
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return false;
      }
      int signal = code > 128 && code <= 128 + MAX_SIGNAL ? code - 128 : 0;
      ended = new ExitStatus(code, signal, memoryKilled, requested);
      endLocked(ended);
    }
    notifyExit(ended);
    return true;
  }

  private void endLocked(ExitStatus ended) {
    status = ended;
    state = ContainerState.EXITED;
    timers.forEach(Cancellable::cancel);
    timers.clear();
    seen.clear();
  }

  private void notifyExit(ExitStatus ended) {
    gate.exit(ended);
    exit.complete(ended);
  }

  CompletableFuture<ExitStatus> stop(Duration grace) {
    ExitStatus neverStarted = null;
    synchronized (this) {
      switch (state) {
        case CREATED -> {
          neverStarted = new ExitStatus(0, 0, false, true);
          endLocked(neverStarted);
        }
        case RUNNING, STOPPING -> {
          requested = true;
          if (state == ContainerState.RUNNING) {
            state = ContainerState.STOPPING;
            host.execute(() -> signalTree(Signal.TERM));
          }
          timers.add(host.clock().schedule(grace,
              () -> host.execute(() -> signalTree(Signal.KILL))));
        }
        case EXITED -> {
          // Already over: the future is complete.
        }
      }
    }
    if (neverStarted != null) {
      notifyExit(neverStarted);
    }
    return exit.copy();
  }

  /** Kills the whole tree at once, without a grace period. */
  void kill() {
    signalTree(Signal.KILL);
  }

  /**
   * Reports the end of a main process that has ended but whose output never closed, at the end
   * of {@link ProcessBackend#close()}.
   */
  void finishIfEnded() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && !p.isAlive()) {
      finish(p.exitValue());
    }
  }

  void signalTree(Signal signal) {
    long pid;
    synchronized (this) {
      if (state == ContainerState.EXITED || process == null) {
        return;
      }
      pid = process.pid();
    }
    OptionalLong session = host.tree().session(pid);
    Collection<ProcessHandle> targets = snapshot(pid, session);
    log.debug("container {}: SIG{} to {} processes", id(), signal, targets.size());
    host.tree().signal(session, targets, signal);
  }

  /**
   * The live processes of the tree now, and those seen before that may have been orphaned. Without
   * a session of its own (so no group to signal at once) the main process comes first, so that it
   * is signalled before its children: a shell waiting on children that die first could otherwise
   * end normally before its own signal arrives, hiding the stop. With one, the group signal has
   * reached it already, and an early second signal would run its trap twice.
   */
  private Collection<ProcessHandle> snapshot(long pid, OptionalLong session) {
    Set<Long> members = Set.of();
    try {
      members = host.tree().scan().members(pid, session);
    } catch (IOException e) {
      log.warn("container {}: could not read the process table; using the processes seen "
          + "before", id(), e);
    }
    remember(members);
    synchronized (this) {
      List<ProcessHandle> targets = new ArrayList<>(seen.values());
      ProcessHandle main = seen.get(pid);
      if (session.isEmpty() && main != null) {
        targets.remove(main);
        targets.add(0, main);
      }
      return targets;
    }
  }

  private void remember(Set<Long> members) {
    List<ProcessHandle> handles = new ArrayList<>();
    for (long member : members) {
      ProcessHandle.of(member).ifPresent(handles::add);
    }
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return;
      }
      seen.values().removeIf(h -> !h.isAlive());
      for (ProcessHandle h : handles) {
        seen.put(h.pid(), h);
      }
    }
  }

  /** The live processes of the tree in one table, and what they use. */
  private record Reading(Set<Long> members, long rssBytes, long cpuTicks) {}

  /** Reads the tree in {@code table}; empty unless the container runs or stops. */
  private Optional<Reading> read(ProcTable table) throws IOException {
    long pid;
    synchronized (this) {
      if (state != ContainerState.RUNNING && state != ContainerState.STOPPING) {
        return Optional.empty();
      }
      pid = process.pid();
    }
    Set<Long> members = table.members(pid, host.tree().session(pid));
    long rss = 0;
    long ticks = 0;
    for (long member : members) {
      rss += table.rssBytes(member);
      ticks += table.get(member).map(ProcTable.Entry::cpuTicks).orElse(0L);
    }
    remember(members);
    return Optional.of(new Reading(members, rss, ticks));
  }

  /** What the tree uses now; empty unless the container runs or stops. */
  Optional<ContainerStats> stats() throws IOException {
    Optional<Reading> reading = read(host.tree().scan());
    if (reading.isEmpty()) {
      return Optional.empty();
    }
    long disk = diskBytes();
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return Optional.empty();
      }
      cpuNanos = Math.max(cpuNanos, reading.get().cpuTicks() * ProcTable.NANOS_PER_TICK);
      return Optional.of(new ContainerStats(cpuNanos, reading.get().rssBytes(), disk));
    }
  }

  /** The size of the work folder, walked again once the last walk is {@code diskRefresh} old. */
  private long diskBytes() throws IOException {
    synchronized (diskLock) {
      long now = host.clock().nanoTime();
      if (diskWalkedNanos == Long.MIN_VALUE
          || now - diskWalkedNanos >= host.diskRefresh().toNanos()) {
        diskBytes = FolderSize.of(spec.workDir());
        diskWalkedNanos = now;
      }
      return diskBytes;
    }
  }

  /** Kills the tree when its resident memory is above the limit. */
  void checkMemory(ProcTable table) throws IOException {
    Optional<Reading> reading = read(table);
    if (reading.isEmpty()) {
      return;
    }
    long rss = reading.get().rssBytes();
    Set<Long> members = reading.get().members();
    long limit = spec.limits().memoryBytes();
    if (rss <= limit) {
      return;
    }
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return;
      }
      memoryKilled = true;
    }
    log.warn("container {} uses {} bytes of resident memory in {} processes, above its limit of "
        + "{}; killing it", id(), rss, members.size(), limit);
    signalTree(Signal.KILL);
  }

  synchronized boolean active() {
    return state == ContainerState.RUNNING || state == ContainerState.STOPPING;
  }

  synchronized boolean ended() {
    return state == ContainerState.EXITED;
  }

  CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  synchronized ContainerInfo info() {
    OptionalLong pid = process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    return new ContainerInfo(id(), state, pid, Optional.ofNullable(status));
  }

  /** Marks the container removed so that a late {@link #start()} fails. */
  synchronized void markRemoved() {
    if (state == ContainerState.RUNNING || state == ContainerState.STOPPING) {
      throw new IllegalStateException(
          "container " + id() + " is " + state + "; stop it before removing it");
    }
    removed = true;
  }
}
