package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeState;
import dev.paaskit.core.health.RestartPolicy;
import dev.paaskit.core.internal.protocol.InstanceReport;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness itself: injection, virtual time, fault injection, and waits that explain. */
@PaasTest(nodes = 3, nodeMemory = "1G", zones = {"z1", "z2"})
@Timeout(60)
class PaasTestHarnessTest {
  static TestCloud shared;
  private static TestCloud sharedSeen;
  TestCloud perTest;

  private static AppSpec web(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("256M").disk("256M").build();
  }

  @Test
  void aStaticFieldIsSharedByTheClassAndAFieldAndParameterShareOneCloudPerTest(TestCloud param) {
    assertNotNull(shared);
    assertSame(perTest, param);
    assertNotSame(shared, perTest);
    synchronized (PaasTestHarnessTest.class) {
      if (sharedSeen == null) {
        sharedSeen = shared;
      }
      assertSame(sharedSeen, shared, "one shared cloud for the whole class");
    }
    assertEquals(java.util.List.of("n1", "n2", "n3"), perTest.nodeIds());
    assertEquals(Set.of("z1", "z2"), perTest.controller().nodes().stream().map(n -> n.zone())
        .collect(Collectors.toSet()));
  }

  @Test
  void aFrozenNodeMissingThreeHeartbeatsIsDeclaredDeadAndItsInstancesMove(TestCloud cloud) {
    cloud.push(web("web", 3));
    cloud.awaitRunning("web", 3);
    Duration before = cloud.clock().elapsed();
    // Frozen, still subscribed: a probe cannot tell it from a slow node, so only the TTL counts.
    cloud.freezeNode("n1");
    cloud.until(() -> cloud.controller().nodes().stream()
            .anyMatch(n -> n.nodeId().equals("n1") && n.state() == NodeState.DEAD),
        () -> "n1 DEAD, nodes " + cloud.controller().nodes());
    Duration toDeath = cloud.clock().elapsed().minus(before);
    assertTrue(toDeath.compareTo(Duration.ofSeconds(3)) >= 0 && toDeath.compareTo(Duration.ofSeconds(5)) <= 0,
        "dead after 3 missed heartbeats of 1 s, not before: " + toDeath);
    cloud.awaitRunning("web", 3);
    assertTrue(cloud.instances("web", InstanceState.RUNNING).stream().noneMatch(i -> i.nodeId().equals("n1")));
  }

  @Test
  void crashesAreRestartedAndTheirCauseKept(TestCloud cloud) {
    cloud.push(web("app", 2));
    cloud.awaitRunning("app", 2);
    cloud.crash("app", 0, 3);
    cloud.awaitRunning("app", 2);
    cloud.killForMemory("app", 1);
    cloud.awaitRunning("app", 2);
    var crashes = cloud.controller().events("app").stream()
        .filter(e -> e.type() == EventType.INSTANCE_CRASHED).toList();
    assertEquals(2, crashes.size(), crashes.toString());
    assertEquals("3", crashes.get(0).attributes().get("exitCode"));
    assertEquals("true", crashes.get(1).attributes().get("memoryLimitExceeded"));
  }

  @Test
  void aPartitionedNodeIsReplacedAndItsDuplicatesAreStoppedOnceHealed(TestCloud cloud) {
    cloud.push(web("split", 2));
    cloud.awaitRunning("split", 2);
    String node = cloud.instances("split", InstanceState.RUNNING).get(0).nodeId();
    long onNode = cloud.instances("split", InstanceState.RUNNING).stream()
        .filter(i -> i.nodeId().equals(node)).count();
    cloud.partition(node);
    cloud.until(() -> cloud.instances("split", InstanceState.RUNNING).stream()
            .filter(i -> !i.nodeId().equals(node)).count() == 2,
        () -> "2 instances away from " + node + ", found " + cloud.describe("split"));
    // Cut off, the node kept its instances: once healed, their indexes run twice.
    assertEquals(onNode, cloud.backend(node).running().size(), "still running on " + node);
    assertEquals(2 + onNode, runningContainers(cloud), "replacements and originals");
    cloud.heal(node);
    cloud.until(() -> exactlyOnePerIndex(cloud, 2),
        () -> "2 containers, one RUNNING instance per index, found " + runningContainers(cloud)
            + " containers and " + cloud.describe("split"));
    // And so it stays: nothing stopped twice, nothing started again.
    cloud.advance(Duration.ofMinutes(2));
    assertTrue(exactlyOnePerIndex(cloud, 2), () -> runningContainers(cloud) + " containers and "
        + cloud.describe("split") + " two minutes after the heal");
  }

  /** Containers running on every node: what the backends run, whatever the cloud believes. */
  private static long runningContainers(TestCloud cloud) {
    return cloud.nodeIds().stream().mapToLong(n -> cloud.backend(n).running().size()).sum();
  }

  /**
   * Whether exactly {@code want} containers run, the controller lists exactly {@code want}
   * active instances, all RUNNING, one per index, and every node is alive.
   */
  private static boolean exactlyOnePerIndex(TestCloud cloud, int want) {
    var active = cloud.controller().instances("split").stream()
        .filter(i -> i.state().isActive()).toList();
    return runningContainers(cloud) == want && active.size() == want
        && active.stream().allMatch(i -> i.state() == InstanceState.RUNNING)
        && active.stream().map(InstanceStatus::index).collect(Collectors.toSet())
            .equals(IntStream.range(0, want).boxed().collect(Collectors.toSet()))
        && cloud.controller().nodes().stream().allMatch(n -> n.state() == NodeState.ALIVE);
  }

  @Test
  void aFailingDropletDownloadIsACrashWithItsReasonAndASlowOneTakesItsTime(TestCloud cloud) {
    cloud.nodeIds().forEach(n -> cloud.failDropletDownloads(n, true));
    cloud.push(web("nodroplet", 1));
    cloud.until(() -> cloud.controller().events("nodroplet").stream()
            .anyMatch(e -> e.type() == EventType.INSTANCE_CRASHED
                && e.message().contains("could not fetch its droplet")),
        () -> "a crash naming the droplet, events " + cloud.controller().events("nodroplet"));
    cloud.nodeIds().forEach(n -> {
      cloud.failDropletDownloads(n, false);
      cloud.slowDropletDownloads(n, Duration.ofSeconds(20));
    });
    Duration before = cloud.clock().elapsed();
    cloud.push(web("slow", 1));
    cloud.awaitRunning("slow", 1);
    assertTrue(cloud.clock().elapsed().minus(before).compareTo(Duration.ofSeconds(20)) >= 0,
        "the slow download took its 20 s of virtual time");
  }

  @Test
  void anInstanceWhoseHealthCheckNeverPassesCrashesAfterItsStartTimeout(TestCloud cloud) {
    cloud.failHealthChecks("sick", true);
    cloud.push(AppSpec.builder("sick").memory("64M").disk("64M").healthCheck(
        dev.paaskit.api.HealthCheck.port().withStartTimeout(Duration.ofSeconds(30))).build());
    cloud.until(() -> cloud.controller().events("sick").stream()
            .anyMatch(e -> e.message().contains("health check did not pass within 30 s")),
        () -> "a health-check crash, events " + cloud.controller().events("sick"));
    cloud.failHealthChecks("sick", false);
    cloud.awaitRunning("sick", 1);
  }

  @Test
  void anInstanceThatStopsPassingItsHealthCheckWhileRunningIsReplaced(TestCloud cloud) {
    cloud.push(web("flaky", 1));
    cloud.awaitRunning("flaky", 1);
    String before = cloud.instances("flaky", InstanceState.RUNNING).get(0).instanceId();
    cloud.failHealthChecks("flaky", true);
    cloud.until(() -> cloud.controller().events("flaky").stream().anyMatch(e ->
            e.message().contains("health check failed 3 time(s) in a row while running")),
        () -> "a liveness crash, events " + cloud.controller().events("flaky"));
    cloud.failHealthChecks("flaky", false);
    cloud.awaitRunning("flaky", 1);
    assertTrue(cloud.instances("flaky", InstanceState.RUNNING).stream()
        .noneMatch(i -> i.instanceId().equals(before)), "a new instance serves");
  }

  @Test
  void stoppingTakesTheRouteFirstThenDrainsBeforeSigterm() {
    try (TestCloud cloud = TestCloud.builder().nodes(1).drainPeriod(Duration.ofSeconds(5)).build()) {
      cloud.push(web("drained", 1));
      cloud.awaitRunning("drained", 1);
      cloud.controller().stop("drained");
      cloud.until(() -> cloud.instances("drained", InstanceState.STOPPING).size() == 1,
          () -> "the instance STOPPING, found " + cloud.describe("drained"));
      Duration stopAsked = cloud.clock().elapsed();
      assertEquals(1, cloud.backend("n1").running().size(), "still running while it drains");
      cloud.until(() -> cloud.backend("n1").running().isEmpty(), () -> "the container stopped");
      Duration drained = cloud.clock().elapsed().minus(stopAsked);
      assertTrue(drained.compareTo(Duration.ofSeconds(5)) >= 0, "SIGTERM only after the drain: " + drained);
    }
  }

  @Test
  void droppedHeartbeatsOfEveryNodeMakeThemSuspectNotDeadAndRestoringBringsThemBack(TestCloud cloud) {
    // With every node silent the health manager cannot tell their silence from its own, and
    // there is nowhere to move instances to: no node is declared dead.
    cloud.dropMessages("paaskit.node.heartbeat");
    cloud.until(() -> cloud.controller().nodes().stream().allMatch(n -> n.state() == NodeState.SUSPECT),
        () -> "every node SUSPECT, nodes " + cloud.controller().nodes());
    cloud.advance(Duration.ofSeconds(30));
    assertTrue(cloud.controller().nodes().stream().allMatch(n -> n.state() == NodeState.SUSPECT),
        "none dead: " + cloud.controller().nodes());
    cloud.restoreMessages();
    cloud.until(() -> cloud.controller().nodes().stream().allMatch(n -> n.state() == NodeState.ALIVE),
        () -> "every node ALIVE again, nodes " + cloud.controller().nodes());
  }

  @Test
  void delayedMessagesArriveLateInVirtualTime(TestCloud cloud) {
    cloud.delayMessages("paaskit.node.n1.start", Duration.ofSeconds(2));
    Duration before = cloud.clock().elapsed();
    cloud.push(web("late", 1));
    cloud.awaitRunning("late", 1);
    assertEquals("n1", cloud.instances("late", InstanceState.RUNNING).get(0).nodeId());
    assertTrue(cloud.clock().elapsed().minus(before).compareTo(Duration.ofSeconds(2)) >= 0,
        "the start reached n1 2 s late: " + cloud.clock().elapsed().minus(before));
  }

  @Test
  void recordsCrossTheBusAsJsonUnlessTheCloudIsToldToPassThemAsThemselves() {
    for (boolean encode : new boolean[] {true, false}) {
      try (TestCloud cloud = TestCloud.builder().nodes(1).encodeMessages(encode).build()) {
        java.util.List<dev.paaskit.api.spi.Message> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        cloud.cloud().context().bus().subscribe(dev.paaskit.core.internal.protocol.Subjects.INSTANCE_STATE, reports::add);
        cloud.push(web("json-" + encode, 1));
        cloud.awaitRunning("json-" + encode, 1);
        cloud.until(() -> !reports.isEmpty(), () -> "an instance report on the bus");
        for (dev.paaskit.api.spi.Message m : reports) {
          assertEquals(!encode, m.payload(InstanceReport.class).isPresent(), "encode " + encode + ": " + m);
          assertEquals("json-" + encode, dev.paaskit.core.internal.protocol.Json.read(m.data(), InstanceReport.class).appName());
        }
      }
    }
  }

  @Test
  void aWaitThatFailsSaysWhatItFound() {
    try (TestCloud cloud = TestCloud.builder().nodes(2).maxVirtualWait(Duration.ofSeconds(5))
        .restartPolicy(new RestartPolicy(0, Duration.ofHours(1), Duration.ofHours(1), 200, Duration.ofMinutes(5)))
        .build()) {
      cloud.push(web("web", 3));
      cloud.awaitRunning("web", 3);
      InstanceStatus victim = cloud.instances("web", InstanceState.RUNNING).get(2);
      cloud.killForMemory("web", victim.index());
      AssertionError e = assertThrows(AssertionError.class, () -> cloud.awaitRunning("web", 3));
      assertTrue(e.getMessage().startsWith("expected 3 RUNNING instances of web, found 2 RUNNING and "
          + "1 CRASHED (exit 137, memory limit) on node " + victim.nodeId()), e.getMessage());
    }
  }

  @Test
  void aCrashLoopingAppReachesFailedAfterCloudFoundrysWholeBackOffInVirtualTime() {
    try (TestCloud cloud = TestCloud.builder().nodes(1).heartbeat(Duration.ofMinutes(1), 3)
        .sweep(Duration.ofMinutes(1)).maxVirtualWait(Duration.ofDays(4)).build()) {
      cloud.push(AppSpec.builder("loop").memory("64M").disk("64M").command("crash 3")
          .healthCheck(dev.paaskit.api.HealthCheck.process()).build());
      cloud.until(() -> !cloud.instances("loop", InstanceState.FAILED).isEmpty(),
          () -> "a FAILED instance of loop, found " + cloud.describe("loop"));
      long crashes = cloud.controller().events("loop").stream()
          .filter(e -> e.type() == EventType.INSTANCE_CRASHED).count();
      assertTrue(crashes >= 198, "events keep the last 500: " + crashes);
      assertTrue(cloud.clock().elapsed().compareTo(Duration.ofHours(40)) > 0,
          "200 crashes with back-off up to 16 minutes take days of virtual time: " + cloud.clock().elapsed());
      assertTrue(cloud.describe("loop").startsWith("1 FAILED (exit 3)"), cloud.describe("loop"));
    }
  }
}
