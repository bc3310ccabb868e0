package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paaskit.node.runc.RuncBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
 * Hostile apps against a real {@code paaskit serve} on runc containers (as root with runc; the
 * test command installs runc). Each app tries what an app must not be able to do, and says what
 * happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class IsolationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Container uids of the micro cloud's nodes and agents start here. */
  private static final int FIRST_CONTAINER_UID = 190_000;

  @TempDir static Path tmp;
  private Path data;
  private ServeProcess serve;
  private final String mark = "m" + ThreadLocalRandom.current().nextInt(1_000_000, 10_000_000);
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(2, TimeUnit.SECONDS).readTimeout(20, TimeUnit.SECONDS).build();

  @BeforeAll
  void startServe() throws Exception {
    java.util.Optional<String> unavailable = RuncBackend.unavailableBecause();
    assumeTrue(unavailable.isEmpty(), () -> "needs root and a working runc: " + unavailable);
    data = tmp.resolve("data");
    serve = ServeProcess.start(data, "--backend", "runc", "--buildpacks", buildpacks().toString());
  }

  /** A buildpack that takes apps with a file named {@code nosy}, and whose compile snoops. */
  private Path buildpacks() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("buildpacks").resolve("nosy").resolve("bin"));
    Files.writeString(bin.resolve("detect"), "#!/bin/sh\n[ -f \"$1/nosy\" ] && echo nosy\n");
    Files.writeString(bin.resolve("compile"), String.join("\n", "#!/bin/sh",
        "data=$(cat \"$1/nosy\")",
        "if cat \"$data/admin-token\" >/dev/null 2>&1; then echo TOKEN-READ; "
            + "else echo token-refused; fi",
        "if ls \"$data/state\" >/dev/null 2>&1; then echo STATE-LISTED; "
            + "else echo state-refused; fi",
        "if touch /etc/nosy-" + mark + " 2>/dev/null; then echo ETC-WRITTEN; "
            + "else echo etc-refused; fi",
        "echo \"compile ran as uid $(id -u)\"",
        "if touch \"$HOME/.probe\" 2>/dev/null; then echo home-writable; fi",
        // A link the server would follow, as root, when it reads the Procfile.
        "ln -s \"$data/admin-token\" \"$1/Procfile\"",
        ""));
    Files.writeString(bin.resolve("release"),
        "#!/bin/sh\nprintf -- '---\\ndefault_process_types:\\n  web: sleep 300\\n'\n");
    for (String script : List.of("detect", "compile", "release")) {
      bin.resolve(script).toFile().setExecutable(true, false);
    }
    return tmp.resolve("buildpacks");
  }

  @AfterAll
  void stopServe() throws Exception {
    try {
      if (serve != null) {
        serve.terminate();
      }
    } finally {
      http.connectionPool().evictAll();
      removeContainersLeftInState();
    }
  }

  /**
   * Whatever a failed test left in the nodes' runc state, removed before the temporary folder,
   * and with it the only record of those containers, goes.
   */
  private void removeContainersLeftInState() throws Exception {
    if (data == null || !Files.isDirectory(data.resolve("nodes"))) {
      return;
    }
    for (String container : containersInState()) {
      String node = container.substring(0, container.indexOf('/'));
      String name = container.substring(container.indexOf('/') + 1);
      Path root = data.resolve("nodes").resolve(node).resolve("runc").resolve("runc");
      Process p = new ProcessBuilder("runc", "--root", root.toString(), "delete", "--force",
          name).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private MainRuns.Run cli(String... args) {
    try {
      return MainRuns.cli(serve.apiUrl(), data, args);
    } catch (Exception e) {
      throw new AssertionError("paaskit " + String.join(" ", args), e);
    }
  }

  /** A Python app whose {@code app.py} is {@code prelude} followed by a server answering JSON. */
  private Path app(String name, String prelude, String answer) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("apps").resolve(name));
    Files.writeString(dir.resolve("app.py"), String.join("\n",
        "import glob, json, os, subprocess",
        "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer",
        prelude,
        "def attempt(f):",
        "    try:",
        "        return 'done: ' + str(f())[:60]",
        "    except Exception as e:",
        "        return 'refused: ' + type(e).__name__",
        "class H(BaseHTTPRequestHandler):",
        "    def do_GET(self):",
        "        body = json.dumps(" + answer + ").encode()",
        "        self.send_response(200)",
        "        self.send_header('Content-Length', str(len(body)))",
        "        self.end_headers()",
        "        self.wfile.write(body)",
        "ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()",
        ""));
    return dir;
  }

  private JsonNode get(String app) throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + serve.routerPort() + "/")
        .header("Host", app + ".localhost").build()).execute()) {
      assertEquals(200, r.code(), app);
      return JSON.readTree(r.body().string());
    }
  }

  @Test
  @Order(1)
  void anAppCannotReadTheTokenTheServersFilesOrAnotherAppsSecretsNorWriteTheSystem()
      throws Exception {
    MainRuns.Run victim = cli("push", SampleApps.helloPython(tmp.resolve("victim")).toString(),
        "--name", "victim", "--memory", "64M", "--secret-env", "DB_PASSWORD=hunter2-" + mark);
    assertEquals(0, victim.code(), victim.all());
    Path snoop = app("snoop", "", "{"
        + "'token': attempt(lambda: open(os.environ['DATA'] + '/admin-token').read()),"
        + "'nodes': attempt(lambda: os.listdir(os.environ['DATA'] + '/nodes')),"
        + "'state': attempt(lambda: os.listdir(os.environ['DATA'])),"
        + "'environ': sum(1 for p in glob.glob('/proc/*/environ') if attempt(lambda: b'hunter2-"
        + mark + "' in open(p, 'rb').read()) == 'done: True'),"
        + "'etc': attempt(lambda: open('/etc/paaskit-" + mark + "', 'w').write('x')),"
        + "'usr': attempt(lambda: open('/usr/paaskit-" + mark + "', 'w').write('x')),"
        + "'uid': os.getuid(),"
        + "'processes': len(glob.glob('/proc/[0-9]*'))}");
    MainRuns.Run push = cli("push", snoop.toString(), "--name", "snoop", "--memory", "64M",
        "--env", "DATA=" + data);
    assertEquals(0, push.code(), push.all());

    JsonNode seen = get("snoop");

    assertTrue(seen.get("token").asText().startsWith("refused"), seen.toString());
    // Only the empty folders leading to its own work folder, which is mounted at its host path.
    assertEquals("done: ['nodes']", seen.get("state").asText(), seen.toString());
    assertTrue(seen.get("nodes").asText().matches("done: \\['n[12]'\\]"), seen.toString());
    assertEquals(0, seen.get("environ").asInt(), "another app's secret env: " + seen);
    assertTrue(seen.get("etc").asText().startsWith("refused"), seen.toString());
    assertTrue(seen.get("usr").asText().startsWith("refused"), seen.toString());
    assertFalse(Files.exists(Path.of("/etc/paaskit-" + mark)));
    assertTrue(seen.get("uid").asInt() >= FIRST_CONTAINER_UID, "not root: " + seen);
    assertTrue(seen.get("processes").asInt() < 10, "its own processes only: " + seen);
  }

  @Test
  @Order(2)
  void aBuildpackCompileCannotReadTheTokenNorTheServersState() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("apps").resolve("nosy"));
    Files.writeString(app.resolve("nosy"), data.toString());
    MainRuns.Run push = cli("push", app.toString(), "--name", "nosy", "--memory", "64M",
        "--no-wait");
    String out = push.all();
    assertTrue(out.contains("compile ran as uid"), "the compile ran: " + out);
    assertTrue(out.contains("token-refused"), out);
    assertTrue(out.contains("state-refused"), out);
    assertTrue(out.contains("etc-refused"), out);
    assertTrue(out.contains("home-writable"), "tools that write to ~ can: " + out);
    assertFalse(out.contains("compile ran as uid 0"), "not as root: " + out);
    String token = Files.readString(data.resolve("admin-token")).strip();
    assertFalse(out.contains(token), "the token came back through a link: " + out);
    assertTrue(out.contains("staging failed") && out.contains("link"), "refused: " + out);
    cli("delete", "nosy");
  }

  @Test
  @Order(3)
  void aMemoryHogIsKilledAndTheKillIsNamed() throws Exception {
    Path hog = app("hog", "hog = bytearray(400 * 1024 * 1024)", "{}");
    MainRuns.Run push = cli("push", hog.toString(), "--name", "hog", "--memory", "64M");
    assertEquals(1, push.code(), push.all());
    assertTrue(push.err().contains("out of memory: limit 64M"), "the crash names memory: "
        + push.all());
    String app = cli("app", "hog").out();
    assertTrue(app.contains("out of memory: limit 64M"), app);
    cli("delete", "hog");
  }

  @Test
  @Order(4)
  void aDiskFillerIsStoppedAndTheStopIsNamed() throws Exception {
    Path filler = app("filler", "open('big', 'wb').write(b'x' * (200 * 1024 * 1024))", "{}");
    MainRuns.Run push = cli("push", filler.toString(), "--name", "filler", "--memory", "512M",
        "--disk", "64M");
    assertEquals(1, push.code(), push.all());
    assertTrue(push.err().contains("disk quota exceeded: limit 64M"),
        "the crash names the disk quota: " + push.all());
    cli("delete", "filler");
  }

  @Test
  @Order(5)
  void aDetachedChildDiesWithItsApp() throws Exception {
    String token = "3011." + mark.substring(1);
    Path detach = app("detach", "subprocess.run(['setsid', '-f', 'sleep', '" + token + "'])",
        "{'ok': True}");
    MainRuns.Run push = cli("push", detach.toString(), "--name", "detach", "--memory", "64M");
    assertEquals(0, push.code(), push.all());
    assertTrue(get("detach").get("ok").asBoolean());
    assertEquals(1, processesWith("sleep\0" + token).size(), "the detached child runs");

    MainRuns.Run delete = cli("delete", "detach");
    assertEquals(0, delete.code(), delete.all());

    until(() -> processesWith("sleep\0" + token).isEmpty(), Duration.ofSeconds(30),
        () -> "the detached child outlived its app: " + processesWith("sleep\0" + token));
  }

  @Test
  @Order(6)
  void afterKillNineARestartedServeLeavesNoOrphan() throws Exception {
    for (String earlier : List.of("victim", "snoop", "nosy", "hog", "filler", "detach")) {
      cli("delete", earlier); // Whatever an earlier test, passed or failed, left.
    }
    until(() -> containersInState().isEmpty(), Duration.ofSeconds(30),
        () -> "no container left before the test: " + containersInState());
    MainRuns.Run push = cli("push", SampleApps.helloPython(tmp.resolve("survivor")).toString(),
        "--name", "survivor", "--instances", "2", "--memory", "64M", "--env", "MARK=" + mark);
    assertEquals(0, push.code(), push.all());
    List<Long> before = processesWithEnv("MARK=" + mark);
    assertEquals(2, before.size(), "two instances run: " + before);

    serve.kill9();
    assertTrue(before.stream().allMatch(IsolationEndToEndTest::alive),
        "a kill -9 of serve leaves its containers running");
    serve = ServeProcess.start(data, "--backend", "runc", "--buildpacks",
        tmp.resolve("buildpacks").toString());

    until(() -> cli("apps").out().lines().anyMatch(l -> l.startsWith("survivor")
            && l.contains("2/2")), Duration.ofSeconds(60),
        () -> "survivor back with 2 instances: " + cli("apps").out());
    until(() -> before.stream().noneMatch(IsolationEndToEndTest::alive), Duration.ofSeconds(30),
        () -> "the old containers' processes are gone");
    until(() -> processesWithEnv("MARK=" + mark).size() == 2, Duration.ofSeconds(30),
        () -> "exactly the two new instances run: " + processesWithEnv("MARK=" + mark));
    until(() -> containersInState().size() == 2, Duration.ofSeconds(30),
        () -> "runc holds exactly the two new containers: " + containersInState());
  }

  /** Containers runc holds in the state folders of this cloud's nodes. */
  private List<String> containersInState() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(data.resolve("nodes"))) {
      for (Path node : nodes) {
        Path state = node.resolve("runc").resolve("runc");
        if (!Files.isDirectory(state)) {
          continue;
        }
        try (DirectoryStream<Path> containers = Files.newDirectoryStream(state)) {
          for (Path container : containers) {
            names.add(node.getFileName() + "/" + container.getFileName());
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read the nodes' runc state", e);
    }
    return names;
  }

  private static List<Long> processesWith(String text) {
    return scan("cmdline", text);
  }

  /** The apps' own processes ({@code python3 app.py}) with {@code variable} in their environments. */
  private static List<Long> processesWithEnv(String variable) {
    List<Long> apps = scan("cmdline", "python3\0app.py");
    return scan("environ", "\0" + variable + "\0").stream().filter(apps::contains).toList();
  }

  private static List<Long> scan(String file, String text) {
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
        d -> d.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path dir : dirs) {
        try {
          String content = "\0" + new String(Files.readAllBytes(dir.resolve(file)),
              StandardCharsets.UTF_8);
          long pid = Long.parseLong(dir.getFileName().toString());
          if (content.contains(text) && alive(pid)) {
            found.add(pid);
          }
        } catch (IOException e) {
          // Ended meanwhile.
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc", e);
    }
    return found;
  }

  /** Running or sleeping: neither gone nor a zombie. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
