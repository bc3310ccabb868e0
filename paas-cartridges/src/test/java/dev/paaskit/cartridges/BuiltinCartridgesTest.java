package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class BuiltinCartridgesTest {
  @TempDir Path app;

  @Test
  void detectionOrderIsPythonNodeJavaStaticProcfile() {
    BuiltinCartridges source = BuiltinCartridges.create();

    assertEquals(List.of("python", "node", "java", "static", "procfile"),
        source.cartridges().stream().map(Cartridge::name).toList());
    assertTrue(source.cartridges().stream().allMatch(c -> !c.version().isBlank()));
    assertEquals("static", source.find("static").orElseThrow().name());
    assertTrue(source.find("ruby").isEmpty());
  }

  @Test
  void anEmptyFolderIsNoOnesAndEachSaysWhatItLooksFor() throws IOException {
    List<Detection> detections = BuiltinCartridges.create().cartridges().stream()
        .map(c -> detect(c, app)).toList();

    assertTrue(detections.stream().noneMatch(Detection::detected), detections.toString());
    assertEquals(List.of(
        "python: app.py, or requirements.txt with a Procfile",
        "node: package.json with a scripts.start, or server.js",
        "java: a runnable .jar (with a Main-Class) at the top",
        "static: index.html at the top or in public/",
        "procfile: a Procfile with a web: process"),
        detections.stream().map(Detection::explanation).toList());
  }

  @Test
  void theFirstCartridgeThatMatchesWins() throws IOException {
    TestSupport.write(app.resolve("index.html"), "<p>docs</p>");
    TestSupport.write(app.resolve("Procfile"), "web: ./serve\n");
    TestSupport.write(app.resolve("server.js"), "require('http')");

    assertEquals("node", BuiltinCartridges.create().cartridges().stream()
        .filter(c -> detect(c, app).detected()).findFirst().orElseThrow().name());
  }

  private static Detection detect(Cartridge cartridge, Path dir) {
    try {
      return cartridge.detect(dir);
    } catch (IOException e) {
      throw new AssertionError(cartridge.name() + " could not look at " + dir, e);
    }
  }
}
