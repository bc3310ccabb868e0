package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.time.SystemClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An app's instances as the cluster lists them: reported and placed, each once, where it is now. */
@Timeout(20)
class ClusterStateIndexTest {
  private final SystemClock clock = SystemClock.create("index-test");
  private final InProcessBus bus = InProcessBus.create(Runnable::run, clock);
  private final ClusterState cluster = new ClusterState(bus, clock, HealthOptions.DEFAULTS,
      new ClusterState.Listener() {
        @Override
        public void instanceChanged(InstanceReport before, InstanceReport after) {}

        @Override
        public void nodeChanged(NodeView node, NodeState before) {}
      });

  @AfterEach
  void close() {
    bus.close();
    clock.close();
  }

  private static InstanceReport report(String id, String node, String app, int index,
      InstanceState state, long seq) {
    return new InstanceReport(id, node, app, "web", 1, index, "0".repeat(64), state,
        "127.0.0.1", 61000, 1 << 20, 1 << 20, 0, null, seq, 0);
  }

  private void advertise(String node) {
    cluster.onAdvertise(new NodeAdvertisement(node, 7, "", "", Set.of(), 1L << 30, 1L << 30, 10,
        "fake", "127.0.0.1", 1000, 0));
  }

  private List<String> idsOf(String app) {
    return cluster.instancesOf(app).stream()
        .map(r -> r.instanceId() + "@" + r.nodeId() + ":" + r.state()).toList();
  }

  @Test
  void aPlacedInstanceIsListedOnceAndItsReportReplacesIt() {
    advertise("n1");
    cluster.addPending(report("b", "n1", "app", 1, InstanceState.STARTING, 0), Duration.ofMinutes(1));
    cluster.addPending(report("a", "n1", "app", 0, InstanceState.STARTING, 0), Duration.ofMinutes(1));
    assertEquals(List.of("a@n1:STARTING", "b@n1:STARTING"), idsOf("app"));

    cluster.onInstanceReport(report("a", "n1", "app", 0, InstanceState.RUNNING, 1));
    assertEquals(List.of("a@n1:RUNNING", "b@n1:STARTING"), idsOf("app"));
    cluster.removePending("b");
    assertEquals(List.of("a@n1:RUNNING"), idsOf("app"));
  }

  @Test
  void anInstanceIdReportedUnderAnotherAppOrNodeIsListedOnlyThere() {
    advertise("n1");
    advertise("n2");
    cluster.onInstanceReport(report("x", "n1", "old", 0, InstanceState.RUNNING, 1));
    cluster.onInstanceReport(report("x", "n2", "new", 3, InstanceState.RUNNING, 2));
    assertEquals(List.of(), idsOf("old"));
    assertEquals(List.of("x@n2:RUNNING"), idsOf("new"));
    assertEquals(Set.of("new"), cluster.appIds());
    // n1 no longer holds x: its full heartbeat without x leaves x alone.
    cluster.onHeartbeat(new NodeHeartbeat("n1", 7, 5, true, List.of(), clock.now().toEpochMilli()));
    assertEquals(List.of("x@n2:RUNNING"), idsOf("new"));
  }
}
