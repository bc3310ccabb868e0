package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.Subjects;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node declared dead and heard again (a healed partition) is asked for a full heartbeat at
 * once: its instances were dropped when it died, and it may have changed nothing since, so its
 * light beats would not show them until its next full one, many beats later.
 */
class ClusterStateReviveTest {
  private final HandClock clock = new HandClock();
  private final InProcessBus bus = InProcessBus.create(Runnable::run, clock);
  private final ClusterState cluster = new ClusterState(bus, clock,
      HealthOptions.DEFAULTS.withProbeAfterMissed(0), new ClusterState.Listener() {
        @Override
        public void instanceChanged(InstanceReport before, InstanceReport after) {}

        @Override
        public void nodeChanged(NodeView node, NodeState before) {}
      });

  @AfterEach
  void close() {
    bus.close();
  }

  private static InstanceReport report(String id) {
    return new InstanceReport(id, "n1", "app-id", "web", 1, 0, "0".repeat(64),
        InstanceState.RUNNING, "127.0.0.1", 61000, 1 << 20, 1 << 20, 0, null, 1, 0);
  }

  private void beat(String node, boolean full, List<InstanceReport> instances) {
    cluster.onHeartbeat(new NodeHeartbeat(node, 1, 1, full, instances,
        clock.now().toEpochMilli()));
  }

  private NodeState stateOf(String node) {
    return cluster.nodeViews().stream().filter(v -> v.id().equals(node)).findFirst()
        .orElseThrow().state;
  }

  @Test
  void aNodeHeardAgainAfterItsDeathIsAskedForAllItsInstances() {
    AtomicInteger syncs = new AtomicInteger();
    bus.subscribe(Subjects.nodeSync("n1"), m -> syncs.incrementAndGet());
    cluster.start();
    for (String node : List.of("n1", "n2")) {
      cluster.onAdvertise(new NodeAdvertisement(node, 1, "", "", Set.of(), 1L << 30, 1L << 30,
          10, "fake", "127.0.0.1", 1000, 0));
    }
    beat("n1", true, List.of(report("a")));
    assertEquals(List.of("a"), ids());
    // n1 is cut off; n2 beats on. Four seconds are more than three missed beats of one.
    for (int quarter = 0; quarter < 16; quarter++) {
      clock.nanos += 250_000_000L;
      beat("n2", true, List.of());
      cluster.checkLiveness();
    }
    assertEquals(NodeState.DEAD, stateOf("n1"));
    assertEquals(List.of(), ids(), "a dead node's instances are dropped");
    int before = syncs.get();
    // Healed, with nothing changed: the same seq as before it was cut off.
    beat("n1", false, List.of());
    assertEquals(NodeState.ALIVE, stateOf("n1"));
    assertEquals(before + 1, syncs.get(), "a full heartbeat asked for");
    beat("n1", true, List.of(report("a")));
    assertEquals(List.of("a"), ids());
  }

  private List<String> ids() {
    return cluster.instancesOf("app-id").stream().map(InstanceReport::instanceId).toList();
  }
}
