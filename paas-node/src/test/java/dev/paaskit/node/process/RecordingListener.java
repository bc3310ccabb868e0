package dev.paaskit.node.process;

import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ExitStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records what a container reports, and lets a test wait for a line or the exit. */
final class RecordingListener implements ContainerListener {
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private int exits;
  private boolean outputAfterExit;
  private int stdoutAtExit = -1;
  private int stderrAtExit = -1;

  @Override
  public synchronized void onOutput(Stream stream, String line) {
    if (exits > 0) {
      outputAfterExit = true;
    }
    (stream == Stream.STDOUT ? stdout : stderr).add(line);
    notifyAll();
  }

  @Override
  public void onExit(ExitStatus status) {
    synchronized (this) {
      exits++;
      stdoutAtExit = stdout.size();
      stderrAtExit = stderr.size();
      notifyAll();
    }
    exit.complete(status);
  }

  synchronized List<String> stdout() {
    return List.copyOf(stdout);
  }

  synchronized List<String> stderr() {
    return List.copyOf(stderr);
  }

  synchronized int exits() {
    return exits;
  }

  synchronized boolean outputAfterExit() {
    return outputAfterExit;
  }

  synchronized int stdoutAtExit() {
    return stdoutAtExit;
  }

  synchronized int stderrAtExit() {
    return stderrAtExit;
  }

  ExitStatus awaitExit(Duration timeout) throws Exception {
    return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean exited() {
    return exit.isDone();
  }

  /** Waits for a stdout line matching {@code match} and returns it. */
  synchronized String awaitLine(Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> found = stdout.stream().filter(match).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || exits > 0) {
        fail("no matching line within " + timeout + "; stdout " + stdout + ", stderr " + stderr
            + (exits > 0 ? ", exited " + exit.join() : ""));
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until stdout has at least {@code count} lines matching {@code match}. */
  synchronized List<String> awaitLines(Predicate<String> match, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> found = stdout.stream().filter(match).toList();
      if (found.size() >= count) {
        return found;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || exits > 0) {
        fail("fewer than " + count + " matching lines within " + timeout + "; stdout " + stdout
            + ", stderr " + stderr);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
