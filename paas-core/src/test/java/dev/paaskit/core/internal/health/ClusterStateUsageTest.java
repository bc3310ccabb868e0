package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceUsage;
import dev.paaskit.api.NodeState;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.UsageReport;
import dev.paaskit.core.time.SystemClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Samples in heartbeats reach the instances they name, and change nothing else. */
@Timeout(20)
class ClusterStateUsageTest {
  private final SystemClock clock = SystemClock.create("usage-test");
  private final InProcessBus bus = InProcessBus.create(Runnable::run, clock);
  private final List<String> changes = new ArrayList<>();
  private final ClusterState cluster = new ClusterState(bus, clock, HealthOptions.DEFAULTS,
      new ClusterState.Listener() {
        @Override
        public void instanceChanged(InstanceReport before, InstanceReport after) {
          changes.add(after == null ? "gone" : after.instanceId() + ":" + after.state());
        }

        @Override
        public void nodeChanged(NodeView node, NodeState before) {}
      });

  @AfterEach
  void close() {
    bus.close();
    clock.close();
  }

  private static InstanceReport report(String id, String node, InstanceState state, long seq) {
    return new InstanceReport(id, node, "app", "web", 1, 0, "0".repeat(64), state,
        "127.0.0.1", 61000, 128L << 20, 64L << 20, 0, null, seq, 0);
  }

  private void advertise(String node) {
    cluster.onAdvertise(new NodeAdvertisement(node, 7, "", "", Set.of(), 1L << 30, 1L << 30, 10,
        "fake", "127.0.0.1", 1000, 0));
  }

  private void lightBeat(String node, long seq, UsageReport... usage) {
    cluster.onHeartbeat(new NodeHeartbeat(node, 7, seq, false, List.of(),
        clock.now().toEpochMilli(), List.of(usage)));
  }

  private InstanceReport known(String id) {
    return cluster.instancesOf("app").stream().filter(r -> r.instanceId().equals(id))
        .findFirst().orElseThrow();
  }

  @Test
  void aLightHeartbeatsSampleReachesTheInstanceWithItsLimits() {
    advertise("n1");
    cluster.onInstanceReport(report("a", "n1", InstanceState.RUNNING, 1));
    changes.clear();

    lightBeat("n1", 1, new UsageReport("a", 0.4, 29L << 20, 12L << 20, 5_000));

    assertEquals(Optional.of(new InstanceUsage(0.4, 29L << 20, 128L << 20, 12L << 20, 64L << 20,
        Instant.ofEpochMilli(5_000))), known("a").toStatus().usage());
    assertEquals(1, known("a").seq(), "a sample is no change of state");
    assertEquals(List.of(), changes, "nobody hears of a sample");
  }

  @Test
  void aSampleOfAnUnknownEndedOrMovedInstanceIsDropped() {
    advertise("n1");
    advertise("n2");
    cluster.onInstanceReport(report("ended", "n1", InstanceState.CRASHED, 1));
    cluster.onInstanceReport(report("moved", "n2", InstanceState.RUNNING, 1));

    lightBeat("n1", 1, new UsageReport("ended", 1, 1, 1, 1),
        new UsageReport("moved", 1, 1, 1, 1), new UsageReport("unknown", 1, 1, 1, 1));

    assertNull(known("ended").usage());
    assertNull(known("moved").usage(), "n1 no longer holds it");
    assertEquals(List.of("ended", "moved"),
        cluster.instancesOf("app").stream().map(InstanceReport::instanceId).toList());
  }

  @Test
  void anInstanceThatEndsLosesItsUsage() {
    advertise("n1");
    InstanceReport running = report("a", "n1", InstanceState.RUNNING, 1)
        .withUsage(new UsageReport("a", 3, 1, 1, 1));
    cluster.onInstanceReport(running);
    assertEquals(3.0, known("a").toStatus().usage().orElseThrow().cpuPercent());

    cluster.onInstanceReport(running.withState(InstanceState.STOPPED, 2, null, 2));

    assertNull(known("a").usage());
    assertEquals(Optional.empty(), known("a").toStatus().usage());
  }
}
