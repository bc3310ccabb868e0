package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

/**
 * Heroku-style buildpacks written by the test as shell scripts, served by a real
 * {@code paaskit serve --buildpacks DIR} in a child JVM, pushed to with the CLI, and reached
 * through the router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class BuildpackEndToEndTest {
  private static final Duration ROUTED = Duration.ofSeconds(30);

  /** Detects a hello.txt; compiles with a counter in CACHE_DIR and the env from ENV_DIR. */
  private static final String DETECT = "[ -f \"$1/hello.txt\" ] || exit 1\necho 'Hello app'";
  private static final String COMPILE = "set -e\n"
      + "echo '-----> Installing the hello runtime'\n"
      + "if [ -f \"$2/builds\" ]; then echo \"cache has $(cat \"$2/builds\") earlier build(s)\"; "
      + "else echo 'cache is empty'; fi\n"
      + "echo $(( $(cat \"$2/builds\" 2>/dev/null || echo 0) + 1 )) > \"$2/builds\"\n"
      + "cp \"$3/GREETING\" \"$1/greeting.txt\"\n"
      + "mkdir -p \"$1/.profile.d\"\n"
      + "echo 'export FROM_PROFILE=sourced' > \"$1/.profile.d/hello.sh\"";
  private static final String RELEASE = "cat <<'YAML'\n---\nconfig_vars:\n  MODE: production\n"
      + "default_process_types:\n  web: exec python3 web.py\nYAML";
  private static final String WEB_PY = String.join("\n",
      "import os",
      "from http.server import BaseHTTPRequestHandler, HTTPServer",
      "",
      "class Hello(BaseHTTPRequestHandler):",
      "    def do_GET(self):",
      "        greeting = open('greeting.txt').read().strip()",
      "        body = f\"{greeting} mode={os.environ.get('MODE')} "
          + "profile={os.environ.get('FROM_PROFILE')}\\n\".encode()",
      "        self.send_response(200)",
      "        self.send_header('Content-Length', str(len(body)))",
      "        self.end_headers()",
      "        self.wfile.write(body)",
      "",
      "HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Hello).serve_forever()",
      "");

  @TempDir static Path tmp;
  private Path data;
  private ServeProcess serve;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();

  @BeforeAll
  void startServe() throws Exception {
    Path packs = tmp.resolve("buildpacks");
    buildpack(packs.resolve("hello-bp"), DETECT, COMPILE, RELEASE);
    buildpack(packs.resolve("broken-bp"), "[ -f \"$1/broken.txt\" ] || exit 1",
        "echo 'resolving dependencies'\necho 'dependency left-pad not found' >&2\nexit 3", null);
    data = tmp.resolve("data");
    serve = ServeProcess.start(data, "--buildpacks", packs.toString(), "--allow-file-buildpacks");
    assertTrue(serve.output().contains(
        "cartridges: python, node, java, static, procfile, broken-bp, hello-bp"), serve.output().toString());
  }

  @AfterAll
  void stopServe() throws Exception {
    if (serve != null) {
      serve.close();
    }
    http.connectionPool().evictAll();
  }

  private static void buildpack(Path root, String detect, String compile, String release)
      throws IOException {
    script(root.resolve("bin/detect"), detect);
    script(root.resolve("bin/compile"), compile);
    if (release != null) {
      script(root.resolve("bin/release"), release);
    }
  }

  private static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path app(String name, Map<String, String> files) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("apps").resolve(name));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    return dir;
  }

  private MainRuns.Run cli(String... args) throws Exception {
    return MainRuns.cli(serve.apiUrl(), data, args);
  }

  /**
   * Asks the router for {@code host} until it answers 200 with {@code expected}; fails with the
   * last answer after a while. A rollout's old instance may answer for a moment after a push.
   */
  private void assertAnswers(String host, String expected) {
    Request request = new Request.Builder().url("http://127.0.0.1:" + serve.routerPort() + "/")
        .header("Host", host).build();
    long deadline = System.nanoTime() + ROUTED.toNanos();
    String last = "nothing";
    while (!last.equals("200 " + expected)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no 200 '" + expected + "' from " + host + " within " + ROUTED
            + "; last: " + last);
      }
      try (Response r = http.newCall(request).execute()) {
        last = r.code() + " " + r.body().string().strip();
      } catch (IOException e) {
        last = e.toString();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Test
  @Order(1)
  void aDetectedBuildpackStagesWithItsOutputInThePushAndTheAppAnswersThroughTheRouter()
      throws Exception {
    Path dir = app("hello", Map.of("hello.txt", "v1\n", "web.py", WEB_PY));

    MainRuns.Run push = cli("push", dir.toString(), "--name", "bphello", "--memory", "64M",
        "--env", "GREETING=Howdy");

    assertEquals(0, push.code(), push.all());
    assertTrue(push.out().contains("Detected hello-bp"), push.out());
    assertTrue(push.out().contains("   -----> Installing the hello runtime"), push.out());
    assertTrue(push.out().contains("   cache is empty"), push.out());
    assertAnswers("bphello.localhost", "Howdy mode=production profile=sourced");
  }

  @Test
  @Order(2)
  void theNextStagingOfTheAppSeesWhatTheLastOnePutInTheCache() throws Exception {
    Path dir = app("hello", Map.of("hello.txt", "v2\n"));

    MainRuns.Run push = cli("push", dir.toString(), "--name", "bphello", "--memory", "64M",
        "--env", "GREETING=Hi again");

    assertEquals(0, push.code(), push.all());
    assertTrue(push.out().contains("   cache has 1 earlier build(s)"), push.out());
    assertTrue(Files.isRegularFile(data.resolve("cloud/stager/cache/bphello/buildpack/builds")));
    assertAnswers("bphello.localhost", "Hi again mode=production profile=sourced");
  }

  @Test
  @Order(3)
  void anExplicitCartridgeWinsOverDetectionAndAnUnknownOneListsTheKnownOnes() throws Exception {
    Path dir = app("named", Map.of("hello.txt", "x\n", "web.py", WEB_PY,
        "app.py", "raise SystemExit('the python cartridge was used')\n"));

    MainRuns.Run named = cli("push", dir.toString(), "--name", "bpnamed", "--memory", "64M",
        "--cartridge", "hello-bp", "--env", "GREETING=Named");
    assertEquals(0, named.code(), named.all());
    assertTrue(named.out().contains("Using cartridge hello-bp"), named.out());
    assertAnswers("bpnamed.localhost", "Named mode=production profile=sourced");

    MainRuns.Run unknown = cli("push", dir.toString(), "--name", "bpunknown", "-b", "ruby-bp");
    assertEquals(1, unknown.code(), unknown.all());
    assertTrue(unknown.err().contains("staging failed: no cartridge named 'ruby-bp'; installed: "
        + "python, node, java, static, procfile, broken-bp, hello-bp"), unknown.err());
  }

  @Test
  @Order(4)
  void aManifestNamesABuildpackByGitUrl() throws Exception {
    Path repo = tmp.resolve("repos/hello-bp.git");
    buildpack(repo, DETECT, COMPILE, RELEASE);
    git(repo, "init", "--quiet");
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "hello buildpack");
    Path dir = app("fromgit", Map.of("web.py", WEB_PY, "manifest.yml",
        "applications:\n- name: bpgit\n  memory: 64M\n  buildpacks: [file://" + repo + "]\n"
            + "  env:\n    GREETING: Cloned\n"));

    MainRuns.Run push = cli("push", dir.toString());

    assertEquals(0, push.code(), push.all());
    assertTrue(push.out().contains("Using cartridge file://" + repo + " git-"), push.out());
    assertTrue(push.out().contains("   cache is empty"), push.out());
    assertAnswers("bpgit.localhost", "Cloned mode=production profile=sourced");
  }

  @Test
  @Order(5)
  void aFailingCompileFailsThePushWithItsOutput() throws Exception {
    Path dir = app("broken", Map.of("broken.txt", "x\n"));

    MainRuns.Run push = cli("push", dir.toString(), "--name", "bpbroken", "--memory", "64M");

    assertEquals(1, push.code(), push.all());
    assertTrue(push.out().contains("   dependency left-pad not found"), push.out());
    assertTrue(push.err().contains(
        "staging failed: 'bin/compile of buildpack broken-bp' failed with exit status 3"), push.err());
    assertTrue(push.err().contains("  dependency left-pad not found"), push.err());
  }

  @Test
  @Order(6)
  void serveRefusesABuildpacksFolderThatIsMissingOrHoldsSomethingElse() throws Exception {
    Path half = tmp.resolve("half-buildpacks");
    script(half.resolve("no-compile/bin/detect"), "exit 0");
    for (Path folder : List.of(tmp.resolve("no-such-folder"), half)) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(new String[] {"serve", "--api-port", "0", "--router-port", "0",
              "--data", tmp.resolve("refused").toString(), "--buildpacks", folder.toString()},
          new PrintStream(OutputStream.nullOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
      String said = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, said);
      assertTrue(said.startsWith("paaskit serve: --buildpacks: ") && said.contains(folder.toString()),
          said);
    }
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Test",
        "-c", "user.email=test@example.com"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "git " + List.of(args) + " still runs");
    assertEquals(0, p.exitValue(), "git " + List.of(args) + ": " + output);
  }
}
