package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StaticCartridgeTest {
  private static final String SERVER_CLASS_FILE =
      ".paaskit/static/dev/paaskit/cartridges/StaticFileServer.class";

  @TempDir Path temp;
  private final StaticCartridge statics = new StaticCartridge();
  private final List<String> log = TestSupport.newLog();

  @Test
  void detectsAnIndexAtTheTopOrInPublic() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("docs/index.html"), "<p>too deep</p>");
    assertEquals(Detection.no("static: index.html at the top or in public/"),
        statics.detect(app));

    TestSupport.write(app.resolve("public/index.html"), "<p>hi</p>");
    assertEquals(Detection.yes("public/index.html"), statics.detect(app));

    TestSupport.write(app.resolve("index.html"), "<p>hi</p>");
    assertEquals(Detection.yes("index.html"), statics.detect(app));
  }

  @Test
  void servesTheStagedSiteOverHttpAndRefusesToLeaveIt() throws Exception {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("public/index.html"), "<h1>home</h1>");
    TestSupport.write(app.resolve("public/css/site.css"), "body { color: red }");
    TestSupport.write(app.resolve("public/docs/guide/index.html"), "<h1>guide</h1>");
    TestSupport.write(app.resolve("public/.env"), "SECRET=1");
    TestSupport.write(app.resolve("config.yml"), "secret: outside the public folder");
    Files.createSymbolicLink(app.resolve("public/passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(app.resolve("public/config"), Path.of("../config.yml"));

    StagingResult result = statics.stage(TestSupport.context(app, temp.resolve("cache"), log,
        Duration.ofSeconds(30)));

    assertEquals(List.of(SERVER_CLASS_FILE), files(app.resolve(".paaskit")));
    assertTrue(result.command().endsWith(" public"), result.command());
    int port = TestSupport.freePort();
    Map<String, String> env = new HashMap<>(result.env());
    env.put("PORT", Integer.toString(port));
    env.put("HOST", "127.0.0.1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Path output = temp.resolve("server.log");
    Process server = TestSupport.start(result.command(), app, env, output);
    try {
      TestSupport.awaitPort(port, server, output, Duration.ofSeconds(30));

      TestSupport.Response home = TestSupport.get(port, "/");
      assertEquals(200, home.status());
      assertEquals("<h1>home</h1>", home.body());
      assertTrue(home.headers().toLowerCase().contains("content-type: text/html"),
          home.headers());
      TestSupport.Response css = TestSupport.get(port, "/css/site.css");
      assertEquals("body { color: red }", css.body());
      assertTrue(css.headers().toLowerCase().contains("content-type: text/css"), css.headers());
      assertEquals("<h1>guide</h1>", TestSupport.get(port, "/docs/guide/").body());
      assertEquals("<h1>guide</h1>", TestSupport.get(port, "/docs/%67uide/index.html").body());
      TestSupport.Response redirect = TestSupport.get(port, "/docs/guide");
      assertEquals(301, redirect.status());
      assertTrue(redirect.headers().contains("Location: /docs/guide/"), redirect.headers());

      for (String hostile : List.of("/../etc/passwd", "/" + "../".repeat(12) + "etc/passwd",
          "/" + "%2e%2e/".repeat(12) + "etc/passwd", "/css/%2E%2E/%2e%2e/config.yml", "/..%2f..%2fetc%2fpasswd", "/.env", "/passwd",
          "/config", "/%00", "/missing.html", "/css/..\\..\\config.yml")) {
        TestSupport.Response refused = TestSupport.get(port, hostile);
        assertTrue(refused.status() == 400 || refused.status() == 404,
            hostile + " -> " + refused.status());
        assertTrue(!refused.body().contains("root:") && !refused.body().contains("secret"),
            hostile + " leaked " + refused.body());
      }
    } finally {
      TestSupport.stop(server);
    }
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(p -> dir.getParent().relativize(p).toString()).toList();
    }
  }
}
