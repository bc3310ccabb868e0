package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NodeStatus;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Most nodes of a large cloud silent at once is taken for the control plane's trouble, not their
 * deaths: none is declared dead and nothing moves until the silence is partial again. A partial
 * silence still kills as usual.
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
