package dev.paaskit.core.internal.stager;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.core.internal.container.ContainerCommand;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Runs staging hooks: each command by {@code /bin/sh -c} as a short-lived container on the
 * staging's backend, in the build folder (its only folder) with the staging's limits and the
 * app's environment plus {@code PATH}, {@code LANG} and {@code HOME}; its output (standard error
 * sent to standard output) streamed line by line. The first that exits non-zero, or outlives the staging deadline on the stager's clock,
 * fails the staging with the hook named.
 */
final class HookRunner {
  private static final int KEPT_LINES = 40;

  private final Clock clock;

  HookRunner(Clock clock) {
    this.clock = clock;
  }

  /**
   * Runs {@code commands} one after another in {@code staging}'s build folder.
   *
   * @param staging the build folder, app environment, log, backend and limits of the staging;
   *     its backend must be present
   * @param deadlineNanos the {@link Clock#nanoTime()} by which the staging must end
   */
  void run(String phase, List<String> commands, StagingContext staging, long deadlineNanos)
      throws IOException {
    ContainerBackend backend = staging.backend().orElseThrow(
        () -> new IllegalStateException("a staging's hooks need its backend"));
    for (String command : commands) {
      staging.log().accept("-----> Running " + phase + " hook: " + command);
      runOne(backend, phase, command, staging, deadlineNanos);
    }
  }

  private void runOne(ContainerBackend backend, String phase, String command,
      StagingContext staging, long deadlineNanos) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"),
        "/usr/local/bin:/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    env.put("HOME", staging.buildDir().toString());
    env.putAll(staging.env());
    Deque<String> kept = new ArrayDeque<>();
    ContainerListener listener = new ContainerListener() {
      @Override
      public void onOutput(Stream stream, String line) {
        staging.log().accept(line);
        synchronized (kept) {
          kept.addLast(line);
          if (kept.size() > KEPT_LINES) {
            kept.removeFirst();
          }
        }
      }
    };
    ContainerSpec spec = new ContainerSpec(
        ContainerCommand.id("hook", staging.appName(), phase), staging.buildDir(),
        ContainerCommand.mergingStderr(command), env, staging.limits(), listener, List.of());
    Duration left = Duration.ofNanos(Math.max(deadlineNanos - clock.nanoTime(), 0));
    ExitStatus exit;
    try {
      exit = ContainerCommand.run(backend, spec, ContainerCommand.ExitWait.on(clock, left));
    } catch (TimeoutException e) {
      throw new StagingException(phase + " hook '" + command + "' did not finish before the "
          + "staging timeout", lines(kept), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted running the " + phase + " hook");
      interrupted.initCause(e);
      throw interrupted;
    }
    if (exit.exitCode() != 0) {
      throw new StagingException(phase + " hook '" + command + "' failed with exit code "
          + exit.exitCode(), lines(kept));
    }
  }

  private static List<String> lines(Deque<String> kept) {
    synchronized (kept) {
      return new ArrayList<>(kept);
    }
  }
}
