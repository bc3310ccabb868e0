package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ProcfileCartridgeTest {
  private static final String LOOKS_FOR = "procfile: a Procfile with a web: process";

  @TempDir Path temp;
  private Path app;
  private final ProcfileCartridge procfile = new ProcfileCartridge();

  @BeforeEach
  void createApp() throws IOException {
    app = Files.createDirectory(temp.resolve("app"));
  }

  @Test
  void detectsAProcfileWithAWebProcessAndStagesItsCommand() throws IOException {
    assertEquals(Detection.no(LOOKS_FOR), procfile.detect(app));
    TestSupport.write(app.resolve("Procfile"), "worker: ./work\n");
    assertEquals(Detection.no(LOOKS_FOR), procfile.detect(app));

    TestSupport.write(app.resolve("Procfile"), "worker: ./work\nweb: cd bugzilla && plackup "
        + "--port $VCAP_APP_PORT\n");
    assertEquals(Detection.yes("Procfile with a web process"), procfile.detect(app));
    assertEquals("cd bugzilla && plackup --port $VCAP_APP_PORT",
        procfile.stage(context()).command());
    assertEquals(Map.of(), procfile.stage(context()).env());
  }

  @Test
  void aMalformedProcfileIsExplainedAndFailsStagingNamingTheLine() throws IOException {
    TestSupport.write(app.resolve("Procfile"), "web: ./serve\n\nrelease ./migrate\n");

    Detection detection = procfile.detect(app);
    assertFalse(detection.detected());
    assertTrue(detection.explanation().startsWith(LOOKS_FOR), detection.explanation());
    assertTrue(detection.explanation().contains("Procfile line 3 'release ./migrate'"),
        detection.explanation());

    StagingException e = assertThrows(StagingException.class, () -> procfile.stage(context()));
    assertTrue(e.getMessage().contains("Procfile line 3 'release ./migrate'"), e.getMessage());
    assertThrows(StagingException.class, () -> new PythonCartridge().stage(context()));
  }

  private StagingContext context() {
    return TestSupport.context(app, temp.resolve("cache"),
        TestSupport.newLog(), Duration.ofSeconds(5));
  }
}
