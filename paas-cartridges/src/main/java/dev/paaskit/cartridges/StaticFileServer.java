package dev.paaskit.cartridges;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The static cartridge's web server: serves one folder over HTTP on {@code $PORT}, with
 * {@code index.html} for folders and content types for common extensions. Run as
 * {@code java -cp <dir> dev.paaskit.cartridges.StaticFileServer <folder>}; binds to
 * {@code $HOST} when set, else to {@code $CF_INSTANCE_IP} (the address its node gives it), else to
 * every interface.
 *
 * <p>Paths are decoded once, then refused with 400 when a segment is {@code .} or {@code ..}
 * (plain or percent-encoded) or holds a NUL or backslash; hidden files (a segment starting with
 * {@code .}), files outside the folder reached through a symlink, and anything missing get 404.
 *
 * <p>This class uses only the JDK and has no nested, inner or anonymous classes, so its single
 * class file is the whole server; staging copies it into the droplet.
 */
final class StaticFileServer implements HttpHandler {
  private static final int THREADS = 4;
  private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("xml", "application/xml"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("avif", "image/avif"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("ttf", "font/ttf"),
      Map.entry("otf", "font/otf"),
      Map.entry("wasm", "application/wasm"),
      Map.entry("pdf", "application/pdf"),
      Map.entry("zip", "application/zip"),
      Map.entry("mp4", "video/mp4"),
      Map.entry("webm", "video/webm"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("wav", "audio/wav"));
  private static final String DEFAULT_TYPE = "application/octet-stream";

  private final Path root;

  StaticFileServer(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  public static void main(String[] args) throws IOException {
    String port = System.getenv("PORT");
    if (args.length != 1 || port == null || !port.matches("[0-9]{1,5}")) {
      System.err.println("usage: PORT=<port> [HOST=<address>] java -cp <dir> "
          + StaticFileServer.class.getName() + " <folder>");
      System.exit(2);
    }
    String host = System.getenv("HOST");
    if (host == null || host.isBlank()) {
      host = System.getenv("CF_INSTANCE_IP");
    }
    InetSocketAddress address = host == null || host.isBlank()
        ? new InetSocketAddress(Integer.parseInt(port))
        : new InetSocketAddress(host, Integer.parseInt(port));
    StaticFileServer handler = new StaticFileServer(Path.of(args[0]));
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/", handler);
    server.setExecutor(Executors.newFixedThreadPool(THREADS));
    server.start();
    System.out.println("serving " + handler.root + " on " + address);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getRawPath();
      int status = respond(exchange, method, rawPath);
      System.out.println(method + " " + rawPath + " " + status);
    }
  }

  private int respond(HttpExchange exchange, String method, String rawPath) throws IOException {
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      return plain(exchange, 405, "method not allowed", head);
    }
    if (rawPath == null || !rawPath.startsWith("/")) {
      return plain(exchange, 400, "bad path", head);
    }
    String path = decode(rawPath);
    if (path == null) {
      return plain(exchange, 400, "bad path", head);
    }
    Path file = root;
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0
          || segment.indexOf('\\') >= 0) {
        return plain(exchange, 400, "bad path", head);
      }
      if (segment.startsWith(".")) {
        return plain(exchange, 404, "not found", head);
      }
      file = file.resolve(segment);
    }
    Path real = inside(file);
    if (real != null && Files.isDirectory(real)) {
      if (!rawPath.endsWith("/")) {
        exchange.getResponseHeaders().set("Location", rawPath + "/");
        return plain(exchange, 301, "moved to " + rawPath + "/", head);
      }
      real = inside(real.resolve("index.html"));
    }
    if (real == null || !Files.isRegularFile(real)) {
      return plain(exchange, 404, "not found", head);
    }
    long size = Files.size(real);
    exchange.getResponseHeaders().set("Content-Type", contentType(real));
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (head || size == 0) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
      exchange.sendResponseHeaders(200, -1);
      return 200;
    }
    exchange.sendResponseHeaders(200, size);
    try (InputStream in = Files.newInputStream(real);
        OutputStream out = exchange.getResponseBody()) {
      in.transferTo(out);
    }
    return 200;
  }

  /** Where {@code file} really is, symlinks followed, if it exists inside the root; else null. */
  private Path inside(Path file) throws IOException {
    try {
      Path real = file.toRealPath();
      return real.startsWith(root) ? real : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Percent-decodes a URL path as UTF-8; null when it is malformed. */
  private static String decode(String rawPath) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length()) {
          return null;
        }
        int high = Character.digit(rawPath.charAt(i + 1), 16);
        int low = Character.digit(rawPath.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String contentType(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(extension, DEFAULT_TYPE);
  }

  private static int plain(HttpExchange exchange, int status, String message, boolean head)
      throws IOException {
    byte[] body = (status + " " + message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return status;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    return status;
  }
}
