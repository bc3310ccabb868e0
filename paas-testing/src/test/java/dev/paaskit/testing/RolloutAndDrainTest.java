package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeState;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rolling deploys without downtime, a stalled rollout cancelled, and node drain. */
@PaasTest(nodes = 3, nodeMemory = "2G")
@Timeout(30)
class RolloutAndDrainTest {
  private static AppSpec.Builder spec(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("128M").disk("128M")
        .healthCheck(HealthCheck.process());
  }

  private static Set<String> runningIds(TestCloud cloud, String app) {
    return cloud.instances(app, InstanceState.RUNNING).stream().map(InstanceStatus::instanceId)
        .collect(Collectors.toSet());
  }

  @Test
  void aNewVersionReplacesTheOldWithoutEverDroppingBelowItsInstances(TestCloud cloud) {
    cloud.push(spec("web", 3).env("VERSION", "1").build());
    cloud.awaitRunning("web", 3);
    Set<String> v1 = runningIds(cloud, "web");
    AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
    cloud.push(spec("web", 3).env("VERSION", "2").build());
    cloud.until(() -> {
      Set<String> now = runningIds(cloud, "web");
      fewest.accumulateAndGet(now.size(), Math::min);
      return now.size() == 3 && now.stream().noneMatch(v1::contains);
    }, () -> "3 new instances, found " + cloud.describe("web"));
    assertTrue(fewest.get() >= 3, "never fewer than 3 serving during the rollout: " + fewest.get());
    cloud.instances("web", InstanceState.RUNNING).forEach(i -> assertEquals("2",
        cloud.backend(i.nodeId()).spec(i.instanceId()).env().get("VERSION")));
  }

  @Test
  void aRolloutThatNeverBecomesHealthyIsCancelledAndTheOldVersionKeepsServing(TestCloud cloud) {
    cloud.push(spec("api", 2).build());
    cloud.awaitRunning("api", 2);
    Set<String> v1 = runningIds(cloud, "api");
    String droplet = cloud.controller().get("api").dropletSha256().orElseThrow();
    cloud.push(spec("api", 2).command("crash 3").build());
    cloud.until(() -> cloud.controller().events("api").stream()
            .anyMatch(e -> e.type() == EventType.ROLLOUT_CANCELLED),
        () -> "the rollout cancelled, events " + cloud.controller().events("api"));
    String why = cloud.controller().events("api").stream()
        .filter(e -> e.type() == EventType.ROLLOUT_CANCELLED).findFirst().orElseThrow().message();
    assertTrue(why.contains("did not become healthy within 300 s (0 of 2 running)"), why);
    cloud.advance(Duration.ofMinutes(1));
    assertEquals(v1, runningIds(cloud, "api"), "the first instances kept serving, never restarted");
    assertTrue(cloud.controller().get("api").spec().command().isEmpty(), "the spec is back");
    assertEquals(droplet, cloud.controller().get("api").dropletSha256().orElseThrow());
    assertTrue(cloud.controller().instances("api").stream().filter(i -> i.state().isActive())
        .allMatch(i -> v1.contains(i.instanceId())), "no instance of the cancelled version left");
  }

  @Test
  void aDrainedNodeIsEmptiedWithoutEverDroppingBelowTheInstancesAsked(TestCloud cloud) {
    cloud.push(spec("steady", 3).build());
    cloud.awaitRunning("steady", 3);
    String node = cloud.instances("steady", InstanceState.RUNNING).get(0).nodeId();
    AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
    cloud.controller().drain(node);
    cloud.until(() -> {
      var running = cloud.instances("steady", InstanceState.RUNNING);
      fewest.accumulateAndGet(running.size(), Math::min);
      return running.size() == 3 && running.stream().noneMatch(i -> i.nodeId().equals(node))
          && cloud.backend(node).running().isEmpty();
    }, () -> node + " emptied, found " + cloud.describe("steady"));
    assertTrue(fewest.get() >= 3, "never fewer than 3 serving during the drain: " + fewest.get());
    assertEquals(NodeState.DRAINING, cloud.controller().nodes().stream()
        .filter(n -> n.nodeId().equals(node)).findFirst().orElseThrow().state());
    cloud.push(spec("newcomer", 3).build());
    cloud.awaitRunning("newcomer", 3);
    assertTrue(cloud.instances("newcomer", InstanceState.RUNNING).stream()
        .noneMatch(i -> i.nodeId().equals(node)), "a draining node takes nothing new");
    cloud.controller().resume(node);
    cloud.until(() -> cloud.controller().nodes().stream()
            .anyMatch(n -> n.nodeId().equals(node) && n.state() == NodeState.ALIVE),
        () -> node + " ALIVE again");
  }
}
