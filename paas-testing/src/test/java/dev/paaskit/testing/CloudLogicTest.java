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
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The controller, scheduler and health manager together, on fake nodes in virtual time. */
@PaasTest(nodes = 2, nodeMemory = "1G")
@Timeout(30)
class CloudLogicTest {
  TestCloud cloud;
  @TempDir Path tmp;

  private static AppSpec.Builder spec(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("128M").disk("256M")
        .healthCheck(HealthCheck.process());
  }

  private StateStore store() {
    return cloud.cloud().context().stateStore();
  }

  private List<InstanceStatus> running(String app) {
    return cloud.instances(app, InstanceState.RUNNING);
  }

  private ContainerSpec containerOf(InstanceStatus i) {
    return cloud.backend(i.nodeId()).spec(i.instanceId());
  }

  @Test
  void pushRunsEveryInstanceSpreadAcrossNodes() {
    cloud.push(spec("web", 4).build());
    cloud.awaitRunning("web", 4);
    Map<String, Long> perNode = running("web").stream()
        .collect(Collectors.groupingBy(InstanceStatus::nodeId, Collectors.counting()));
    assertEquals(Map.of("n1", 2L, "n2", 2L), perNode);
    assertEquals(List.of(0, 1, 2, 3),
        running("web").stream().map(InstanceStatus::index).sorted().collect(Collectors.toList()));
  }

  @Test
  void instancesGetTheirEnvironmentAndLimits() {
    cloud.push(spec("env", 1).env("GREETING", "hi").secretEnv("TOKEN", Secret.of("s3cret")).build());
    cloud.awaitRunning("env", 1);
    ContainerSpec spec = containerOf(running("env").get(0));
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
    cloud.push(spec("talk", 2).build());
    cloud.awaitRunning("talk", 2);
    List<LogEntry> logs = cloud.controller().logs("talk", 10);
    assertEquals(Set.of(0, 1), logs.stream().map(LogEntry::index).collect(Collectors.toSet()), logs.toString());
    assertTrue(logs.stream().allMatch(l -> l.text().startsWith("fake container ") && l.source().equals("OUT")));
    LinkedBlockingQueue<LogEntry> followed = new LinkedBlockingQueue<>();
    try (AutoCloseable follow = cloud.controller().followLogs("talk", followed::add)) {
      cloud.controller().scale("talk", 3);
      cloud.until(() -> !followed.isEmpty(), () -> "a line from the new instance");
      assertEquals(2, followed.peek().index(), "the new instance's first line arrives as it is written");
    }
  }

  @Test
  void scaleUpAndDown() {
    cloud.push(spec("scaled", 1).build());
    cloud.awaitRunning("scaled", 1);
    cloud.controller().scale("scaled", 5);
    cloud.awaitRunning("scaled", 5);
    cloud.controller().scale("scaled", 2);
    cloud.awaitRunning("scaled", 2);
    assertEquals(List.of(0, 1), running("scaled").stream().map(InstanceStatus::index).sorted()
        .collect(Collectors.toList()));
    cloud.until(() -> cloud.backend("n1").running().size() + cloud.backend("n2").running().size() == 2,
        () -> "the extra containers stopped");
  }

  @Test
  void crashedInstanceIsRestartedAndTheCrashRecorded() {
    cloud.push(spec("crashy", 2).build());
    cloud.awaitRunning("crashy", 2);
    String victim = running("crashy").get(0).instanceId();
    cloud.crash("crashy", running("crashy").get(0).index(), 3);
    cloud.until(() -> running("crashy").size() == 2
            && running("crashy").stream().noneMatch(i -> i.instanceId().equals(victim)),
        () -> "a replacement for " + victim + ", found " + cloud.describe("crashy"));
    var crash = cloud.controller().events("crashy").stream()
        .filter(e -> e.type() == EventType.INSTANCE_CRASHED).findFirst().orElseThrow();
    assertEquals("3", crash.attributes().get("exitCode"));
  }

  @Test
  void stopStopsEveryInstanceAndStartBringsThemBack() {
    cloud.push(spec("toggle", 2).build());
    cloud.awaitRunning("toggle", 2);
    assertEquals(AppState.STOPPED, cloud.controller().stop("toggle").state());
    cloud.until(() -> cloud.backend("n1").running().isEmpty() && cloud.backend("n2").running().isEmpty(),
        () -> "no containers");
    cloud.controller().start("toggle");
    cloud.awaitRunning("toggle", 2);
  }

  @Test
  void restartReplacesEveryInstance() {
    cloud.push(spec("again", 2).build());
    cloud.awaitRunning("again", 2);
    List<String> before = running("again").stream().map(InstanceStatus::instanceId).toList();
    cloud.controller().restart("again");
    cloud.until(() -> running("again").size() == 2
            && running("again").stream().noneMatch(i -> before.contains(i.instanceId())),
        () -> "2 new instances, found " + cloud.describe("again"));
  }

  @Test
  void deleteRemovesTheAppAndItsInstances() {
    cloud.push(spec("gone", 2).build());
    cloud.awaitRunning("gone", 2);
    cloud.controller().delete("gone");
    assertThrows(NotFoundException.class, () -> cloud.controller().get("gone"));
    cloud.until(() -> cloud.backend("n1").running().isEmpty() && cloud.backend("n2").running().isEmpty(),
        () -> "no containers");
  }

  @Test
  void placementFailureIsExplainedInEvents() {
    cloud.push(spec("huge", 1).memory("2G").build());
    cloud.until(() -> cloud.controller().events("huge").stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED),
        () -> "a placement failure, events " + cloud.controller().events("huge"));
    String message = cloud.controller().events("huge").stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
    assertTrue(message.contains("no node fits: 2 short of memory"), message);
  }

  @Test
  void deadNodesInstancesMoveToTheOtherNode() {
    cloud.push(spec("moving", 2).build());
    cloud.awaitRunning("moving", 2);
    cloud.killNode("n1");
    cloud.until(() -> running("moving").size() == 2
            && running("moving").stream().allMatch(i -> i.nodeId().equals("n2")),
        () -> "both instances on n2, found " + cloud.describe("moving"));
  }

  @Test
  void invalidNamesAndSizesAreRefusedNamingTheField() {
    InvalidSpecException bad = assertThrows(InvalidSpecException.class,
        () -> cloud.controller().create(AppSpec.builder("Not_A_Label").build()));
    assertEquals("name", bad.field());
    InvalidSpecException size = assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("ok").disk("0M"));
    assertEquals("disk", size.field());
    assertTrue(store().list("apps.").isEmpty() && store().list("names.").isEmpty(),
        "nothing stored: " + store().list(""));
  }

  @Test
  void unrecognisedFolderFailsListingItsFilesAndStoresNothing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mystery"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.writeString(dir.resolve("data.csv"), "1,2");
    StagingException staging = assertThrows(StagingException.class, () -> cloud.await(
        cloud.controller().push(spec("mystery", 1).build(), dir, l -> { }).staged(), "the push"));
    assertTrue(staging.getMessage().contains("data.csv, notes.txt"), staging.getMessage());
    assertTrue(staging.getMessage().contains("stub: a file named web"), staging.getMessage());
    assertTrue(cloud.controller().find("mystery").isEmpty());
    assertTrue(store().list("").isEmpty(), "nothing stored: " + store().list(""));
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
  void aRouteAnUpdateDropsIsFreedForOtherApps() {
    cloud.controller().create(spec("mover", 1).route("old.example.com").build());
    cloud.controller().update(spec("mover", 1).route("new.example.com").build());
    assertEquals(List.of("new.example.com"), cloud.controller().get("mover").urls());
    cloud.controller().create(spec("taker", 1).route("old.example.com").build());
    ConflictException e = assertThrows(ConflictException.class, () ->
        cloud.controller().create(spec("late", 1).route("new.example.com").build()));
    assertTrue(e.getMessage().contains("taken by app 'mover'"), e.getMessage());
  }

  @Test
  void aNameClaimWhoseRecordWasNeverWrittenDoesNotBlockTheName() {
    // As a crash between the claim and the record would leave it.
    store().put("names.ghost", "0b8e3e2c-0000-0000-0000-000000000000".getBytes());
    assertTrue(cloud.controller().find("ghost").isEmpty());
    assertEquals("ghost", cloud.controller().create(spec("ghost", 1).build()).name());
  }

  @Test
  void stagingHooksRunAroundTheCartridgeAndAFailingOneAbortsThePush() throws Exception {
    StringBuilder log = new StringBuilder();
    AppSpec hooked = spec("hooked", 1).hooks(new Hooks(List.of("echo prepared > pre.txt"),
        List.of("test -f pre.txt", "echo post ran"), List.of())).build();
    cloud.await(cloud.controller().push(hooked, StubCartridge.appFolder(tmp, "hooked"),
        l -> log.append(l).append('\n')).staged(), "the push");
    assertTrue(log.toString().contains("Running pre-staging hook: echo prepared > pre.txt"), log.toString());
    assertTrue(log.toString().contains("post ran"), log.toString());

    AppSpec failing = spec("failing", 1).hooks(new Hooks(List.of("echo about to fail; exit 4"),
        List.of(), List.of())).build();
    StagingException staging = assertThrows(StagingException.class, () -> cloud.await(cloud.controller()
        .push(failing, StubCartridge.appFolder(tmp, "failing"), l -> { }).staged(), "the push"));
    assertEquals("pre-staging hook 'echo about to fail; exit 4' failed with exit code 4",
        staging.getMessage());
    assertEquals(List.of("about to fail"), staging.output());
    assertTrue(cloud.controller().find("failing").isEmpty(), "the push stored nothing");
  }

  @Test
  void noRouteAppsHaveNoUrls() {
    cloud.push(spec("worker", 1).noRoute(true).build());
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
    cloud.await(cloud.controller().push(spec("cached", 1).build(), dir, l -> { }).staged(),
        "the push");
    StringBuilder log = new StringBuilder();
    cloud.await(cloud.controller().push(spec("cached", 1).build(), dir,
        l -> log.append(l).append('\n')).staged(), "the second push");
    assertTrue(log.toString().contains("reusing droplet"), log.toString());
    // Detected before for these very bits: the cache is asked before they are unpacked again.
    assertTrue(log.toString().contains("(these bits, before)"), log.toString());
  }

  @Test
  void theSameBitsPushedAsAnotherAppReuseTheDropletWithoutUnpacking() throws Exception {
    Path dir = StubCartridge.appFolder(tmp, "shared");
    cloud.await(cloud.controller().push(spec("first", 1).build(), dir, l -> { }).staged(),
        "the push");
    StringBuilder log = new StringBuilder();
    cloud.await(cloud.controller().push(spec("second", 1).build(), dir,
        l -> log.append(l).append('\n')).staged(), "the second app's push");
    assertTrue(log.toString().contains("(these bits, before)"), log.toString());
    assertEquals(cloud.controller().get("first").dropletSha256().orElseThrow(),
        cloud.controller().get("second").dropletSha256().orElseThrow());
    // Other environment, other build: not a hit.
    StringBuilder third = new StringBuilder();
    cloud.await(cloud.controller().push(spec("third", 1).env("MODE", "other").build(), dir,
        l -> third.append(l).append('\n')).staged(), "the third app's push");
    assertTrue(!third.toString().contains("reusing droplet"), third.toString());
  }
}
