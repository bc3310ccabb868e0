package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.node.NodeAgent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What instances use reaches the controller on the nodes' heartbeats, with CPU as a percentage
 * of two readings on the virtual clock; a kill for a limit is reported by that limit.
 */
@PaasTest(nodes = 2)
@Timeout(30)
class InstanceUsageTest {
  private static final long MIB = 1L << 20;

  private static AppSpec spec(String name) {
    return AppSpec.builder(name).instances(1).memory("128M").disk("64M").build();
  }

  private static InstanceStatus only(TestCloud cloud, String app) {
    List<InstanceStatus> all = cloud.controller().instances(app);
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  private static Optional<InstanceUsage> usage(TestCloud cloud, String app) {
    return only(cloud, app).usage();
  }

  @Test
  void usageFlowsToTheControllerAndCpuIsCpuTimeOverWallTimeBetweenTwoSamples(TestCloud cloud) {
    cloud.push(spec("busy"));
    cloud.awaitRunning("busy", 1);
    InstanceStatus i = only(cloud, "busy");
    assertEquals(Optional.empty(), i.usage(), "nothing read yet");
    FakeBackend backend = cloud.backend(i.nodeId());
    backend.reportStats(i.instanceId(), new ContainerStats(3_000_000_000L, 29 * MIB, 12 * MIB));

    cloud.until(() -> usage(cloud, "busy").isPresent(), () -> "a sample of busy");
    InstanceUsage first = usage(cloud, "busy").orElseThrow();
    assertEquals(29 * MIB, first.memoryBytes());
    assertEquals(128 * MIB, first.memoryLimitBytes());
    assertEquals(12 * MIB, first.diskBytes());
    assertEquals(64 * MIB, first.diskQuotaBytes());

    backend.reportStats(i.instanceId(), new ContainerStats(4_000_000_000L, 31 * MIB, 12 * MIB));
    cloud.until(() -> usage(cloud, "busy").orElseThrow().sampledAt().isAfter(first.sampledAt()),
        () -> "a second sample, after " + first);

    InstanceUsage second = usage(cloud, "busy").orElseThrow();
    Duration wall = Duration.between(first.sampledAt(), second.sampledAt());
    assertEquals(Duration.ofSeconds(5), wall, "sampled every 5 s of the clock");
    assertEquals(20.0, second.cpuPercent(), 1e-9, "1 s of CPU in 5 s");
    assertEquals(31 * MIB, second.memoryBytes());
    NodeAgent node = (NodeAgent) cloud.cloud().role("node-" + i.nodeId()).orElseThrow();
    assertEquals(second, node.instances().get(0).usage().orElseThrow(),
        "the node shows what it reported");
  }

  @Test
  void anInstanceThatEndsShowsNoUsage(TestCloud cloud) {
    cloud.push(spec("brief"));
    cloud.awaitRunning("brief", 1);
    InstanceStatus i = only(cloud, "brief");
    cloud.backend(i.nodeId()).reportStats(i.instanceId(), new ContainerStats(0, MIB, MIB));
    cloud.until(() -> usage(cloud, "brief").isPresent(), () -> "a sample of brief");

    cloud.controller().stop("brief");
    cloud.until(() -> only(cloud, "brief").state() == InstanceState.STOPPED,
        () -> "brief stopped: " + cloud.describe("brief"));

    assertEquals(Optional.empty(), usage(cloud, "brief"));
  }

  @Test
  void aMemoryKillIsReportedAsOutOfMemoryWithTheLimit(TestCloud cloud) {
    cloud.slowDropletDownloads("n2", Duration.ofSeconds(30));
    Deployment push = cloud.deploy(AppSpec.builder("hungry").instances(2).memory("128M")
        .disk("64M").placement(PlacementConstraints.none().withMaxPerNode(1)).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(Duration.ofMinutes(10));
    cloud.until(() -> cloud.instances("hungry", InstanceState.RUNNING).size() == 1,
        () -> "one instance running: " + cloud.describe("hungry"));
    InstanceStatus victim = cloud.instances("hungry", InstanceState.RUNNING).get(0);

    cloud.killForMemory("hungry", victim.index());

    DeploymentFailedException failed = assertThrows(DeploymentFailedException.class,
        () -> cloud.await(running, "the rollout"));
    CrashInfo crash = failed.crash().orElseThrow();
    assertEquals("out of memory: limit 128M", crash.reason());
    assertTrue(crash.memoryLimitExceeded());
    assertFalse(crash.diskLimitExceeded());
    assertTrue(failed.getMessage().startsWith("instance " + victim.index() + " of hungry crashed on "
        + victim.nodeId() + ": out of memory: limit 128M"), failed.getMessage());
    Event event = crashEvent(cloud, "hungry");
    assertEquals("instance " + victim.index() + " out of memory: limit 128M", event.message());
    assertEquals("true", event.attributes().get("memoryLimitExceeded"));
    assertEquals("false", event.attributes().get("diskLimitExceeded"));
  }

  @Test
  void aDiskKillIsReportedAsDiskQuotaExceededWithTheQuota(TestCloud cloud) {
    cloud.push(AppSpec.builder("writer").instances(1).memory("128M").disk("1G").build());
    cloud.awaitRunning("writer", 1);
    String killed = only(cloud, "writer").instanceId();

    cloud.killForDisk("writer", 0);

    cloud.until(() -> cloud.controller().instances("writer").stream()
        .anyMatch(i -> i.instanceId().equals(killed) && i.state() == InstanceState.CRASHED),
        () -> "the killed instance CRASHED: " + cloud.describe("writer"));
    CrashInfo crash = cloud.controller().instances("writer").stream()
        .filter(i -> i.instanceId().equals(killed)).findFirst().orElseThrow().crash()
        .orElseThrow();
    assertEquals("disk quota exceeded: limit 1G", crash.reason());
    assertTrue(crash.diskLimitExceeded());
    assertFalse(crash.memoryLimitExceeded());
    assertEquals(137, crash.exitCode());
    Event event = crashEvent(cloud, "writer");
    assertEquals("instance 0 disk quota exceeded: limit 1G", event.message());
    assertEquals("true", event.attributes().get("diskLimitExceeded"));
  }

  private static Event crashEvent(TestCloud cloud, String app) {
    return cloud.controller().events(app).stream()
        .filter(e -> e.type() == EventType.INSTANCE_CRASHED).findFirst()
        .orElseThrow(() -> new AssertionError("no crash event: " + cloud.controller().events(app)));
  }
}
