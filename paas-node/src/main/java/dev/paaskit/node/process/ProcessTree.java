package dev.paaskit.node.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this backend starts a container's tree of processes and signals all of it.
 *
 * <p>With {@code setsid(1)} each container's shell leads a session and process group of its own,
 * so one {@code kill(-pgid)} reaches every process in the group atomically, even one forked a
 * moment ago, and a child that outlives its parent stays findable by its session id. Without
 * setsid the container shares the JVM's group, which must never be signalled; the tree is then
 * found by parent links alone, and a child orphaned before the backend saw it escapes.
 */
final class ProcessTree {
  enum Signal {
    TERM(15), KILL(9);

    final int number;

    Signal(int number) {
      this.number = number;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
  private static final List<Path> KILL = List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"));
  private static final long KILL_TIMEOUT_SECONDS = 5;

  private final Path proc;
  private final Optional<Path> setsid;
  private final Optional<Path> kill;

  ProcessTree(Path proc, Optional<Path> setsid, Optional<Path> kill) {
    this.proc = proc;
    this.setsid = setsid;
    this.kill = kill;
  }

  /** Finds setsid and kill where Debian and most distributions install them. */
  static ProcessTree detect(boolean useSetsid) {
    Path proc = Path.of("/proc");
    if (!Files.isReadable(proc.resolve("self").resolve("stat"))) {
      throw new IllegalStateException("the process backend needs Linux /proc; "
          + proc.resolve("self/stat") + " is not readable");
    }
    Optional<Path> setsid = useSetsid ? firstExecutable(SETSID) : Optional.empty();
    if (useSetsid && setsid.isEmpty()) {
      log.warn("setsid not found in {}; containers share the JVM's process group and a stop "
          + "reaches only the processes still linked to the container's shell", SETSID);
    }
    return new ProcessTree(proc, setsid, firstExecutable(KILL));
  }

  private static Optional<Path> firstExecutable(List<Path> candidates) {
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** True when each container leads its own session and process group. */
  boolean ownSession() {
    return setsid.isPresent();
  }

  /** The argv that runs {@code shellCommand} as a container's main process. */
  List<String> command(String shellCommand) {
    List<String> argv = new ArrayList<>();
    // The JVM's child is never a group leader, so setsid(1) calls setsid(2) and execs in
    // place without forking: the shell keeps the pid the JVM waits for, and that pid is also
    // its session and group id.
    setsid.ifPresent(p -> argv.add(p.toString()));
    argv.addAll(List.of("/bin/sh", "-c", shellCommand));
    return argv;
  }

  /** The session a container whose main process is {@code pid} runs in, when it has its own. */
  OptionalLong session(long pid) {
    return ownSession() ? OptionalLong.of(pid) : OptionalLong.empty();
  }

  ProcTable scan() throws IOException {
    return ProcTable.scan(proc);
  }

  /**
   * Sends {@code signal} to the process group {@code group} (when present) and then to each of
   * {@code members} that is still the process it was when its handle was taken.
   */
  void signal(OptionalLong group, Collection<ProcessHandle> members, Signal signal) {
    if (group.isPresent()) {
      signalGroup(group.getAsLong(), signal);
    }
    for (ProcessHandle member : members) {
      if (group.isPresent() && groupOf(member.pid()) == group.getAsLong()) {
        // The group's signal reached it: a second one would run a trap twice.
        continue;
      }
      // destroy() is SIGTERM and destroyForcibly() is SIGKILL on Linux; both check the start
      // time, so a pid reused by an unrelated process is left alone.
      boolean sent = signal == Signal.KILL ? member.destroyForcibly() : member.destroy();
      if (!sent && member.isAlive()) {
        log.debug("could not send SIG{} to pid {}", signal, member.pid());
      }
    }
  }

  /** The process group of {@code pid}, or -1 when it is gone or unreadable. */
  private static long groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc",
          Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void signalGroup(long pgid, Signal signal) {
    if (kill.isEmpty()) {
      return;
    }
    List<String> argv = List.of(kill.get().toString(), "-s", signal.name(), "--", "-" + pgid);
    try {
      Process p = new ProcessBuilder(argv)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("{} did not finish within {}s", argv, KILL_TIMEOUT_SECONDS);
      }
      // kill exits 1 when the group is already empty, which is not a failure here.
    } catch (IOException e) {
      log.warn("could not run {}; signalling processes one by one", argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while running {}", argv);
    }
  }
}
