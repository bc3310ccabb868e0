package dev.paaskit.cartridges;

import com.google.common.io.MoreFiles;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerSpec.Mount;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.core.internal.container.ContainerCommand;
import dev.paaskit.core.internal.container.ContainerCommand.ExitWait;
import dev.paaskit.core.internal.container.HostProcessBackend;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one command of a staging (pip, npm, a buildpack's scripts) as a short-lived container on
 * the staging's backend ({@link ContainerCommand}): in the build folder, output streamed line by
 * line to the staging log (standard error sent to standard output, so that lines keep the order
 * they were written in), bounded by the staging's deadline, and a failure reported as a
 * {@link StagingException} that carries the last lines of output.
 *
 * <p>The container's work folder is the build folder; the cache folder is its one writable
 * mount, and the folders a cartridge names (its own files) are read-only mounts. Its environment
 * is {@link #baseEnvironment()}, the app's and the command's variables: nothing else of the
 * server's. Caches and temporary files go under the cache folder, so the command writes nothing
 * outside the build and cache folders that it does not clean up. A staging context without a
 * backend runs the command as a process of the server.
 */
final class BuildProcess {
  static final int LAST_LINES = 50;

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

  /** A wait for a command's end until {@code deadline}, a {@link System#nanoTime()}. */
  static ExitWait until(long deadline) {
    return exit -> ExitWait.within(Duration.ofNanos(deadline - System.nanoTime())).exited(exit);
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
    run(context, until(deadline), command, env, String.join(" ", command), List.of());
  }

  /**
   * As {@link #run(StagingContext, long, List, Map)}, naming the command {@code description} in
   * the log and in errors, such as {@code bin/compile of buildpack ruby} for a long command line,
   * with {@code readOnly} folders (the cartridge's own files) mounted for it.
   */
  static void run(StagingContext context, long deadline, List<String> command,
      Map<String, String> env, String description, List<Path> readOnly) throws IOException {
    run(context, until(deadline), command, env, description, readOnly);
  }

  /**
   * As {@link #run(StagingContext, long, List, Map, String, List)}, with the wait for the
   * command's end given; when it returns false the container is stopped and the staging fails
   * as having outlived its timeout.
   */
  static void run(StagingContext context, ExitWait wait, List<String> command,
      Map<String, String> env, String description, List<Path> readOnly) throws IOException {
    Path tmp = Files.createDirectories(context.cacheDir().resolve("tmp"));
    Map<String, String> all = new HashMap<>(baseEnvironment());
    all.putAll(context.env());
    all.putAll(env);
    all.put("TMPDIR", tmp.toAbsolutePath().toString());
    all.put("PYTHONDONTWRITEBYTECODE", "1");
    inContainer(all, context.backend(), context.cacheDir());
    List<Mount> mounts = new ArrayList<>();
    mounts.add(new Mount(context.cacheDir().toAbsolutePath(), true));
    readOnly.forEach(dir -> mounts.add(new Mount(dir.toAbsolutePath(), false)));
    context.log().accept("-----> " + description);
    OutputPump pump = new OutputPump(context.log());
    ContainerSpec spec = new ContainerSpec(ContainerCommand.id("stage", context.appName(),
        Path.of(command.get(0)).getFileName().toString()), context.buildDir().toAbsolutePath(),
        ContainerCommand.mergingStderr(ContainerCommand.commandLine(command)), all,
        context.limits(), pump, mounts);
    ExitStatus exit;
    try {
      exit = run(context.backend(), spec, wait, description);
    } catch (TimeoutException e) {
      throw new StagingException("'" + description + "' did not finish within the staging "
          + "timeout of " + context.timeout(), pump.lastLines());
    } finally {
      clean(context, tmp);
    }
    pump.rethrowLogFailure();
    if (exit.exitCode() != 0) {
      throw new StagingException(failed(description, exit), pump.lastLines());
    }
  }

  /** What a command printed to its standard output, and how it exited. */
  record Captured(int exitStatus, String stdout) {
  }

  /**
   * Where a command that is captured runs: a staging's backend (or, empty, the server's host),
   * its work folder, the read-only folders it needs besides, and its limits.
   */
  record Sandbox(Optional<ContainerBackend> backend, String appName, Path workDir,
      List<Path> readOnly, ResourceLimits limits) {
    /** In {@code context}'s build folder, on its backend, with {@code readOnly} mounted. */
    static Sandbox of(StagingContext context, List<Path> readOnly) {
      return new Sandbox(context.backend(), context.appName(), context.buildDir(), readOnly,
          context.limits());
    }

    /** A trusted tool (git) run in {@code dir} as a process of the server. */
    static Sandbox host(Path dir) {
      return new Sandbox(Optional.empty(), "server", dir, List.of(),
          StagingContext.DEFAULT_LIMITS);
    }
  }

  /**
   * Runs {@code command} in {@code sandbox}, keeping what it prints to standard output (at most
   * {@code maxBytes} characters; more is read and dropped) and sending each line of its standard
   * error to {@code stderr}. Unlike {@link #run}, a non-zero exit status is returned, not thrown.
   *
   * @param env the command's variables, added to {@link #baseEnvironment()}
   * @param deadline the {@link System#nanoTime()} by which the command must end
   * @throws StagingException when the command cannot start, prints more than {@code maxBytes}
   *     or outlives the deadline; its container is then stopped
   */
  static Captured capture(Sandbox sandbox, List<String> command, Map<String, String> env,
      long deadline, int maxBytes, Consumer<String> stderr) throws IOException {
    String description = String.join(" ", command);
    Map<String, String> all = new HashMap<>(baseEnvironment());
    all.putAll(env);
    inContainer(all, sandbox.backend(), sandbox.workDir());
    BoundedOutput output = new BoundedOutput(maxBytes, stderr);
    ContainerSpec spec = new ContainerSpec(ContainerCommand.id("stage", sandbox.appName(),
        Path.of(command.get(0)).getFileName().toString()), sandbox.workDir().toAbsolutePath(),
        ContainerCommand.commandLine(command), all, sandbox.limits(), output,
        sandbox.readOnly().stream().map(dir -> new Mount(dir.toAbsolutePath(), false)).toList());
    ExitStatus exit;
    try {
      exit = run(sandbox.backend(), spec, until(deadline), description);
    } catch (TimeoutException e) {
      throw new StagingException("'" + description + "' did not finish in time and was killed",
          List.of());
    }
    return new Captured(exit.exitCode(), output.text(description));
  }

  /**
   * In an isolating backend's container the server's home is out of sight and its user is not
   * the command's: tools that write to {@code ~} get {@code home}, a folder they may write.
   */
  private static void inContainer(Map<String, String> env, Optional<ContainerBackend> backend,
      Path home) {
    if (backend.isPresent() && backend.get().isolates()) {
      env.put("HOME", home.toAbsolutePath().toString());
      env.remove("USER");
    }
  }

  /** What a build keeps of the server's own environment: where tools are, none of its secrets. */
  private static final List<String> KEPT_VARIABLES =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "SHELL", "JAVA_HOME");

  /**
   * The server's variables a build sees, {@link #KEPT_VARIABLES} only: build scripts come from
   * whoever pushes (a buildpack's git URL, hooks), and must not read the server's credentials.
   */
  static Map<String, String> baseEnvironment() {
    return baseEnvironment(System.getenv());
  }

  /** The {@link #KEPT_VARIABLES} of {@code server}. */
  static Map<String, String> baseEnvironment(Map<String, String> server) {
    Map<String, String> env = new HashMap<>();
    for (String name : KEPT_VARIABLES) {
      String value = server.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    return env;
  }

  /**
   * Runs {@code spec} on {@code backend}, or on a backend of host processes made for it when
   * there is none.
   */
  private static ExitStatus run(Optional<ContainerBackend> backend, ContainerSpec spec,
      ExitWait wait, String description) throws IOException, TimeoutException {
    try {
      if (backend.isPresent()) {
        return ContainerCommand.run(backend.get(), spec, wait);
      }
      try (HostProcessBackend host = HostProcessBackend.create()) {
        return ContainerCommand.run(host, spec, wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException(
          "interrupted while running '" + description + "'");
      interrupted.initCause(e);
      throw interrupted;
    } catch (IOException e) {
      throw new StagingException("'" + description + "' could not start: " + e.getMessage(),
          List.of(), e);
    }
  }

  /** Why a command that exited with a non-zero status failed, in words. */
  private static String failed(String description, ExitStatus exit) {
    if (exit.signal() != 0 || exit.memoryLimitExceeded() || exit.diskLimitExceeded()) {
      return "'" + description + "' failed: " + exit.describe();
    }
    return switch (exit.exitCode()) {
      case 126 -> "'" + description + "' could not start or ran a command that was not "
          + "executable (exit status 126)";
      case 127 -> "'" + description + "' could not start or ran a command that was not found "
          + "(exit status 127)";
      default -> "'" + description + "' failed with exit status " + exit.exitCode();
    };
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

  /**
   * Copies both output streams to the staging log, keeping the last lines for errors. A log
   * consumer that threw stops receiving lines; its exception fails the staging.
   */
  private static final class OutputPump implements ContainerListener {
    private final Consumer<String> log;
    private final LastLines last = new LastLines();
    private RuntimeException logFailure;

    OutputPump(Consumer<String> log) {
      this.log = log;
    }

    @Override
    public synchronized void onOutput(Stream stream, String line) {
      last.accept(line);
      if (logFailure == null) {
        try {
          log.accept(line);
        } catch (RuntimeException e) {
          logFailure = e;
        }
      }
    }

    List<String> lastLines() {
      return last.lines();
    }

    synchronized void rethrowLogFailure() {
      if (logFailure != null) {
        throw logFailure;
      }
    }
  }

  /**
   * Keeps the first characters of standard output, each line ended by a newline, and notes
   * whether there were more; passes each line of standard error on. A line the backend cut
   * counts as long as it came.
   */
  private static final class BoundedOutput implements ContainerListener {
    private final int maxBytes;
    private final Consumer<String> stderr;
    private final StringBuilder kept = new StringBuilder();
    private boolean overflow;

    BoundedOutput(int maxBytes, Consumer<String> stderr) {
      this.maxBytes = maxBytes;
      this.stderr = stderr;
    }

    @Override
    public synchronized void onOutput(Stream stream, String line) {
      if (stream == Stream.STDERR) {
        stderr.accept(line);
        return;
      }
      int room = Math.max(0, maxBytes - kept.length());
      String text = line + "\n";
      kept.append(text, 0, Math.min(room, text.length()));
      overflow |= text.length() > room;
    }

    /** @throws StagingException when the output was longer than the limit */
    synchronized String text(String description) {
      if (overflow) {
        throw new StagingException("'" + description + "' printed more than " + maxBytes
            + " bytes", List.of());
      }
      return kept.toString();
    }
  }
}
