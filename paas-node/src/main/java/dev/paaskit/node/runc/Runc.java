package dev.paaskit.node.runc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code runc} command line, on one state folder ({@code --root}): short commands run to
 * their end within a bound, and the long-lived {@code runc run} of a container.
 */
final class Runc {
  /** Output of a short command kept for messages; the rest is dropped. */
  private static final int MAX_OUTPUT = 8 * 1024;

  private final String executable;
  private final Path stateRoot;
  private final Duration commandTimeout;

  Runc(String executable, Path stateRoot, Duration commandTimeout) {
    this.executable = executable;
    this.stateRoot = stateRoot;
    this.commandTimeout = commandTimeout;
  }

  Path stateRoot() {
    return stateRoot;
  }

  /** What a short command printed, and how it ended. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Starts {@code runc run} of a bundle: it creates and starts the container, stays its parent,
   * forwards its output and exits with the container's exit code (128 + signal when a signal
   * ended it). With {@code --keep} the container stays, stopped, until {@link #delete}, so its
   * cgroup can be read after its end.
   */
  Process run(Path bundle, String name) throws IOException {
    return builder("run", "--keep", "--bundle", bundle.toString(), "--pid-file",
        bundle.resolve("init.pid").toString(), name).start();
  }

  Result kill(String name, String signal, boolean all) {
    return all ? exec("kill", "--all", name, signal) : exec("kill", name, signal);
  }

  Result delete(String name) {
    return exec("delete", "--force", name);
  }

  /** The names of the containers in the state folder, in any state. */
  List<String> list() throws IOException {
    Result r = exec("list", "--quiet");
    if (!r.ok()) {
      throw new IOException("runc list failed (exit " + r.exitCode + "): " + r.output.strip());
    }
    List<String> names = new ArrayList<>();
    for (String line : r.output.split("\n")) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    return names;
  }

  /**
   * Runs a short command to its end, within the command timeout; an exit code of -1 when it
   * could not run or timed out. Its output goes to a file, so a command that hangs with its
   * output open cannot hold the caller past the timeout.
   */
  Result exec(String... args) {
    Path out;
    try {
      out = Files.createTempFile(stateRoot.getParent(), "runc-", ".out");
    } catch (IOException e) {
      return new Result(-1, "cannot run " + executable + ": " + e.getMessage());
    }
    try {
      ProcessBuilder builder = builder(args).redirectErrorStream(true)
          .redirectOutput(out.toFile());
      Process p;
      try {
        p = builder.start();
      } catch (IOException e) {
        return new Result(-1, "cannot run " + executable + ": " + e.getMessage());
      }
      try {
        if (!p.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Result(-1, "runc " + args[0] + " did not end within " + commandTimeout);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        return new Result(-1, "interrupted while runc " + args[0] + " ran");
      }
      return new Result(p.exitValue(), readBounded(out));
    } finally {
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        // A temporary file of a few bytes; the state folder is the backend's.
      }
    }
  }

  /** runc with {@code args} on this state folder: no input, none of the server's variables. */
  private ProcessBuilder builder(String... args) {
    ProcessBuilder builder = new ProcessBuilder(command(args))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return builder;
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("--root");
    command.add(stateRoot.toString());
    command.addAll(List.of(args));
    return command;
  }

  private static String readBounded(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
