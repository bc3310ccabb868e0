package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.api.StagingException;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The controller, scheduler and health manager together, on fake nodes. */
@Timeout(30)
class CloudLogicTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Short enough that a dead node is noticed in a second; long enough for a loaded CI machine. */
  private static final Duration HEARTBEAT = Duration.ofMillis(250);

  @TempDir Path tmp;
  private final FakeBackend n1 = FakeBackend.create();
  private final FakeBackend n2 = FakeBackend.create();
  private final InMemoryStateStore store = new InMemoryStateStore();
  private PaasCloud cloud;
  private Waits waits;

  @BeforeEach
  void startCloud() {
    PortAllocator ports = PortAllocator.create();
    cloud = PaasKit.builder()
        .name("logic")
        .stateStore(store)
        .cartridges(StubCartridge.source())
        .workDir(tmp.resolve("cloud"))
        .healthOptions(HealthOptions.DEFAULTS.withHeartbeat(HEARTBEAT, 4))
        .noRouter()
        .addRole(node("n1", n1, ports, "1G"))
        .addRole(node("n2", n2, ports, "1G"))
        .build()
        .start();
    waits = Waits.on(cloud);
    waits.until(() -> cloud.controller().nodes().size() == 2, WAIT,
        () -> "2 nodes, have " + cloud.controller().nodes());
  }

  private NodeAgent.Builder node(String id, FakeBackend backend, PortAllocator ports, String memory) {
    return NodeAgent.builder().id(id).capacity(NodeCapacity.of(memory, "10G")).backend(backend)
        .ports(ports).workDir(tmp.resolve(id)).heartbeatInterval(HEARTBEAT)
        .stopGrace(Duration.ofSeconds(1));
  }

  @AfterEach
  void stopCloud() {
    cloud.close();
    store.close();
  }

  private AppSpec.Builder spec(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("128M").disk("256M")
        .healthCheck(dev.paaskit.api.HealthCheck.process());
  }

  private void push(AppSpec spec) throws Exception {
    cloud.controller().push(spec, StubCartridge.appFolder(tmp, spec.name()), line -> { }).join();
  }

  private List<InstanceStatus> running(String app) {
    return cloud.controller().instances(app).stream()
        .filter(i -> i.state() == InstanceState.RUNNING).collect(Collectors.toList());
  }

  private void awaitRunning(String app, int count) {
    waits.until(() -> running(app).size() == count
            && cloud.controller().instances(app).stream().allMatch(
                i -> i.state() == InstanceState.RUNNING || !i.state().isActive()), WAIT,
        () -> count + " RUNNING instances of " + app + ", have " + cloud.controller().instances(app));
  }

  @Test
  void pushRunsEveryInstanceSpreadAcrossNodes() throws Exception {
    push(spec("web", 4).build());
    awaitRunning("web", 4);
    Map<String, Long> perNode = running("web").stream()
        .collect(Collectors.groupingBy(InstanceStatus::nodeId, Collectors.counting()));
    assertEquals(Map.of("n1", 2L, "n2", 2L), perNode);
    assertEquals(List.of(0, 1, 2, 3),
        running("web").stream().map(InstanceStatus::index).sorted().collect(Collectors.toList()));
  }

  @Test
  void instancesGetTheirEnvironmentAndLimits() throws Exception {
    push(spec("env", 1).env("GREETING", "hi").secretEnv("TOKEN", Secret.of("s3cret")).build());
    awaitRunning("env", 1);
    FakeBackend backend = n1.running().isEmpty() ? n2 : n1;
    var spec = backend.spec(backend.running().get(0));
    assertEquals("hi", spec.env().get("GREETING"));
    assertEquals("s3cret", spec.env().get("TOKEN"));
    assertEquals("0", spec.env().get("CF_INSTANCE_INDEX"));
    assertEquals("1", spec.env().get("STUB"), "the cartridge's env reaches the instance");
    assertTrue(spec.env().get("VCAP_APPLICATION").contains("\"application_name\":\"env\""));
    assertEquals("serve env", spec.command());
    assertEquals(128L << 20, spec.limits().memoryBytes());
    assertFalse(spec.toString().contains("s3cret"), spec.toString());
  }

  @Test
  void recentLogsOfEveryInstanceAndAFollowingStream() throws Exception {
    push(spec("talk", 2).build());
    awaitRunning("talk", 2);
    var logs = cloud.controller().logs("talk", 10);
    assertEquals(java.util.Set.of(0, 1), logs.stream().map(dev.paaskit.api.LogEntry::index)
        .collect(Collectors.toSet()), logs.toString());
    assertTrue(logs.stream().allMatch(l -> l.text().startsWith("fake container ") && l.source().equals("OUT")));
    java.util.concurrent.BlockingQueue<dev.paaskit.api.LogEntry> followed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try (AutoCloseable follow = cloud.controller().followLogs("talk", followed::add)) {
      cloud.controller().scale("talk", 3);
      dev.paaskit.api.LogEntry line = followed.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(2, line.index(), "the new instance's first line arrives as it is written");
    }
  }

  @Test
  void scaleUpAndDown() throws Exception {
    push(spec("scaled", 1).build());
    awaitRunning("scaled", 1);
    cloud.controller().scale("scaled", 5);
    awaitRunning("scaled", 5);
    cloud.controller().scale("scaled", 2);
    awaitRunning("scaled", 2);
    assertEquals(List.of(0, 1), running("scaled").stream().map(InstanceStatus::index).sorted()
        .collect(Collectors.toList()));
    waits.until(() -> n1.running().size() + n2.running().size() == 2, WAIT,
        () -> "extra containers to stop");
  }

  @Test
  void crashedInstanceIsRestartedAndTheCrashRecorded() throws Exception {
    push(spec("crashy", 2).build());
    awaitRunning("crashy", 2);
    FakeBackend backend = n1.running().isEmpty() ? n2 : n1;
    String victim = backend.running().get(0);
    backend.crash(victim, 3);
    waits.until(() -> running("crashy").size() == 2
            && running("crashy").stream().noneMatch(i -> i.instanceId().equals(victim)), WAIT,
        () -> "a replacement for " + victim + ", have " + cloud.controller().instances("crashy"));
    waits.until(() -> cloud.controller().events("crashy").stream()
            .anyMatch(e -> e.type() == EventType.INSTANCE_CRASHED), WAIT,
        () -> "the crash event, events " + cloud.controller().events("crashy"));
    var crash = cloud.controller().events("crashy").stream()
        .filter(e -> e.type() == EventType.INSTANCE_CRASHED).findFirst().orElseThrow();
    assertEquals("3", crash.attributes().get("exitCode"));
  }

  @Test
  void crashLoopGivesUpIntoFailedAfterThePolicysCrashes() throws Exception {
    cloud.close();
    store.close();
    // A fresh cloud whose policy gives up after 3 crashes, restarting at once every time.
    InMemoryStateStore s = new InMemoryStateStore();
    FakeBackend only = FakeBackend.create();
    try (PaasCloud c = PaasKit.builder().stateStore(s).cartridges(StubCartridge.source())
        .workDir(tmp.resolve("c2")).noRouter()
        .healthOptions(HealthOptions.DEFAULTS.withRestartPolicy(new dev.paaskit.core.health.RestartPolicy(
            5, Duration.ZERO, Duration.ZERO, 3, Duration.ofMinutes(5))))
        .addRole(node("n1", only, PortAllocator.create(), "1G"))
        .build().start()) {
      Waits w = Waits.on(c);
      c.controller().push(spec("loop", 1).build(), StubCartridge.appFolder(tmp, "loop"), l -> { }).join();
      for (int crash = 1; crash <= 3; crash++) {
        int n = crash;
        w.until(() -> !only.running().isEmpty()
                && c.controller().instances("loop").stream().anyMatch(i -> i.state() == InstanceState.RUNNING),
            WAIT, () -> "instance running before crash " + n);
        only.crash(only.running().get(0), 1);
      }
      w.until(() -> c.controller().events("loop").stream().anyMatch(e -> e.type() == EventType.INSTANCE_FAILED),
          WAIT, () -> "INSTANCE_FAILED, events " + c.controller().events("loop"));
      assertTrue(only.running().isEmpty(), "no restart after giving up");
      w.until(() -> c.controller().instances("loop").stream()
              .anyMatch(i -> i.state() == InstanceState.FAILED && i.crash().isPresent()), WAIT,
          () -> "a FAILED instance with its last crash, have " + c.controller().instances("loop"));
    } finally {
      s.close();
    }
  }

  @Test
  void stopStopsEveryInstanceAndStartBringsThemBack() throws Exception {
    push(spec("toggle", 2).build());
    awaitRunning("toggle", 2);
    assertEquals(AppState.STOPPED, cloud.controller().stop("toggle").state());
    waits.until(() -> n1.running().isEmpty() && n2.running().isEmpty(), WAIT, () -> "no containers");
    cloud.controller().start("toggle");
    awaitRunning("toggle", 2);
  }

  @Test
  void restartReplacesEveryInstance() throws Exception {
    push(spec("again", 2).build());
    awaitRunning("again", 2);
    List<String> before = running("again").stream().map(InstanceStatus::instanceId).collect(Collectors.toList());
    cloud.controller().restart("again");
    waits.until(() -> running("again").size() == 2
            && running("again").stream().noneMatch(i -> before.contains(i.instanceId())), WAIT,
        () -> "2 new instances, have " + cloud.controller().instances("again"));
  }

  @Test
  void deleteRemovesTheAppAndItsInstances() throws Exception {
    push(spec("gone", 2).build());
    awaitRunning("gone", 2);
    cloud.controller().delete("gone");
    assertThrows(NotFoundException.class, () -> cloud.controller().get("gone"));
    waits.until(() -> n1.running().isEmpty() && n2.running().isEmpty(), WAIT, () -> "no containers");
  }

  @Test
  void placementFailureIsExplainedInEvents() throws Exception {
    push(spec("huge", 1).memory("2G").build());
    waits.until(() -> cloud.controller().events("huge").stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED), WAIT,
        () -> "a placement failure, events " + cloud.controller().events("huge"));
    String message = cloud.controller().events("huge").stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
    assertTrue(message.contains("no node fits: 2 short of memory"), message);
  }

  @Test
  void deadNodesInstancesMoveToTheOtherNode() throws Exception {
    push(spec("moving", 2).build());
    awaitRunning("moving", 2);
    cloud.role("node-n1").orElseThrow().stop();
    waits.until(() -> cloud.controller().nodes().stream()
            .anyMatch(n -> n.nodeId().equals("n1") && n.state() == NodeState.DEAD), WAIT,
        () -> "n1 DEAD, nodes " + cloud.controller().nodes());
    waits.until(() -> running("moving").size() == 2
            && running("moving").stream().allMatch(i -> i.nodeId().equals("n2")), WAIT,
        () -> "both instances on n2, have " + cloud.controller().instances("moving"));
  }

  @Test
  void invalidNamesAndSizesAreRefusedNamingTheField() {
    InvalidSpecException bad = assertThrows(InvalidSpecException.class,
        () -> cloud.controller().create(AppSpec.builder("Not_A_Label").build()));
    assertEquals("name", bad.field());
    InvalidSpecException size = assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("ok").disk("0M"));
    assertEquals("disk", size.field());
    assertTrue(store.list("").isEmpty(), "nothing stored: " + store.list(""));
  }

  @Test
  void unrecognisedFolderFailsListingItsFilesAndStoresNothing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mystery"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.writeString(dir.resolve("data.csv"), "1,2");
    CompletionException e = assertThrows(CompletionException.class,
        () -> cloud.controller().push(spec("mystery", 1).build(), dir, l -> { }).join());
    StagingException staging = assertInstanceOf(StagingException.class, e.getCause());
    assertTrue(staging.getMessage().contains("data.csv, notes.txt"), staging.getMessage());
    assertTrue(staging.getMessage().contains("stub: a file named web"), staging.getMessage());
    assertTrue(cloud.controller().find("mystery").isEmpty());
    assertTrue(store.list("").isEmpty(), "nothing stored: " + store.list(""));
  }

  @Test
  void routesAreUniqueAcrossAppsAndFreedOnDelete() {
    cloud.controller().create(spec("first", 1).route("shared.example.com").build());
    ConflictException taken = assertThrows(ConflictException.class, () ->
        cloud.controller().create(spec("second", 1).route("shared.example.com").build()));
    assertTrue(taken.getMessage().contains("route shared.example.com is taken by app 'first'"),
        taken.getMessage());
    assertTrue(cloud.controller().find("second").isEmpty(), "nothing stored for the refused app");
    cloud.controller().create(spec("plain", 1).build());
    ConflictException defaultRoute = assertThrows(ConflictException.class, () ->
        cloud.controller().create(spec("third", 1).route("plain.localhost").build()));
    assertTrue(defaultRoute.getMessage().contains("route plain.localhost is taken by app 'plain'"),
        defaultRoute.getMessage());
    cloud.controller().delete("first");
    cloud.controller().create(spec("second", 1).route("shared.example.com").build());
  }

  @Test
  void aNameClaimWhoseRecordWasNeverWrittenDoesNotBlockTheName() {
    // As a crash between the claim and the record would leave it.
    store.put("names.ghost", "0b8e3e2c-0000-0000-0000-000000000000".getBytes());
    assertTrue(cloud.controller().find("ghost").isEmpty());
    assertEquals("ghost", cloud.controller().create(spec("ghost", 1).build()).name());
  }

  @Test
  void stagingHooksRunAroundTheCartridgeAndAFailingOneAbortsThePush() throws Exception {
    StringBuilder log = new StringBuilder();
    AppSpec hooked = spec("hooked", 1).hooks(new dev.paaskit.api.Hooks(
        List.of("echo prepared > pre.txt"), List.of("test -f pre.txt", "echo post ran"), List.of()))
        .build();
    cloud.controller().push(hooked, StubCartridge.appFolder(tmp, "hooked"),
        l -> log.append(l).append('\n')).join();
    assertTrue(log.toString().contains("Running pre-staging hook: echo prepared > pre.txt"), log.toString());
    assertTrue(log.toString().contains("post ran"), log.toString());

    AppSpec failing = spec("failing", 1).hooks(new dev.paaskit.api.Hooks(
        List.of("echo about to fail; exit 4"), List.of(), List.of())).build();
    CompletionException e = assertThrows(CompletionException.class, () -> cloud.controller()
        .push(failing, StubCartridge.appFolder(tmp, "failing"), l -> { }).join());
    StagingException staging = assertInstanceOf(StagingException.class, e.getCause());
    assertEquals("pre-staging hook 'echo about to fail; exit 4' failed with exit code 4",
        staging.getMessage());
    assertEquals(List.of("about to fail"), staging.output());
    assertTrue(cloud.controller().find("failing").isEmpty(), "the push stored nothing");
  }

  @Test
  void noRouteAppsHaveNoUrls() throws Exception {
    push(spec("worker", 1).noRoute(true).build());
    assertEquals(List.of(), cloud.controller().get("worker").urls());
  }

  @Test
  void namesAreUnique() {
    cloud.controller().create(spec("twice", 1).build());
    assertThrows(ConflictException.class, () -> cloud.controller().create(spec("twice", 1).build()));
  }

  @Test
  void repushOfUnchangedBitsIsAStagingCacheHit() throws Exception {
    Path dir = StubCartridge.appFolder(tmp, "cached");
    cloud.controller().push(spec("cached", 1).build(), dir, l -> { }).join();
    StringBuilder log = new StringBuilder();
    cloud.controller().push(spec("cached", 1).build(), dir, l -> log.append(l).append('\n')).join();
    assertTrue(log.toString().contains("reusing droplet"), log.toString());
  }
}
