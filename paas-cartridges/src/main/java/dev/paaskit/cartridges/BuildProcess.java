package dev.paaskit.cartridges;

import com.google.common.io.MoreFiles;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.StagingContext;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one build command of a staging (pip, npm) in the build folder: output streamed line by
 * line to the staging log, bounded by the staging's deadline, and a failure reported as a
 * {@link StagingException} that carries the last lines of output.
 *
 * <p>Caches and temporary files go under the staging's cache folder, so the command writes
 * nothing outside the build and cache folders that it does not clean up.
 */
final class BuildProcess {
  static final int LAST_LINES = 50;

  private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  private BuildProcess() {
  }

  /** The {@link System#nanoTime()} by which a staging that starts now must end. */
  static long deadline(StagingContext context) {
    long timeout;
    try {
      timeout = context.timeout().toNanos();
    } catch (ArithmeticException e) {
      timeout = Long.MAX_VALUE / 2;
    }
    return System.nanoTime() + Math.min(Math.max(0, timeout), Long.MAX_VALUE / 2);
  }

  /**
   * Runs {@code command} in {@code context.buildDir()} with the app's environment plus
   * {@code env}, and returns once it exits with status 0.
   *
   * @param deadline the {@link System#nanoTime()} by which the whole staging must end
   * @throws StagingException when the command cannot start, fails or outlives the deadline
   */
  static void run(StagingContext context, long deadline, List<String> command,
      Map<String, String> env) throws IOException {
    run(context, deadline, command, env, String.join(" ", command));
  }

  /**
   * As {@link #run(StagingContext, long, List, Map)}, naming the command {@code description} in
   * the log and in errors, such as {@code bin/compile of buildpack ruby} for a long command line.
   */
  static void run(StagingContext context, long deadline, List<String> command,
      Map<String, String> env, String description) throws IOException {
    run(context, ExitWait.until(deadline), command, env, description);
  }

  /**
   * How {@link #run(StagingContext, ExitWait, List, Map, String)} waits for a command to end.
   * Tests pass their own to end the wait when they choose rather than when a clock says.
   */
  @FunctionalInterface
  interface ExitWait {
    /** Returns true once {@code process} exited, false when it is to be killed as too slow. */
    boolean exited(Process process) throws InterruptedException;

    /** Waits until {@code deadline}, a {@link System#nanoTime()}. */
    static ExitWait until(long deadline) {
      return process -> process.waitFor(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  /**
   * As {@link #run(StagingContext, long, List, Map, String)}, with the wait for the command's
   * end given; when it returns false the command's tree is killed and the staging fails as
   * having outlived its timeout.
   */
  static void run(StagingContext context, ExitWait wait, List<String> command,
      Map<String, String> env, String description) throws IOException {
    Path tmp = Files.createDirectories(context.cacheDir().resolve("tmp"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(context.buildDir().toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    baseEnvironment(builder);
    builder.environment().putAll(context.env());
    builder.environment().putAll(env);
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    context.log().accept("-----> " + description);
    Process process = start(builder, description);
    OutputPump pump = new OutputPump(process, context);
    Thread reader = daemon(pump, "paaskit-staging-" + command.get(0));
    try {
      if (!wait.exited(process)) {
        kill(process);
        reader.join(DRAIN_WAIT.toMillis());
        throw new StagingException("'" + description + "' did not finish within the staging "
            + "timeout of " + context.timeout(), pump.lastLines());
      }
      reader.join(DRAIN_WAIT.toMillis());
    } catch (InterruptedException e) {
      throw interrupted(process, description, e);
    } finally {
      clean(context, tmp);
    }
    if (process.exitValue() != 0) {
      throw new StagingException("'" + description + "' failed with exit status "
          + process.exitValue(), pump.lastLines());
    }
    pump.rethrowLogFailure();
  }

  /** What a command printed to its standard output, and how it exited. */
  record Captured(int exitStatus, String stdout) {
  }

  /**
   * Runs {@code command} in {@code dir} with the app's environment, keeping what it prints to
   * standard output (at most {@code maxBytes}; more is read and dropped) and sending each line
   * of its standard error to {@code stderr}. Unlike {@link #run}, a non-zero exit status is
   * returned, not thrown.
   *
   * @param deadline the {@link System#nanoTime()} by which the command must end
   * @throws StagingException when the command cannot start, prints more than {@code maxBytes}
   *     or outlives the deadline; its process tree is then killed
   */
  static Captured capture(Path dir, List<String> command, Map<String, String> env,
      long deadline, int maxBytes, Consumer<String> stderr) throws IOException {
    String description = String.join(" ", command);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    baseEnvironment(builder);
    builder.environment().putAll(env);
    Process process = start(builder, description);
    BoundedOutput stdout = new BoundedOutput(process.getInputStream(), maxBytes);
    Thread out = daemon(stdout, "paaskit-capture-" + command.get(0));
    Thread err = daemon(() -> lines(process.getErrorStream(), stderr),
        "paaskit-capture-err-" + command.get(0));
    try {
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw new StagingException("'" + description + "' did not finish in time and was killed",
            List.of());
      }
      out.join(DRAIN_WAIT.toMillis());
      err.join(DRAIN_WAIT.toMillis());
    } catch (InterruptedException e) {
      throw interrupted(process, description, e);
    }
    return new Captured(process.exitValue(), stdout.text(description));
  }

  /** What a build keeps of the server's own environment: where tools are, none of its secrets. */
  private static final List<String> KEPT_VARIABLES =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "SHELL", "JAVA_HOME");

  /**
   * Empties the builder's environment but for {@link #KEPT_VARIABLES}: build scripts come from
   * whoever pushes (a buildpack's git URL, hooks), and must not read the server's credentials.
   */
  static void baseEnvironment(ProcessBuilder builder) {
    Map<String, String> env = builder.environment();
    Map<String, String> server = new java.util.HashMap<>(env);
    env.clear();
    for (String name : KEPT_VARIABLES) {
      String value = server.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
  }

  private static Process start(ProcessBuilder builder, String description) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new StagingException("'" + description + "' could not start: " + e.getMessage(),
          List.of(), e);
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Kills the process tree at once and keeps the interrupt for the caller's caller. */
  private static InterruptedIOException interrupted(Process process, String description,
      InterruptedException e) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    Thread.currentThread().interrupt();
    InterruptedIOException interrupted = new InterruptedIOException(
        "interrupted while running '" + description + "'");
    interrupted.initCause(e);
    return interrupted;
  }

  private static void lines(InputStream in, Consumer<String> sink) {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        sink.accept(line);
      }
    } catch (IOException e) {
      sink.accept("[output unreadable: " + e.getMessage() + "]");
    }
  }

  /** Reads a stream to its end, keeping its first bytes and noting whether there were more. */
  private static final class BoundedOutput implements Runnable {
    private final InputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean overflow;
    private IOException failure;

    BoundedOutput(InputStream in, int maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          keep(buffer, n);
        }
      } catch (IOException e) {
        synchronized (this) {
          failure = e;
        }
      }
    }

    private synchronized void keep(byte[] buffer, int n) {
      int room = Math.max(0, maxBytes - kept.size());
      kept.write(buffer, 0, Math.min(room, n));
      overflow |= n > room;
    }

    /** @throws StagingException when the output was longer than the limit or unreadable */
    synchronized String text(String description) {
      if (overflow) {
        throw new StagingException("'" + description + "' printed more than " + maxBytes
            + " bytes", List.of());
      }
      if (failure != null) {
        throw new StagingException("the output of '" + description + "' was unreadable: "
            + failure.getMessage(), List.of(), failure);
      }
      return kept.toString(StandardCharsets.UTF_8);
    }
  }

  /** Kills the process and its children and waits a little for them to be gone. */
  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void clean(StagingContext context, Path tmp) {
    try {
      MoreFiles.deleteRecursively(tmp);
    } catch (IOException e) {
      context.log().accept("warning: could not remove " + tmp + ": " + e.getMessage());
    }
  }

  /** Keeps the last {@value #LAST_LINES} lines it is given, for an error to show. Thread-safe. */
  static final class LastLines implements Consumer<String> {
    private final Deque<String> last = new ArrayDeque<>();

    @Override
    public synchronized void accept(String line) {
      if (last.size() == LAST_LINES) {
        last.removeFirst();
      }
      last.addLast(line);
    }

    synchronized List<String> lines() {
      return new ArrayList<>(last);
    }
  }

  /** Copies the process's output to the staging log, keeping the last lines for errors. */
  private static final class OutputPump implements Runnable {
    private final Process process;
    private final StagingContext context;
    private final LastLines last = new LastLines();
    private RuntimeException logFailure;

    OutputPump(Process process, StagingContext context) {
      this.process = process;
      this.context = context;
    }

    @Override
    public void run() {
      lines(process.getInputStream(), this::keep);
    }

    private synchronized void keep(String line) {
      last.accept(line);
      if (logFailure == null) {
        try {
          context.log().accept(line);
        } catch (RuntimeException e) {
          logFailure = e;
        }
      }
    }

    List<String> lastLines() {
      return last.lines();
    }

    /** A log consumer that threw stops receiving lines; its exception fails the staging. */
    synchronized void rethrowLogFailure() {
      if (logFailure != null) {
        throw logFailure;
      }
    }
  }
}
