package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.NatsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
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
 * One cloud of three {@code paaskit serve} processes on a real nats-server: a controller process
 * (controller, stager, health manager, router, REST API) and two node processes. The CLI pushes
 * an app of four instances; then a node process dies by kill -9, nats-server restarts, and the
 * controller process dies by kill -9 and comes back, and each time every instance is RUNNING and
 * answers through the router, and only those.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class DistributedServeTest {
  private static final String APP = "who";
  private static final String HOST = APP + ".localhost";

  @TempDir static Path tmp;
  private NatsServer nats;
  private ServeProcess controller;
  private final Map<String, ServeProcess> nodes = new TreeMap<>();
  /** Instances of the node processes killed with kill -9, which outlive them. */
  private final List<ProcessHandle> orphans = new ArrayList<>();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(1, TimeUnit.SECONDS).readTimeout(2, TimeUnit.SECONDS).build();

  @BeforeAll
  void startTheCloud() throws Exception {
    nats = NatsServer.start();
    controller = ServeProcess.launch(controllerArgs());
    for (String id : List.of("a", "b")) {
      // Plain processes: the test follows a killed node's instances as its descendants.
      nodes.put(id, ServeProcess.launch(List.of("--nats", nats.url(), "--roles", "node",
          "--node-id", id, "--data", tmp.resolve("node-" + id).toString(),
          "--backend", "process")));
    }
    controller.awaitReady();
    for (ServeProcess node : nodes.values()) {
      node.awaitReady();
    }
  }

  private List<String> controllerArgs() {
    return List.of("--nats", nats.url(), "--roles", "controller,stager,health,router",
        "--api-port", "0", "--router-port", "0", "--data", tmp.resolve("controller").toString());
  }

  @AfterAll
  void stopTheCloud() throws Exception {
    try {
      for (ServeProcess node : nodes.values()) {
        node.close();
      }
      if (controller != null) {
        controller.close();
      }
    } finally {
      orphans.forEach(ProcessHandle::destroyForcibly);
      if (nats != null) {
        nats.close();
      }
      http.connectionPool().evictAll();
    }
  }

  @Test
  @Order(1)
  void theCliPushesThroughTheControllerProcessAndBothNodeProcessesRunTheApp() throws Exception {
    until(() -> cli("nodes").contains("a ") && cli("nodes").contains("b "), Duration.ofSeconds(30),
        () -> "both node processes joined: " + cli("nodes"));
    Path app = SampleApps.whoami(tmp.resolve("apps"));
    String push = cli("push", app.toString(), "--name", APP, "--instances", "4", "--memory", "64M",
        "--secret-env", "TOKEN=s3cret");
    assertTrue(push.contains("url: http://" + HOST), push);

    Map<String, Long> perNode = running().stream()
        .collect(Collectors.groupingBy(InstanceStatus::nodeId, TreeMap::new,
            Collectors.counting()));
    assertEquals(Map.of("a", 2L, "b", 2L), perNode, "spread over both node processes");
    awaitRoutedExactly(Duration.ofSeconds(20));
  }

  @Test
  @Order(2)
  void aNodeProcessKilledWithKillNineHasItsInstancesRunningAndRoutedOnTheOther() throws Exception {
    ServeProcess a = nodes.get("a");
    orphans.addAll(a.descendants());
    assertEquals(2, orphans.size(), "node a runs two instances: " + orphans);
    long killed = System.nanoTime();
    a.kill9();
    nodes.remove("a");

    until(() -> running().size() == 4 && running().stream().allMatch(i -> i.nodeId().equals("b"))
            && answering().containsAll(ids(running())),
        Duration.ofSeconds(30), () -> "four instances running on b and routed: " + running());
    long failover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    System.out.println("failover: node process killed to 4 instances RUNNING and routable on the"
        + " other in " + failover + " ms");
    assertTrue(orphans.stream().allMatch(ProcessHandle::isAlive),
        "the dead node's instances still answer on their ports, so only the router can shun them");
    awaitRoutedExactly(Duration.ofSeconds(20));
  }

  @Test
  @Order(3)
  void afterNatsServerRestartsTheCloudReconvergesWithNothingLost() throws Exception {
    Set<String> before = ids(running());
    nats.stop();
    assertEquals(before, answering(), "while NATS is away the router serves its last routes");
    nats.restart();

    until(() -> ids(running()).equals(before), Duration.ofSeconds(30),
        () -> "the same four instances running: " + before + ", have " + running());
    awaitRoutedExactly(Duration.ofSeconds(20));
    String apps = cli("apps");
    assertTrue(apps.lines().anyMatch(l -> l.startsWith(APP) && l.contains("4/4")), apps);
  }

  @Test
  @Order(4)
  void aControllerProcessKilledWithKillNineResumesFromJetStream() throws Exception {
    Set<String> before = ids(running());
    controller.kill9();
    controller = ServeProcess.launch(controllerArgs()).awaitReady();

    until(() -> ids(running()).equals(before), Duration.ofSeconds(30),
        () -> "the same four instances running: " + before + ", have " + running());
    awaitRoutedExactly(Duration.ofSeconds(20));
    String app = cli("app", APP);
    assertTrue(app.contains("instances:  4"), app);
    String env = cli("env", APP, "--show-secrets");
    assertTrue(env.contains("TOKEN=s3cret"), "secrets live in JetStream too: " + env);
    String apps = cli("apps");
    assertTrue(apps.lines().anyMatch(l -> l.startsWith(APP) && l.contains("4/4")), apps);
  }

  /** Waits until the router answers from every running instance, and from no other. */
  private void awaitRoutedExactly(Duration timeout) throws Exception {
    until(() -> running().size() == 4 && answering().equals(ids(running())), timeout,
        () -> "the router to answer from exactly " + ids(running()) + ", it answers from "
            + answering() + "\ninstances: " + cli("app", APP) + "\nevents: " + cli("events", APP)
            + "\nnode b printed:\n" + String.join("\n", nodes.get("b").output()));
  }

  private List<InstanceStatus> running() {
    try (RemoteController api = RemoteController.create(controller.apiUrl(),
        AdminToken.read(tmp.resolve("controller").resolve("admin-token")))) {
      return api.instances(APP).stream().filter(i -> i.state() == InstanceState.RUNNING).toList();
    } catch (RuntimeException | IOException e) {
      return List.of();
    }
  }

  private static Set<String> ids(List<InstanceStatus> instances) {
    return instances.stream().map(InstanceStatus::instanceId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Who answers 12 requests through the router: each of up to 6 backends twice. */
  private Set<String> answering() {
    return new RouterProbe(http, controller.routerPort()).answering(HOST, 12);
  }

  private String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("PAASKIT_API", controller.apiUrl(),
        "PAASKIT_HOME", tmp.resolve("controller").toString());
    int code;
    try {
      code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(out, true, StandardCharsets.UTF_8), env);
    } catch (Exception e) {
      return "failed: " + e;
    }
    String text = out.toString(StandardCharsets.UTF_8);
    return code == 0 ? text : "exit " + code + ": " + text;
  }

  /**
   * Returns once {@code condition} holds, checking it again after each event of the app or at
   * least every 100 ms, until {@code timeout}.
   */
  private void until(BooleanSupplier condition, Duration timeout, Supplier<String> expected)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    try (RemoteController api = RemoteController.create(controller.apiUrl(),
        AdminToken.read(tmp.resolve("controller").resolve("admin-token")))) {
      AutoCloseable follow = followQuietly(api, events);
      try {
        while (!condition.getAsBoolean()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting for "
                + expected.get() + "\ncontroller printed:\n"
                + String.join("\n", controller.output()));
          }
          events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
        }
      } finally {
        follow.close();
      }
    }
  }

  private static AutoCloseable followQuietly(RemoteController api, BlockingQueue<Event> events) {
    try {
      return api.followEvents(APP, events::add);
    } catch (RuntimeException e) {
      // No app yet, or the controller is restarting: the 100 ms bound on each wait remains.
      return () -> { };
    }
  }
}
