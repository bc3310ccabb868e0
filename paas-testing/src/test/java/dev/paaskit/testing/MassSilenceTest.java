package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The health manager's own lag is not taken for dead nodes. Heartbeats that arrive late all
 * together are judged by when they were sent; and most nodes of a large cloud silent at once is
 * taken for the control plane's trouble: none is declared dead and nothing moves until the
 * silence is partial again. Real deaths are still found in both cases.
 */
@Timeout(60)
class MassSilenceTest {
  private TestCloud cloud;

  @BeforeEach
  void start() {
    cloud = TestCloud.builder().nodes(12).nodeCapacity("2G", "20G").build();
    cloud.push(AppSpec.builder("web").instances(24).memory("64M").disk("64M")
        .healthCheck(HealthCheck.process()).build());
    cloud.awaitRunning("web", 24);
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  private Map<NodeState, Long> states() {
    return cloud.controller().nodes().stream()
        .collect(Collectors.groupingBy(NodeStatus::state, TreeMap::new, Collectors.counting()));
  }

  @Test
  void mostNodesSilentAtOnceAreNotDeclaredDead() {
    for (int i = 1; i <= 7; i++) {
      cloud.partition("n" + i);
    }
    cloud.advance(Duration.ofSeconds(30));
    assertEquals(Map.of(NodeState.ALIVE, 5L, NodeState.SUSPECT, 7L), states());
    assertEquals(24, cloud.instances("web", InstanceState.RUNNING).size(),
        "nothing moved: " + cloud.describe("web"));
    for (int i = 1; i <= 7; i++) {
      cloud.heal("n" + i);
    }
    cloud.until(() -> states().equals(Map.of(NodeState.ALIVE, 12L)), () -> "all alive: " + states());
    assertEquals(24, cloud.instances("web", InstanceState.RUNNING).size(), cloud.describe("web"));
  }

  @Test
  void lateHeartbeatsAreJudgedByWhenTheyWereSent() {
    // While no beat arrives at all, every node is silent: none is declared dead. Once late beats
    // arrive, their lag is measured and silences are judged by when the beats were sent.
    try (TestCloud small = TestCloud.builder().nodes(3).nodeCapacity("2G", "20G").build()) {
      small.push(AppSpec.builder("web").instances(6).memory("64M").disk("64M")
          .healthCheck(HealthCheck.process()).build());
      small.awaitRunning("web", 6);
      Set<String> before = ids(small);
      List<String> deaths = new java.util.concurrent.CopyOnWriteArrayList<>();
      small.cloud().addEventListener(e -> {
        if (e.type() == EventType.NODE_DEAD) {
          deaths.add(e.message());
        }
      }, Runnable::run);
      // Every beat now takes 5 s to arrive, longer than 3 missed beats: the health manager lags.
      small.delayMessages("paaskit.node.heartbeat", Duration.ofSeconds(5));
      small.advance(Duration.ofSeconds(30));
      assertEquals(List.of(), deaths);
      assertEquals(before, ids(small), "no instance replaced: " + small.describe("web"));
      // A node that really dies meanwhile is still found dead, once the backlog shows its silence.
      small.killNode("n1");
      small.until(() -> small.controller().nodes().stream()
              .anyMatch(n -> n.nodeId().equals("n1") && n.state() == NodeState.DEAD),
          () -> "n1 dead: " + small.controller().nodes());
      small.until(() -> small.instances("web", InstanceState.RUNNING).size() == 6,
          () -> "6 running: " + small.describe("web"));
    }
  }

  private static Set<String> ids(TestCloud cloud) {
    return cloud.instances("web", InstanceState.RUNNING).stream().map(InstanceStatus::instanceId)
        .collect(Collectors.toSet());
  }

  @Test
  void aPartialSilenceKillsAsUsual() {
    for (int i = 1; i <= 6; i++) {
      cloud.killNode("n" + i);
    }
    cloud.until(() -> states().getOrDefault(NodeState.DEAD, 0L) == 6L, () -> "6 dead: " + states());
    cloud.until(() -> cloud.instances("web", InstanceState.RUNNING).size() == 24
            && cloud.instances("web", InstanceState.RUNNING).stream()
                .noneMatch(i -> Integer.parseInt(i.nodeId().substring(1)) <= 6),
        () -> "24 running on n7-n12: " + cloud.describe("web"));
  }
}
