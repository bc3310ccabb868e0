package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.CartridgeInfo;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downloadable cartridge end to end with real parts: added from loopback HTTP, verified,
 * staged with, installed on the one node that runs the app, its daemon started by
 * {@code control start} and answering through the router, watched by {@code control status},
 * stopped by {@code control stop}.
 */
@Timeout(60)
class CartridgeEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private DemoCartridge web;
  private OpenShiftCartridges cartridges;
  private PaasCloud cloud;
  private Waits waits;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();

  @BeforeEach
  void start() throws IOException {
    web = new DemoCartridge(tmp);
    cartridges = MicroCloud.cartridges(tmp, null, false, true, false);
    // Plain processes: the demo cartridge reports its steps in a file beside the test's folder,
    // which a runc container cannot write (on runc its setup, install, build and deploy run, and
    // its start fails on that file).
    cloud = MicroCloud.build("cart", tmp, 2, 0, null, null, cartridges,
        MicroCloud.Isolation.PROCESS);
    waits = Waits.on(cloud);
    cloud.start();
  }

  @AfterEach
  void stop() {
    cloud.close();
    web.close();
    http.connectionPool().evictAll();
  }

  private String answer() {
    try (Response r = http.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + MicroCloud.routerPort(cloud) + "/")
        .header("Host", "shop.localhost").build()).execute()) {
      return r.code() == 200 ? r.body().string() : "HTTP " + r.code();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private List<InstanceStatus> running() {
    return cloud.controller().instances("shop").stream()
        .filter(i -> i.state() == InstanceState.RUNNING).toList();
  }

  @Test
  void anAddedCartridgeRunsAnAppOnlyWhereItIsUsed() throws Exception {
    CartridgeInfo info = cartridges.add(web.manifestUrl());
    assertEquals("acme", info.vendor());
    Path app = Files.createDirectories(tmp.resolve("shop"));
    Files.writeString(app.resolve("index.txt"), "hello from the repo\n");
    Path events = tmp.resolve("democart-events");
    Files.writeString(events, "");

    StringBuilder staging = new StringBuilder();
    cloud.controller().push(AppSpec.builder("shop").instances(1).memory("128M")
        .cartridge("democart").env("DEMO_EVENTS", events.toString()).build(), app,
        line -> staging.append(line).append('\n')).staged().get(60, TimeUnit.SECONDS);
    assertTrue(staging.toString().contains("Using cartridge democart"), staging.toString());

    waits.until(() -> answer().startsWith("greeting=hello-from-setup app=shop repo=hello from "
        + "the repo"), WAIT, () -> "the daemon to answer through the router: " + answer()
        + ", instances " + cloud.controller().instances("shop"));
    InstanceStatus first = running().get(0);
    String host = first.nodeId();
    String other = host.equals("n1") ? "n2" : "n1";
    assertTrue(Files.isRegularFile(tmp.resolve("nodes/" + host
        + "/cartridges/acme/democart/0.0.1/bin/control")));
    assertFalse(Files.exists(tmp.resolve("nodes/" + other + "/cartridges/acme")),
        "a node that hosts no app using the cartridge never gets it");

    Path home = tmp.resolve("nodes/" + host + "/instances/" + first.instanceId());
    assertEquals("admin_url=http://127.0.0.1:", Files.readString(
        home.resolve("app-root/runtime/cart-data")).substring(0, 27));
    assertEquals("hello-from-setup", Files.readString(home.resolve(".env/DEMO_GREETING")));
    String logs = String.join("\n", cloud.controller().logs("shop", 100).stream()
        .map(l -> l.text()).toList());
    assertTrue(logs.contains("install sees DEMO_GREETING=hello-from-setup"), logs);
    assertTrue(logs.contains("cartridge data: admin_url="), logs);

    // The daemon that control start left behind dies: control status says so, the gear ends
    // as crashed and a new instance takes its place.
    long daemon = pid(events, "start", 0);
    assertTrue(answer().contains("pid=" + daemon), answer());
    ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
    waits.until(() -> running().size() == 1 && !running().get(0).instanceId()
        .equals(first.instanceId()) && answer().startsWith("greeting="), WAIT,
        () -> "a replacement answering: " + cloud.controller().instances("shop"));
    long second = pid(events, "start", 1);
    assertNotEquals(daemon, second);

    // Control actions asked of the app reach its running gear: tidy, then restart in place.
    cartridges.control("shop", "tidy");
    waits.until(() -> read(events).contains("tidy " + second), WAIT,
        () -> "control tidy in the gear of " + second + ": " + read(events));
    cartridges.control("shop", "restart");
    waits.until(() -> read(events).contains("stop " + second)
            && read(events).lines().filter(l -> l.startsWith("start ")).count() == 3, WAIT,
        () -> "control restart: " + read(events));
    long third = pid(events, "start", 2);
    waits.until(() -> answer().contains("pid=" + third), WAIT,
        () -> "the restarted daemon answering: " + answer());
    assertEquals(1, running().size(), "restart keeps the gear: " + running());

    cloud.controller().stop("shop");
    waits.until(() -> read(events).contains("stop " + third), WAIT,
        () -> "control stop of " + third + ": " + read(events));
    waits.until(() -> ProcessHandle.of(third).map(p -> !p.isAlive()).orElse(true), WAIT,
        () -> "daemon " + third + " gone");
  }

  @Test
  void theCliAddsListsAndRemovesCartridgesOverTheApi() throws Exception {
    ApiServer api = ApiServer.builder().controller(cloud.controller()).token(Secret.of("t0ken"))
        .cartridges(cartridges).build();
    api.start();
    try {
      Map<String, String> env = Map.of("PAASKIT_API", "http://127.0.0.1:" + api.port(),
          "PAASKIT_TOKEN", "t0ken");
      String added = cli(env, 0, "cartridge", "add", web.manifestUrl());
      assertTrue(added.contains("added acme/democart 1.0 (cartridge 0.0.1), files verified"),
          added);
      String listed = cli(env, 0, "cartridges");
      assertTrue(listed.matches("(?s).*python +paaskit +1\\.0\\.0 .*built in.*"), listed);
      assertTrue(listed.matches("(?s).*democart +acme +1\\.0 +0\\.0\\.1 +http://.*"), listed);

      String refused = cli(env, 1, "cartridge", "add", web.manifestUrl() + ".missing");
      assertTrue(refused.contains("cartridge_refused") && refused.contains("not found (HTTP 404)"),
          refused);
      assertTrue(cli(env, 0, "cartridge", "remove", "democart")
          .contains("removed acme/democart (cartridge 0.0.1)"));
      assertFalse(cli(env, 0, "cartridges").contains("democart"));
      assertTrue(cli(env, 1, "cartridge", "remove", "python").contains("built-in"));
      String noApp = cli(env, 1, "cartridge", "control", "nosuch", "tidy");
      assertTrue(noApp.contains("not_found") || noApp.contains("nosuch"), noApp);
      String badAction = cli(env, 2, "cartridge", "control", "nosuch");
      assertTrue(badAction.contains("action: restart or tidy"), badAction);
    } finally {
      api.stop();
    }
  }

  /** Runs a CLI command in-process; returns what it printed, stdout then stderr. */
  private static String cli(Map<String, String> env, int status, String command, String... args)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env).run(command, args);
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertEquals(status, exit, printed);
    return printed;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long pid(Path events, String verb, int nth) throws IOException {
    List<String> lines = Files.readAllLines(events).stream()
        .filter(l -> l.startsWith(verb + " ")).toList();
    assertTrue(lines.size() > nth, lines.toString());
    return Long.parseLong(lines.get(nth).substring(verb.length() + 1).strip());
  }
}
