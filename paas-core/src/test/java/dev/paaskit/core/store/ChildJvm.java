package dev.paaskit.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a JVM that runs a main class of these tests on this JVM's class path. */
final class ChildJvm {
  private ChildJvm() {}

  /** The child's stdout is piped to the returned process; its stderr goes to {@code stderr}. */
  static Process start(Path stderr, Class<?> mainClass, String... args) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  /** What the child wrote to {@code stderr}, for failure messages. */
  static String errors(Path stderr) {
    try {
      return Files.exists(stderr) ? Files.readString(stderr) : "(no stderr)";
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }
}
