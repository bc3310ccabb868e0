package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NodeCartridgeTest {
  @TempDir Path temp;
  private final NodeCartridge node = new NodeCartridge();
  private final List<String> log = TestSupport.newLog();

  @Test
  void detectsAPackageWithAStartScriptOrServerJs() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("package.json"), "{\"name\": \"app\", \"scripts\": "
        + "{\"test\": \"jest\"}}");
    assertEquals(Detection.no("node: package.json with a scripts.start, or server.js"),
        node.detect(app));

    TestSupport.write(app.resolve("package.json"), "{\"scripts\": {\"start\": \"node a.js\"}}");
    assertEquals(Detection.yes("package.json with scripts.start"), node.detect(app));

    Path plain = Files.createDirectory(temp.resolve("plain"));
    TestSupport.write(plain.resolve("server.js"), "console.log('hi')");
    assertEquals(Detection.yes("server.js"), node.detect(plain));
  }

  @Test
  void explainsABrokenPackageJson() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("package.json"), "{\"scripts\": {\"start\": ");

    Detection detection = node.detect(app);

    assertFalse(detection.detected());
    assertTrue(detection.explanation().contains("package.json is not valid JSON"),
        detection.explanation());
    TestSupport.write(app.resolve("server.js"), "console.log('hi')");
    assertEquals(Detection.yes("server.js"), node.detect(app));
  }

  @Test
  void stagesAStartScriptAndLetsTheProcfileWin() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("package.json"), "{\"scripts\": {\"start\": \"node a.js\"}}");
    TestSupport.write(app.resolve("server.js"), "console.log('hi')");

    StagingResult result = node.stage(context(app));
    assertEquals("exec npm start", result.command());
    assertEquals(Map.of("NODE_ENV", "production"), result.env());
    assertFalse(Files.exists(app.resolve("node_modules")), "no dependencies, no install");

    TestSupport.write(app.resolve("Procfile"), "web: node --max-old-space-size=200 a.js\n");
    assertEquals("node --max-old-space-size=200 a.js", node.stage(context(app)).command());

    Path plain = Files.createDirectory(temp.resolve("plain"));
    TestSupport.write(plain.resolve("server.js"), "console.log('hi')");
    assertEquals("exec node server.js", node.stage(context(plain)).command());
  }

  @Test
  void installsDependenciesWithNpmThenRunsTheStartScript()
      throws IOException, InterruptedException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("dep/package.json"),
        "{\"name\": \"dep\", \"version\": \"1.0.0\", \"main\": \"index.js\"}");
    TestSupport.write(app.resolve("dep/index.js"), "module.exports = 'dep-ok';");
    TestSupport.write(app.resolve("package.json"), "{\"name\": \"app\", \"version\": \"1.0.0\","
        + " \"scripts\": {\"start\": \"node main.js\"}, \"dependencies\": {\"dep\": "
        + "\"file:./dep\"}}");
    TestSupport.write(app.resolve("main.js"),
        "console.log(require('dep') + ' on ' + process.env.PORT);");

    StagingResult result = node.stage(context(app));

    assertTrue(Files.isDirectory(app.resolve("node_modules/dep")), log.toString());
    assertTrue(log.contains("-----> npm install --omit=dev"), log.toString());
    Map<String, String> env = new HashMap<>(result.env());
    env.put("PORT", "8124");
    String output = TestSupport.run(result.command(), app, env, temp.resolve("out.txt"));
    assertTrue(output.contains("dep-ok on 8124"), output);
  }

  private StagingContext context(Path app) {
    return TestSupport.context(app, temp.resolve("cache"), log, Duration.ofSeconds(50));
  }
}
