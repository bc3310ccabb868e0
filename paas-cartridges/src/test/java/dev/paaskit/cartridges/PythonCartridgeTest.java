package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PythonCartridgeTest {
  @TempDir Path temp;
  private final PythonCartridge python = new PythonCartridge();
  private final List<String> log = TestSupport.newLog();

  @Test
  void detectsAppPyOrRequirementsWithAProcfile() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    assertEquals(Detection.no("python: app.py, or requirements.txt with a Procfile"),
        python.detect(app));

    TestSupport.write(app.resolve("requirements.txt"), "flask\n");
    assertFalse(python.detect(app).detected(), "requirements.txt alone is not enough");

    TestSupport.write(app.resolve("Procfile"), "web: gunicorn app:app\n");
    assertEquals(Detection.yes("requirements.txt with a Procfile"), python.detect(app));

    Path plain = Files.createDirectory(temp.resolve("plain"));
    TestSupport.write(plain.resolve("app.py"), "print('hi')\n");
    assertEquals(Detection.yes("app.py"), python.detect(plain));
  }

  @Test
  void stagesAnAppWithoutRequirementsAsIs() throws IOException, InterruptedException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("app.py"), "import os\nprint('hello on', os.environ['PORT'])\n");
    TestSupport.write(app.resolve("requirements.txt"), "# nothing needed\n\n");
    List<String> before = tree(app);

    StagingResult result = python.stage(context(app));

    assertEquals("exec python3 app.py", result.command());
    assertEquals(Map.of("PYTHONUNBUFFERED", "1"), result.env());
    assertEquals(before, tree(app), "nothing to install, nothing written");
    Map<String, String> env = new HashMap<>(result.env());
    env.put("PORT", "8123");
    assertEquals("hello on 8123\n",
        TestSupport.run(result.command(), app, env, temp.resolve("out.txt")));
  }

  @Test
  void theProcfileWebCommandWins() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("app.py"), "print('hi')\n");
    TestSupport.write(app.resolve("Procfile"),
        "worker: python3 worker.py\nweb: gunicorn --bind 0.0.0.0:$PORT app:app\n");

    assertEquals("gunicorn --bind 0.0.0.0:$PORT app:app", python.stage(context(app)).command());
  }

  @Test
  void installsRequirementsWithPipIntoTheDroplet() throws IOException, InterruptedException {
    Path app = Files.createDirectory(temp.resolve("app"));
    Path cache = temp.resolve("cache");
    writeWheel(app.resolve("hello_dep-1.0-py3-none-any.whl"));
    TestSupport.write(app.resolve("requirements.txt"),
        "--no-index\n./hello_dep-1.0-py3-none-any.whl\n");
    TestSupport.write(app.resolve("app.py"), "import hello_dep\nprint(hello_dep.GREETING)\n");

    StagingResult result = python.stage(TestSupport.context(app, cache, log,
        Duration.ofSeconds(50)));

    assertEquals(Map.of("PYTHONUNBUFFERED", "1", "PYTHONPATH", ".paaskit/python"),
        result.env());
    assertTrue(Files.isRegularFile(app.resolve(".paaskit/python/hello_dep/__init__.py")));
    assertTrue(log.stream().anyMatch(l -> l.contains("Successfully installed hello-dep-1.0")),
        log.toString());
    assertFalse(Files.exists(cache.resolve("tmp")), "the build's temporary folder is removed");
    assertEquals("dep-ok\n",
        TestSupport.run(result.command(), app, result.env(), temp.resolve("out.txt")));
  }

  @Test
  void aFailingPipInstallFailsTheStagingWithItsLastLines() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    TestSupport.write(app.resolve("app.py"), "print('hi')\n");
    TestSupport.write(app.resolve("requirements.txt"),
        "--no-index\npaaskit-no-such-package==9.9\n");

    StagingException e = assertThrows(StagingException.class, () -> python.stage(context(app)));

    assertTrue(e.getMessage().contains("python3 -m pip install -r requirements.txt"),
        e.getMessage());
    assertTrue(e.getMessage().contains("exit status"), e.getMessage());
    assertTrue(e.output().stream().anyMatch(l -> l.contains("paaskit-no-such-package")),
        e.output().toString());
    assertEquals(e.output(), log.subList(log.size() - e.output().size(), log.size()));
  }

  private dev.paaskit.api.spi.StagingContext context(Path app) {
    return TestSupport.context(app, temp.resolve("cache"), log, Duration.ofSeconds(50));
  }

  /** A minimal pure-Python wheel, installable without an index. */
  private static void writeWheel(Path file) throws IOException {
    Map<String, String> entries = Map.of(
        "hello_dep/__init__.py", "GREETING = 'dep-ok'\n",
        "hello_dep-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: hello-dep\n"
            + "Version: 1.0\n",
        "hello_dep-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\n"
            + "Root-Is-Purelib: true\nTag: py3-none-any\n",
        "hello_dep-1.0.dist-info/RECORD", "hello_dep/__init__.py,,\n"
            + "hello_dep-1.0.dist-info/METADATA,,\nhello_dep-1.0.dist-info/WHEEL,,\n"
            + "hello_dep-1.0.dist-info/RECORD,,\n");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }

  private static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> dir.relativize(p) + " " + p.toFile().lastModified()).sorted()
          .toList();
    }
  }
}
