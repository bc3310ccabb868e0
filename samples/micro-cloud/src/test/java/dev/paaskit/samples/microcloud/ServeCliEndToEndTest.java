package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.Secret;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.rest.RemoteController;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI, in-process, against a real {@code paaskit serve} in a child JVM with process nodes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ServeCliEndToEndTest {
  @TempDir static Path tmp;
  private Path data;
  private ServeProcess serve;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();

  @BeforeAll
  void startServe() throws Exception {
    data = tmp.resolve("data");
    serve = ServeProcess.start(data);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(data.resolve("admin-token"))), "only its owner reads the token");
  }

  @AfterAll
  void stopServe() throws Exception {
    if (serve != null) {
      serve.close();
    }
    http.connectionPool().evictAll();
  }

  private MainRuns.Run cli(String... args) throws Exception {
    return MainRuns.cli(serve.apiUrl(), data, args);
  }

  private Path app(String name) throws IOException {
    Path dir = tmp.resolve("apps").resolve(name);
    if (Files.exists(dir)) {
      return name.equals("hello") ? dir.resolve("hello-python").toAbsolutePath() : dir.toAbsolutePath();
    }
    Files.createDirectories(dir);
    if (name.equals("hello")) {
      return SampleApps.helloPython(dir).toAbsolutePath();
    }
    for (String file : List.of("app.py", "manifest.yml", "vars.yml")) {
      try (InputStream in = getClass().getResourceAsStream("/apps/" + name + "/" + file)) {
        if (in != null) {
          Files.copy(in, dir.resolve(file));
        }
      }
    }
    return dir.toAbsolutePath();
  }

  private String get(String host) throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + serve.routerPort() + "/").header("Host", host).build()).execute()) {
      return r.code() + " " + r.body().string().trim();
    }
  }

  @Test
  @Order(1)
  void pushAFolderScaleAndReadLogsEventsAndEnv() throws Exception {
    MainRuns.Run push = cli("push", app("hello").toString(), "--name", "hello", "--instances", "2",
        "--memory", "128M", "--secret-env", "DB_PASSWORD=hunter2");
    assertEquals(0, push.code(), push.all());
    assertTrue(push.out().contains("Detected python"), push.out());
    assertTrue(push.out().contains("url: http://hello.localhost:" + serve.routerPort()), push.out());
    assertTrue(get("hello.localhost").startsWith("200 Hello from hello instance"));

    MainRuns.Run scale = cli("scale", "hello", "--instances", "3");
    assertEquals(0, scale.code(), scale.all());
    MainRuns.Run apps = cli("apps");
    assertTrue(apps.out().lines().anyMatch(l -> l.startsWith("hello") && l.contains("3/3")), apps.out());
    // Nodes sample every 5 s: each instance shows what its python process uses, as cf app does.
    java.util.regex.Pattern sampled = java.util.regex.Pattern.compile(
        "#[0-2] +running +\\S+ +\\d+\\.\\d% +[1-9][0-9.]*[KM] of 128M +[0-9.]+[BKMG]? of 1G +n\\d.*");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    MainRuns.Run app = cli("app", "hello");
    while (app.out().lines().filter(l -> sampled.matcher(l).matches()).count() < 3) {
      assertTrue(System.nanoTime() - deadline < 0, "every instance sampled within 30 s: " + app.out());
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      app = cli("app", "hello");
    }

    MainRuns.Run logs = cli("logs", "hello", "--recent");
    assertEquals(0, logs.code(), logs.all());
    assertTrue(logs.out().contains("[hello/2] OUT hello instance 2 listening on port"), logs.out());

    MainRuns.Run events = cli("events", "hello");
    assertTrue(events.out().contains("STAGED"), events.out());
    assertTrue(events.out().contains("APP_SCALED scaled from 2 to 3"), events.out());

    MainRuns.Run env = cli("env", "hello");
    assertTrue(env.out().contains("DB_PASSWORD=******"), env.out());
    assertFalse(env.all().contains("hunter2"), "secret hidden without --show-secrets");
    assertFalse(events.all().contains("hunter2") || logs.all().contains("hunter2") || push.all().contains("hunter2"));
    MainRuns.Run shown = cli("env", "hello", "--show-secrets");
    assertTrue(shown.out().contains("DB_PASSWORD=hunter2"), shown.out());

    MainRuns.Run nodes = cli("nodes");
    assertTrue(nodes.out().contains("n1") && nodes.out().contains("ALIVE"), nodes.out());
    MainRuns.Run unknown = cli("drain", "n9");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("node 'n9' not found"), unknown.err());
  }

  @Test
  @Order(2)
  void withoutTheTokenEveryCallIsRefused() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"apps"}, new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of("PAASKIT_API", serve.apiUrl(), "PAASKIT_TOKEN", "wrong-token"));
    assertEquals(1, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("the bearer token is not this server's admin token"),
        err.toString());
  }

  @Test
  @Order(2)
  void pushAnArchive() throws Exception {
    Path archive = tmp.resolve("hello-bits.tgz");
    try (OutputStream out = Files.newOutputStream(archive)) {
      TarGzWriter.create().write(app("hello"), out);
    }
    MainRuns.Run push = cli("push", archive.toString(), "--name", "fromtgz", "--memory", "64M");
    assertEquals(0, push.code(), push.all());
    assertTrue(get("fromtgz.localhost").startsWith("200 Hello from fromtgz instance 0"));
  }

  @Test
  @Order(3)
  void manifestWithAnchorsVarsSecretEnvAndAnHttpHealthCheck() throws Exception {
    Path dir = app("manifested");
    MainRuns.Run push = cli("push", dir.toString(), "--vars-file", dir.resolve("vars.yml").toString());
    assertEquals(0, push.code(), push.all());
    assertTrue(push.all().contains("warning: unknown key 'defaults'"), push.all());
    assertTrue(get("greeter.localhost").matches("200 Howdy from [01]"), get("greeter.localhost"));
    MainRuns.Run app = cli("app", "greeter");
    assertTrue(app.out().contains("instances:  2") && app.out().contains("memory:     128M, disk 256M"), app.out());
    MainRuns.Run env = cli("env", "greeter");
    assertTrue(env.out().contains("GREETING=Howdy") && env.out().contains("API_KEY=******"), env.out());
    assertFalse(env.all().contains("s3cr3t-value"));
  }

  @Test
  @Order(4)
  void aCrashingAppIsReportedWithItsExitCodeAndLastOutput() throws Exception {
    MainRuns.Run push = cli("push", app("crasher").toString(), "--name", "crasher", "--memory", "64M");
    assertEquals(1, push.code(), push.all());
    assertTrue(push.err().contains("instance crashed: exit code 3"), push.err());
    assertTrue(push.err().contains("cannot find configuration file /etc/crasher.conf"), push.err());
  }

  @Test
  @Order(5)
  void hostileArchivesAreRefusedWithNothingWrittenOutside() throws Exception {
    String marker = "escaped-" + Instant.now().toEpochMilli();
    Path zip = tmp.resolve("evil.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("app.py"));
      z.write("print('hi')\n".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("../../" + marker + ".txt"));
      z.write("gotcha".getBytes(StandardCharsets.UTF_8));
    }
    MainRuns.Run push = cli("push", zip.toString(), "--name", "evil");
    assertEquals(1, push.code(), push.all());
    assertTrue(push.err().contains("../../" + marker + ".txt"), push.err());
    assertFalse(anyNameContains(tmp, marker), "nothing escaped");
    MainRuns.Run apps = cli("apps");
    assertEquals(0, apps.code(), "the server is healthy: " + apps.all());
    assertFalse(apps.out().contains("evil"), apps.out());
  }

  @Test
  @Order(6)
  void killNineOfServeLosesNothingAcknowledged() throws Exception {
    serve.kill9();
    serve = ServeProcess.start(data);
    try (RemoteController controller = RemoteController.create(serve.apiUrl(),
            AdminToken.read(data.resolve("admin-token")))) {
      assertEquals(3, controller.deployment("hello").running(Duration.ofSeconds(60)).join()
          .running(), "hello came back with 3 instances");
      assertEquals(2, controller.deployment("greeter").running(Duration.ofSeconds(60)).join()
          .running(), "greeter came back with 2 instances");
    }
    MainRuns.Run apps = cli("apps");
    assertTrue(apps.out().lines().anyMatch(l -> l.startsWith("hello") && l.contains("3/3")), apps.out());
    MainRuns.Run env = cli("env", "hello", "--show-secrets");
    assertTrue(env.out().contains("DB_PASSWORD=hunter2"), "secrets survive the restart: " + env.out());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String answer = get("hello.localhost");
    while (!answer.startsWith("200") && System.nanoTime() < deadline) {
      answer = get("hello.localhost");
    }
    assertTrue(answer.startsWith("200 Hello from hello"), answer);
  }

  /** Whether a file or folder below {@code root} has {@code text} in its name; tolerates the
   * instance folders that come and go while the tree is walked. */
  private static boolean anyNameContains(Path root, String text) throws IOException {
    boolean[] found = {false};
    Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
          java.nio.file.attribute.BasicFileAttributes attrs) {
        found[0] |= dir.getFileName().toString().contains(text);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFile(Path file,
          java.nio.file.attribute.BasicFileAttributes attrs) {
        found[0] |= file.getFileName().toString().contains(text);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
        found[0] |= file.getFileName().toString().contains(text);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    return found[0];
  }
}
