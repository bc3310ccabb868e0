package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class JavaCartridgeTest {
  private static final String LOOKS_FOR = "java: a runnable .jar (with a Main-Class) at the top";

  @TempDir Path temp;
  private final JavaCartridge java = new JavaCartridge();
  private final List<String> log = TestSupport.newLog();

  @Test
  void detectsOnlyAJarWithAMainClassAtTheTop() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    assertEquals(Detection.no(LOOKS_FOR), java.detect(app));

    jar(app.resolve("library.jar"), null);
    jar(Files.createDirectory(app.resolve("lib")).resolve("nested.jar"), PrintPort.class);
    Files.writeString(app.resolve("broken.jar"), "not a zip");
    assertEquals(Detection.no(LOOKS_FOR), java.detect(app));

    jar(app.resolve("my app.jar"), PrintPort.class);
    assertEquals(Detection.yes("runnable jar my app.jar (Main-Class "
        + PrintPort.class.getName() + ")"), java.detect(app));
  }

  @Test
  void runsTheJarWithThePortAndJavaOpts() throws IOException, InterruptedException {
    Path app = Files.createDirectory(temp.resolve("app"));
    jar(app.resolve("my app.jar"), PrintPort.class);

    StagingResult result = java.stage(context(app));

    assertEquals("exec \"${JAVA_HOME:+$JAVA_HOME/bin/}java\" $JAVA_OPTS -Dserver.port=$PORT "
        + "-jar 'my app.jar'", result.command());
    String output = TestSupport.run(result.command(), app, Map.of("PORT", "8125",
        "JAVA_OPTS", "-Dgreeting=hi -Xshare:auto",
        "JAVA_HOME", System.getProperty("java.home")), temp.resolve("out.txt"));
    assertEquals("port=8125 greeting=hi\n", output);
  }

  @Test
  void theProcfileWinsAndAFolderWithoutAJarFailsToStage() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("Procfile"), "web: java -jar build/libs/app.jar\n");
    assertEquals("java -jar build/libs/app.jar", java.stage(context(app)).command());

    Files.delete(app.resolve("Procfile"));
    StagingException e = assertThrows(StagingException.class, () -> java.stage(context(app)));
    assertTrue(e.getMessage().contains("no runnable jar"), e.getMessage());
  }

  private StagingContext context(Path app) {
    return TestSupport.context(app, temp.resolve("cache"), log, Duration.ofSeconds(30));
  }

  /** Writes a jar holding {@code mainClass}, named in its manifest; none when null. */
  private static void jar(Path file, Class<?> mainClass) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
    }
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      if (mainClass != null) {
        String name = mainClass.getName().replace('.', '/') + ".class";
        jar.putNextEntry(new JarEntry(name));
        try (InputStream in = mainClass.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(jar);
        }
        jar.closeEntry();
      }
    }
  }
}
