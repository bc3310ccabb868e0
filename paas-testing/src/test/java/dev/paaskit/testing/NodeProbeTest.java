package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node that has missed two heartbeats is probed on its own subject. One whose process is gone
 * (nobody listens there any more) is dead at once; one that is silent but still subscribed
 * (frozen, cut off) waits out the full three missed beats, and so does every node when probing is
 * off or the health manager's own bus has just come back.
 */
@Timeout(60)
class NodeProbeTest {
  private static Duration timeToDeath(TestCloud cloud, String node, Runnable kill) {
    cloud.push(AppSpec.builder("web").instances(3).memory("64M").disk("64M")
        .healthCheck(HealthCheck.process()).build());
    cloud.awaitRunning("web", 3);
    Duration before = cloud.clock().elapsed();
    kill.run();
    cloud.until(() -> dead(cloud, node), () -> node + " DEAD: " + cloud.controller().nodes());
    Duration took = cloud.clock().elapsed().minus(before);
    cloud.awaitRunning("web", 3);
    assertTrue(cloud.instances("web", InstanceState.RUNNING).stream()
        .noneMatch(i -> i.nodeId().equals(node)), cloud.describe("web"));
    return took;
  }

  private static boolean dead(TestCloud cloud, String node) {
    return cloud.controller().nodes().stream()
        .anyMatch(n -> n.nodeId().equals(node) && n.state() == NodeState.DEAD);
  }

  @Test
  void aNodeGoneFromTheBusIsDeadAfterTwoMissedBeats() {
    try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
      Duration took = timeToDeath(cloud, "n1", () -> cloud.killNode("n1"));
      assertTrue(took.compareTo(Duration.ofSeconds(2)) > 0
              && took.compareTo(Duration.ofMillis(2500)) <= 0,
          "dead once two beats are missed and the probe finds nobody, not before: " + took);
    }
  }

  @Test
  void aSilentNodeStillOnTheBusWaitsOutItsThreeBeats() {
    try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
      Duration took = timeToDeath(cloud, "n1", () -> cloud.partition("n1"));
      assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0
              && took.compareTo(Duration.ofMillis(3500)) <= 0,
          "a probe that times out proves nothing: " + took);
    }
  }

  @Test
  void withProbingOffAGoneNodeWaitsOutItsThreeBeats() {
    try (TestCloud cloud = TestCloud.builder().nodes(3).probeAfterMissed(0).build()) {
      Duration took = timeToDeath(cloud, "n1", () -> cloud.killNode("n1"));
      assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0
              && took.compareTo(Duration.ofMillis(3500)) <= 0, "no probe: " + took);
    }
  }

  @Test
  void rightAfterTheBusReconnectsAbsenceProvesNothing() {
    try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
      Duration took = timeToDeath(cloud, "n1", () -> {
        cloud.killNode("n1");
        // Nodes reconnect in their own time after an outage: one not back yet is not dead yet.
        cloud.cloud().busReconnected();
      });
      assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0
              && took.compareTo(Duration.ofMillis(3500)) <= 0,
          "declared dead by its missed beats only: " + took);
    }
  }
}
