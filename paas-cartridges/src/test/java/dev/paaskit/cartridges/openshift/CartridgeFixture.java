package dev.paaskit.cartridges.openshift;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpServer;
import dev.paaskit.core.internal.archive.TarGzWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server (the JDK's) that serves a downloadable cartridge: its manifest and a
 * tar.gz of its files under a top folder, as GitHub archives have.
 */
final class CartridgeFixture implements AutoCloseable {
  record Page(String contentType, byte[] body) {}

  final HttpServer server;
  final Map<String, Page> pages = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  CartridgeFixture() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      Page page = pages.get(path);
      try (exchange) {
        if (page == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        if (page.contentType().startsWith("redirect:")) {
          exchange.getResponseHeaders().set("Location", page.contentType().substring(9));
          exchange.sendResponseHeaders(302, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", page.contentType());
        exchange.sendResponseHeaders(200, page.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(page.body());
        }
      }
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void put(String path, String contentType, byte[] body) {
    pages.put(path, new Page(contentType, body));
  }

  int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  static String manifest(String name, String sourceUrl, String checksumLine) {
    return "Name: " + name + "\nCartridge-Short-Name: " + name.toUpperCase().replace('-', '_')
        + "\nDisplay-Name: Demo\nVersion: '1.0'\nVersions: ['1.0', '1.1']\n"
        + "Cartridge-Version: 0.0.1\nCartridge-Vendor: acme\n"
        + "Endpoints:\n  - Private-IP-Name: IP\n    Private-Port-Name: PORT\n"
        + "    Private-Port: 8080\n    Public-Port-Name: PROXY_PORT\n    Mappings:\n"
        + "      - Frontend: ''\n        Backend: ''\n"
        + "  - Private-IP-Name: IP\n    Private-Port-Name: ADMIN_PORT\n    Private-Port: 8081\n"
        + "Source-Url: " + sourceUrl + "\n" + checksumLine;
  }

  /** A tar.gz of a cartridge folder {@code top/} holding the manifest and the given scripts. */
  static byte[] archive(Path tmp, String top, String manifest, Map<String, String> scripts)
      throws IOException {
    Path root = Files.createTempDirectory(tmp, "src-");
    Path dir = Files.createDirectories(root.resolve(top));
    Files.createDirectories(dir.resolve("metadata"));
    Files.writeString(dir.resolve("metadata/manifest.yml"), manifest);
    for (Map.Entry<String, String> s : scripts.entrySet()) {
      Path file = dir.resolve(s.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, s.getValue());
      file.toFile().setExecutable(true, false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarGzWriter.create().write(root, out);
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
