package dev.paaskit.node.runc;

import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener.Stream;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.node.internal.ListenerGate;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container of a {@link RuncBackend}: its bundle, the {@code runc run} that is its parent,
 * the two threads reading its output and the one waiting for its end.
 *
 * <p>Locks: {@code this} guards the state; the {@link ListenerGate} serialises calls to the
 * listener and is never entered while holding {@code this}, nor the other way round.
 */
final class RuncContainer {
  private static final Logger log = LoggerFactory.getLogger(RuncContainer.class);
  private static final int MAX_SIGNAL = 64;
  private static final int SIGXFSZ = 25;

  private final ContainerSpec spec;
  private final String name;
  private final int uid;
  private final Path bundle;
  private final String cgroup;
  private final RuncBackend backend;
  private final ListenerGate gate;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

  // Guarded by this.
  private ContainerState state = ContainerState.CREATED;
  private boolean removed;
  private Process process;
  private long initPid;
  private boolean termPending;
  private boolean requested;
  private boolean diskKilled;
  private long diskBytes = -1;
  private ExitStatus status;
  private final List<Cancellable> timers = new ArrayList<>();

  RuncContainer(ContainerSpec spec, String name, int uid, Path bundle, String cgroup,
      RuncBackend backend) {
    this.spec = spec;
    this.name = name;
    this.uid = uid;
    this.bundle = bundle;
    this.cgroup = cgroup;
    this.backend = backend;
    this.gate = new ListenerGate(spec.id(), spec.listener(), RuncBackend.MAX_LINE_BYTES);
  }

  String id() {
    return spec.id();
  }

  String name() {
    return name;
  }

  int uid() {
    return uid;
  }

  Path bundle() {
    return bundle;
  }

  String cgroup() {
    return cgroup;
  }

  ContainerSpec spec() {
    return spec;
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
      p = backend.runc().run(bundle, name);
      process = p;
      state = ContainerState.RUNNING;
    }
    try {
      CompletableFuture<Void> stdout = gate.pump(p.getInputStream(), Stream.STDOUT,
          backend.executor());
      CompletableFuture<Void> stderr = gate.pump(p.getErrorStream(), Stream.STDERR,
          backend.executor());
      backend.executor().execute(() -> awaitExit(p, stdout, stderr));
    } catch (RejectedExecutionException e) {
      p.destroyForcibly();
      backend.runc().delete(name);
      finish(128 + 9);
      throw new IllegalStateException(
          "the executor refused the threads of container " + id() + "; it was killed", e);
    }
    try {
      awaitCreated(p);
    } catch (IOException | RuntimeException e) {
      // Not left half made: runc run ends, and its end is reported as for any container.
      p.destroyForcibly();
      backend.runc().delete(name);
      throw e;
    }
  }

  /**
   * Returns once runc has made the container (its init's pid file exists) or {@code runc run}
   * ended first, failing; bounded by the backend's command timeout. Waits on the bundle folder's
   * changes, and on runc run's end, which closes the watch.
   */
  private void awaitCreated(Process p) throws IOException {
    Path pidFile = bundle.resolve("init.pid");
    long deadline = System.nanoTime() + backend.commandTimeout().toNanos();
    try (WatchService watch = bundle.getFileSystem().newWatchService()) {
      bundle.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      p.onExit().thenRun(() -> closeQuietly(watch));
      // Read after registering, so a pid file written in between is not missed.
      OptionalLong pid = readPid(pidFile);
      while (pid.isEmpty()) {
        if (!p.isAlive()) {
          return; // Its end, and what runc printed, reach the listener.
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("runc did not create container " + id() + " within "
              + backend.commandTimeout());
        }
        try {
          WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        } catch (ClosedWatchServiceException e) {
          // runc run ended: the pid file is read once more, then its end is seen.
        }
        pid = readPid(pidFile);
      }
      created(pid.getAsLong());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while container " + id() + " was created", e);
    }
  }

  private void created(long pid) {
    boolean term;
    synchronized (this) {
      initPid = pid;
      term = termPending;
    }
    if (term) {
      signal("TERM"); // A stop came before runc had made the container.
    }
  }

  private static void closeQuietly(WatchService watch) {
    try {
      watch.close();
    } catch (IOException e) {
      // Closing is all that was asked.
    }
  }

  private static OptionalLong readPid(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private void awaitExit(Process p, CompletableFuture<Void> stdout,
      CompletableFuture<Void> stderr) {
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.onExit().thenAccept(ended -> afterExit(ended.exitValue(), stdout, stderr));
      return;
    }
    afterExit(code, stdout, stderr);
  }

  /**
   * The container is over once {@code runc run} is: its init ended, and with it every process
   * of its pid namespace. Reads the OOM count before the cgroup goes, then deletes it.
   */
  private void afterExit(int code, CompletableFuture<Void> stdout,
      CompletableFuture<Void> stderr) {
    // A limit is the cause only of an end the container did not ask for: exit 0 after a child
    // was OOM-killed, or a stop of a container whose folder is over its quota, is not.
    boolean failed = code != 0;
    boolean oom = failed && backend.cgroups().oomKills(cgroup).orElse(0) > 0;
    // An app that ended on an error writing past its quota (Python ignores SIGXFSZ and gets
    // EFBIG) ended for its disk too.
    if (failed && !oom && RuncBackend.measure(spec.workDir()) > spec.limits().diskBytes()) {
      synchronized (this) {
        diskKilled = true;
      }
    }
    Runc.Result deleted = backend.runc().delete(name);
    if (!deleted.ok()) {
      log.debug("container {}: runc delete: {}", id(), deleted.output().strip());
    }
    // What runc left when it was killed while it made the container.
    backend.cgroups().removeEmpty(cgroup);
    Cancellable drain;
    try {
      drain = backend.clock().schedule(RuncBackend.DRAIN_TIMEOUT,
          () -> backend.execute(() -> finish(code, oom)));
    } catch (RejectedExecutionException e) {
      // The backend's own clock closed with it: report the end now, output or not.
      finish(code, oom);
      return;
    }
    CompletableFuture.allOf(stdout, stderr).whenComplete((ignored, failure) -> {
      drain.cancel();
      finish(code, oom);
    });
  }

  private boolean finish(int code) {
    return finish(code, false);
  }

  private boolean finish(int code, boolean oom) {
    ExitStatus ended;
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return false;
      }
      int signal = code > 128 && code <= 128 + MAX_SIGNAL ? code - 128 : 0;
      boolean disk = diskKilled || signal == SIGXFSZ;
      ended = new ExitStatus(code, signal, oom && !requested, requested,
          disk && !oom && !requested);
      status = ended;
      state = ContainerState.EXITED;
      timers.forEach(Cancellable::cancel);
      timers.clear();
    }
    gate.exit(ended);
    exit.complete(ended);
    return true;
  }

  CompletableFuture<ExitStatus> stop(Duration grace) {
    boolean neverStarted = false;
    synchronized (this) {
      switch (state) {
        case CREATED -> {
          requested = true;
          neverStarted = true;
        }
        case RUNNING, STOPPING -> {
          requested = true;
          if (state == ContainerState.RUNNING) {
            state = ContainerState.STOPPING;
            backend.execute(() -> signal("TERM"));
          }
          timers.add(backend.clock().schedule(grace, () -> backend.execute(this::kill)));
        }
        case EXITED -> {
          // Already over: the future is complete.
        }
      }
    }
    if (neverStarted) {
      finish(0);
    }
    return exit.copy();
  }

  /** SIGTERM to every process of the container; its init passes it on by ending with them. */
  private void signal(String signal) {
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return;
      }
      if (initPid == 0 && signal.equals("TERM")) {
        termPending = true; // Sent once runc has made the container.
        return;
      }
    }
    Runc.Result r = backend.runc().kill(name, signal, true);
    if (!r.ok()) {
      log.debug("container {}: runc kill {}: {}", id(), signal, r.output().strip());
    }
  }

  /** Ends the container now: SIGKILL to its init ends its pid namespace. */
  void kill() {
    Process p;
    synchronized (this) {
      if (state == ContainerState.EXITED) {
        return;
      }
      p = process;
    }
    Runc.Result r = backend.runc().kill(name, "KILL", false);
    if (!r.ok() && p != null) {
      // Not made yet, or runc lost it: ending runc run leaves nothing but its state, which
      // afterExit deletes.
      log.debug("container {}: runc kill KILL: {}", id(), r.output().strip());
      p.destroyForcibly();
    }
  }

  /** Kills the container for writing more than its quota. */
  void killForDisk(long used) {
    synchronized (this) {
      if (state != ContainerState.RUNNING && state != ContainerState.STOPPING) {
        return;
      }
      diskKilled = true;
    }
    log.warn("container {} uses {} bytes of disk, above its quota of {}; killing it", id(), used,
        spec.limits().diskBytes());
    kill();
  }

  synchronized void recordDisk(long bytes) {
    diskBytes = bytes;
  }

  synchronized long lastDisk() {
    return diskBytes;
  }

  synchronized boolean active() {
    return state == ContainerState.RUNNING || state == ContainerState.STOPPING;
  }

  synchronized boolean ended() {
    return state == ContainerState.EXITED;
  }

  synchronized ContainerInfo info() {
    OptionalLong pid = initPid > 0 ? OptionalLong.of(initPid) : OptionalLong.empty();
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
