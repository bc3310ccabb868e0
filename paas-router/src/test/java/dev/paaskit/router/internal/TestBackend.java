package dev.paaskit.router.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paaskit.router.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A real HTTP instance on 127.0.0.1 for router tests, on the JDK server. By path:
 * <ul>
 *   <li>{@code /echo}: answers the request body (chunked when the query has {@code chunked});
 *   <li>{@code /headers}: answers the request headers, one {@code name: value} a line, names
 *       lower-cased, and sets hop-by-hop headers on its response;
 *   <li>{@code /target}: answers the method, raw path and raw query;
 *   <li>{@code /count}: answers the body's length and CRC32 without keeping it;
 *   <li>{@code /first-bytes}: counts down {@link #firstBytes} once 64 KiB of the body arrived,
 *       then reads the rest and answers its length;
 *   <li>{@code /hang}: counts down {@link #entered}, waits for {@link #release}, answers;
 *   <li>{@code /stream}: sends a first part chunked, waits for {@link #release}, sends the rest;
 *   <li>{@code /abort}: sends part of a chunked body, then drops the connection;
 *   <li>{@code /head}: answers {@code Content-Length: 1234} with no body to HEAD, 204 to others;
 *   <li>anything else: answers {@code I am <name>}.
 * </ul>
 * Every request counts in {@link #hits}.
 */
final class TestBackend implements AutoCloseable {
  static final String LOOPBACK = "127.0.0.1";
  static final long WAIT_SECONDS = 20;

  final String name;
  final AtomicInteger hits = new AtomicInteger();
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch firstBytes = new CountDownLatch(1);
  private final HttpServer server;
  private final ExecutorService threads;

  private TestBackend(String name) throws IOException {
    this.name = name;
    this.threads = Executors.newCachedThreadPool();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  static TestBackend start(String name) throws IOException {
    return new TestBackend(name);
  }

  /** A port on 127.0.0.1 where nothing listens: connections to it are refused. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  Backend backend(String appName) {
    return new Backend(name, appName, LOOPBACK, port());
  }

  private void handle(HttpExchange exchange) throws IOException {
    hits.incrementAndGet();
    String path = exchange.getRequestURI().getRawPath();
    try (InputStream in = exchange.getRequestBody()) {
      switch (path) {
        case "/echo":
          echo(exchange, in);
          break;
        case "/headers":
          headers(exchange);
          break;
        case "/target":
          String query = exchange.getRequestURI().getRawQuery();
          answer(exchange, 200, exchange.getRequestMethod() + " " + path
              + (query == null ? "" : "?" + query));
          break;
        case "/count":
          count(exchange, in);
          break;
        case "/first-bytes":
          firstBytes(exchange, in);
          break;
        case "/hang":
          entered.countDown();
          await(release);
          answer(exchange, 200, "released");
          break;
        case "/stream":
          stream(exchange);
          break;
        case "/abort":
          exchange.sendResponseHeaders(200, 0);
          exchange.getResponseBody().write("partial".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          throw new IOException("instance " + name + " drops the connection on purpose");
        case "/head":
          if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", "1234");
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(204, -1);
          }
          exchange.close();
          break;
        default:
          in.readAllBytes();
          answer(exchange, 200, "I am " + name);
      }
    }
  }

  private static void echo(HttpExchange exchange, InputStream in) throws IOException {
    byte[] body = in.readAllBytes();
    boolean chunked = "chunked".equals(exchange.getRequestURI().getRawQuery());
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      exchange.getResponseHeaders().set("Content-Type", type);
    }
    exchange.getResponseHeaders().set("X-Received-Length", Integer.toString(body.length));
    exchange.sendResponseHeaders(200, chunked ? 0 : body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void headers(HttpExchange exchange) throws IOException {
    Map<String, List<String>> sorted = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(), v));
    StringBuilder text = new StringBuilder();
    sorted.forEach((k, values) -> values.forEach(v -> text.append(k).append(": ").append(v)
        .append('\n')));
    var out = exchange.getResponseHeaders();
    out.set("X-Backend", "yes");
    out.set("Keep-Alive", "timeout=5");
    out.set("Proxy-Authenticate", "Basic realm=inner");
    out.set("Upgrade", "h2c");
    out.set("Trailer", "X-Checksum");
    out.set("Connection", "X-Internal");
    out.set("X-Internal", "secret");
    out.add("Set-Cookie", "a=1");
    out.add("Set-Cookie", "b=2");
    answer(exchange, 200, text.toString());
  }

  private static void count(HttpExchange exchange, InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read; (read = in.read(buffer)) != -1; ) {
      crc.update(buffer, 0, read);
      total += read;
    }
    answer(exchange, 200, total + " " + Long.toHexString(crc.getValue()));
  }

  private void firstBytes(HttpExchange exchange, InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int read; (read = in.read(buffer)) != -1; ) {
      total += read;
      if (total >= 64 * 1024) {
        firstBytes.countDown();
      }
    }
    answer(exchange, 200, Long.toString(total));
  }

  private void stream(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write("first part\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    await(release);
    out.write("second part\n".getBytes(StandardCharsets.UTF_8));
    out.close();
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("test latch not released within " + WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
