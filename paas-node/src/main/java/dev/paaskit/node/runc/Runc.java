package dev.paaskit.node.runc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
  /** Output of a short command kept for messages; the rest is read and dropped. */
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
    ProcessBuilder builder = new ProcessBuilder(command("run", "--keep", "--bundle",
        bundle.toString(), "--pid-file", bundle.resolve("init.pid").toString(), name))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return builder.start();
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

  /** Runs a short command to its end; an exit code of -1 when it could not run or timed out. */
  Result exec(String... args) {
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      return new Result(-1, "cannot run " + executable + ": " + e.getMessage());
    }
    try {
      String out = readBounded(p.getInputStream());
      if (!p.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "runc " + args[0] + " did not end within " + commandTimeout);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      p.destroyForcibly();
      return new Result(-1, "runc " + args[0] + ": " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted while runc " + args[0] + " ran");
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("--root");
    command.add(stateRoot.toString());
    command.addAll(List.of(args));
    return command;
  }

  private static String readBounded(InputStream in) throws IOException {
    byte[] kept = new byte[MAX_OUTPUT];
    byte[] scratch = new byte[4096];
    int length = 0;
    for (int n = in.read(scratch); n >= 0; n = in.read(scratch)) {
      int take = Math.min(n, kept.length - length);
      System.arraycopy(scratch, 0, kept, length, take);
      length += take;
    }
    return new String(kept, 0, length, StandardCharsets.UTF_8);
  }
}
