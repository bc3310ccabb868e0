package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.time.SystemClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A health manager that first hears of a node through single instance reports (it started after
 * the node did) asks for a full heartbeat, so it learns the instances the node had before.
 */
@Timeout(20)
class ClusterStateSyncTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final SystemClock clock = SystemClock.create("sync-test");
  private final InProcessBus bus = InProcessBus.create(executor, clock);

  @AfterEach
  void close() {
    bus.close();
    clock.close();
    executor.shutdownNow();
  }

  private static InstanceReport report(String id, long seq) {
    return new InstanceReport(id, "n1", "app-id", "web", 1, 0, "0".repeat(64),
        InstanceState.RUNNING, "127.0.0.1", 61000, 1 << 20, 1 << 20, 0, null, seq, 0);
  }

  @Test
  void singleReportsDoNotStandForAFullHeartbeat() throws Exception {
    ClusterState cluster = new ClusterState(bus, clock, HealthOptions.DEFAULTS,
        new ClusterState.Listener() {
          @Override
          public void instanceChanged(InstanceReport before, InstanceReport after) {}

          @Override
          public void nodeChanged(NodeView node, NodeState before) {}
        });
    CountDownLatch asked = new CountDownLatch(1);
    bus.subscribe(Subjects.nodeSync("n1"), m -> asked.countDown());
    cluster.onAdvertise(new NodeAdvertisement("n1", 7, "", "", Set.of(), 1L << 30, 1L << 30, 10,
        "fake", "127.0.0.1", 1000, 0));
    // The node has run instances a and b (seq 1, 2) since before; c (seq 3) is new.
    cluster.onInstanceReport(report("c", 3));
    cluster.onHeartbeat(new NodeHeartbeat("n1", 7, 3, false, List.of(), clock.now().toEpochMilli()));
    assertTrue(asked.await(5, TimeUnit.SECONDS), "a full heartbeat asked for");

    cluster.onHeartbeat(new NodeHeartbeat("n1", 7, 3, true,
        List.of(report("a", 1), report("b", 2), report("c", 3)), clock.now().toEpochMilli()));
    assertEquals(Set.of("a", "b", "c"), Set.copyOf(cluster.instancesOf("app-id").stream()
        .map(InstanceReport::instanceId).toList()));
    assertFalse(cluster.nodes().isEmpty());
  }
}
