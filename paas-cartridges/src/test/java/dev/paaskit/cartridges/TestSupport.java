package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.StagingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
