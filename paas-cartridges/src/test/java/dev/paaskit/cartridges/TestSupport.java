package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.StagingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Staging contexts, processes and raw HTTP for the cartridge tests. */
final class TestSupport {
  private TestSupport() {
  }

  /** A staging context whose log lines land in {@code log}. */
  static StagingContext context(Path buildDir, Path cacheDir, List<String> log,
      Duration timeout) {
    return new StagingContext("app", buildDir, cacheDir, Map.of(), log::add, timeout);
  }

  static List<String> newLog() {
    return new CopyOnWriteArrayList<>();
  }

  static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts {@code command} as a staged app would be: {@code /bin/sh -c} in {@code dir} with
   * {@code env}, output to {@code output}.
   */
  static Process start(String command, Path dir, Map<String, String> env, Path output)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs {@code command} to its end and returns its output. */
  static String run(String command, Path dir, Map<String, String> env, Path output)
      throws IOException, InterruptedException {
    Process process = start(command, dir, env, output);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      stop(process);
      fail("'" + command + "' did not end within 30s: " + Files.readString(output));
    }
    String text = Files.readString(output);
    if (process.exitValue() != 0) {
      fail("'" + command + "' exited with " + process.exitValue() + ": " + text);
    }
    return text;
  }

  /** Waits until 127.0.0.1:{@code port} accepts connections, or fails after {@code limit}. */
  static void awaitPort(int port, Process process, Path output, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException refused) {
        if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
          fail("the process ended with " + process.exitValue() + " before listening: "
              + Files.readString(output));
        }
      }
    }
    fail("nothing listened on port " + port + " within " + limit + ": "
        + Files.readString(output));
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after {@code limit}. */
  static void awaitTrue(BooleanSupplier condition, Duration limit, Supplier<String> what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + limit + ": " + what.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** Whether {@code pid} is a process that runs or sleeps: neither gone nor a zombie. */
  static boolean live(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException gone) {
      return false;
    }
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  /** The pids of live processes whose command line is exactly {@code argv}. */
  static List<Long> running(List<String> argv) {
    byte[] wanted = (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8);
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Arrays.equals(wanted, Files.readAllBytes(proc.resolve("cmdline")))) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // Ended while the table was read.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return found;
  }

  static void stop(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A response read off the wire: the status code, the headers block and the body. */
  record Response(int status, String headers, String body) {
  }

  /** Sends {@code GET rawPath} exactly as written, so no client normalises the path. */
  static Response get(int port, String rawPath) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int end = response.indexOf("\r\n\r\n");
      String head = end < 0 ? response : response.substring(0, end);
      String body = end < 0 ? "" : response.substring(end + 4);
      String[] statusLine = head.split("\r\n", 2)[0].split(" ");
      return new Response(Integer.parseInt(statusLine[1]), head, body);
    }
  }
}
