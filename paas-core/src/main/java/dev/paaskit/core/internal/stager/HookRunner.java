package dev.paaskit.core.internal.stager;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs staging hooks: each command by {@code /bin/sh -c} in the build folder with the app's
 * environment, its output streamed line by line; the first that exits non-zero, or outlives the
 * staging deadline, fails the staging with the hook named.
 */
final class HookRunner {
  private static final int KEPT_LINES = 40;

  private final Clock clock;

  HookRunner(Clock clock) {
    this.clock = clock;
  }

  void run(String phase, List<String> commands, Path dir, Map<String, String> appEnv,
      Consumer<String> log, long deadlineNanos) throws IOException {
    for (String command : commands) {
      log.accept("-----> Running " + phase + " hook: " + command);
      runOne(phase, command, dir, appEnv, log, deadlineNanos);
    }
  }

  private void runOne(String phase, String command, Path dir, Map<String, String> appEnv,
      Consumer<String> log, long deadlineNanos) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    env.put("HOME", dir.toString());
    env.putAll(appEnv);
    Process process = pb.start();
    long left = deadlineNanos - clock.nanoTime();
    Cancellable watchdog = clock.schedule(Duration.ofNanos(Math.max(left, 0)), () -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    });
    Deque<String> kept = new ArrayDeque<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        log.accept(line);
        kept.addLast(line);
        if (kept.size() > KEPT_LINES) {
          kept.removeFirst();
        }
      }
      int code = process.waitFor();
      if (clock.nanoTime() - deadlineNanos >= 0 && code != 0) {
        throw new StagingException(phase + " hook '" + command + "' did not finish before the "
            + "staging timeout", new ArrayList<>(kept));
      }
      if (code != 0) {
        throw new StagingException(phase + " hook '" + command + "' failed with exit code " + code,
            new ArrayList<>(kept));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted running the " + phase + " hook");
    } finally {
      watchdog.cancel();
    }
  }
}
