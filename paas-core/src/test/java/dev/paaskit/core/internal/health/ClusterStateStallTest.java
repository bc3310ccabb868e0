package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * After the health manager heard nobody for a while (its own stall), beats come back node by
 * node. Every node then gets a whole TTL to be heard again before its silence counts, so a
 * backlog does not kill live nodes in waves each smaller than the mass-silence share; a node that
 * stays silent is still declared dead once that TTL is over.
 */
class ClusterStateStallTest {
  /** A bus nobody listens on: the test hands ClusterState its messages directly. */
  private static final class NoBus implements MessageBus {
    @Override
    public void publish(String subject, byte[] data) {}

    @Override
    public void publish(String subject, String replyTo, byte[] data) {}

    @Override
    public Subscription subscribe(String subject, MessageHandler handler) {
      return new Subscription() {
        @Override
        public String subject() {
          return subject;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Subscription subscribe(String subject, String queueGroup, MessageHandler handler) {
      return subscribe(subject, handler);
    }

    @Override
    public CompletableFuture<Message> request(String subject, byte[] data, Duration timeout) {
      return new CompletableFuture<>();
    }

    @Override
    public void close() {}
  }

  private final HandClock clock = new HandClock();
  private final ClusterState cluster = new ClusterState(new NoBus(), clock,
      HealthOptions.DEFAULTS.withProbeAfterMissed(0), new ClusterState.Listener() {
        @Override
        public void instanceChanged(InstanceReport before, InstanceReport after) {}

        @Override
        public void nodeChanged(NodeView node, NodeState before) {}
      });
  private long seq;

  private void beat(int node) {
    cluster.onHeartbeat(new NodeHeartbeat("n" + node, 1, ++seq, true, List.of(),
        clock.now().toEpochMilli()));
  }

  /** Moves the clock in liveness ticks of a quarter second, checking at each. */
  private void tick(Duration amount) {
    for (long t = 0; t < amount.toMillis(); t += 250) {
      clock.nanos += 250_000_000L;
      cluster.checkLiveness();
    }
  }

  private Map<NodeState, Long> states() {
    return cluster.nodeViews().stream()
        .collect(Collectors.groupingBy(v -> v.state, TreeMap::new, Collectors.counting()));
  }

  @Test
  void beatsComingBackNodeByNodeAfterAStallKillNobody() {
    cluster.start();
    IntStream.rangeClosed(1, 12).forEach(n -> cluster.onAdvertise(new NodeAdvertisement("n" + n,
        1, "", "", Set.of(), 1L << 30, 1L << 30, 10, "fake", "127.0.0.1", 1000, 0)));
    IntStream.rangeClosed(1, 12).forEach(this::beat);
    tick(Duration.ofSeconds(1));
    // Nothing heard from anyone for 10 s: this side's stall, not 12 deaths.
    tick(Duration.ofSeconds(10));
    assertEquals(Map.of(NodeState.SUSPECT, 12L), states());
    // Half the nodes are heard again; the other half's beats are still on their way. Under the
    // mass-silence share, they would have died at once.
    IntStream.rangeClosed(1, 6).forEach(this::beat);
    tick(Duration.ofMillis(500));
    IntStream.rangeClosed(1, 6).forEach(this::beat);
    tick(Duration.ofMillis(500));
    assertEquals(0L, states().getOrDefault(NodeState.DEAD, 0L), "nobody dead: " + states());
    // Five more are heard within the grace; n12 stays silent.
    IntStream.rangeClosed(1, 11).forEach(this::beat);
    tick(Duration.ofSeconds(1));
    assertEquals(0L, states().getOrDefault(NodeState.DEAD, 0L), "still nobody dead: " + states());
    // Past the grace, n12's silence counts as usual.
    for (int s = 0; s < 3; s++) {
      IntStream.rangeClosed(1, 11).forEach(this::beat);
      tick(Duration.ofSeconds(1));
    }
    assertEquals(Map.of(NodeState.ALIVE, 11L, NodeState.DEAD, 1L), states());
  }
}
