package dev.paaskit.node.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What the tests ask of {@code /proc} about processes they did not start themselves. */
final class Procs {
  private static final java.nio.file.Path PROC = java.nio.file.Path.of("/proc");
  private static final Duration POLL = Duration.ofMillis(10);

  private Procs() {}

  static Optional<ProcTable.Entry> entry(long pid) {
    try {
      return ProcTable.read(PROC, pid);
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc/" + pid + "/stat", e);
    }
  }

  /** Running or sleeping: neither gone nor a zombie. */
  static boolean live(long pid) {
    return entry(pid).map(ProcTable.Entry::live).orElse(false);
  }

  /**
   * Waits until none of {@code pids} is live. A zombie counts as gone, but only when this JVM is
   * not its parent: the backend must reap what it started; orphans belong to init.
   */
  static void awaitGone(Collection<Long> pids, Duration timeout) {
    awaitTrue(() -> pids.stream().noneMatch(Procs::live), timeout,
        () -> "still alive: " + pids.stream().filter(Procs::live).map(Procs::describe).toList());
    long self = ProcessHandle.current().pid();
    for (long pid : pids) {
      entry(pid).ifPresent(e -> {
        if (e.ppid() == self) {
          fail("pid " + pid + " is a zombie child of this JVM: " + e);
        }
      });
    }
  }

  static String describe(long pid) {
    return entry(pid).map(Object::toString).orElse(pid + " gone");
  }

  /** Polls {@code condition} every 10 ms until it holds, failing after {@code timeout}. */
  static void awaitTrue(BooleanSupplier condition, Duration timeout,
      java.util.function.Supplier<String> message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + timeout + ": " + message.get());
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }
}
