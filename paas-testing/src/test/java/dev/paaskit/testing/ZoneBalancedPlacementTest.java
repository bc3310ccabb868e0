package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeStatus;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The health manager tells placement how an app's instances spread over zones, so they balance
 * across zones before nodes: two nodes in z1 and one in z2 take four instances two per zone.
 */
@PaasTest(nodes = 3, nodeMemory = "1G", zones = {"z1", "z1", "z2"})
@Timeout(30)
class ZoneBalancedPlacementTest {
  TestCloud cloud;

  @Test
  void instancesBalanceAcrossZonesBeforeNodes() {
    cloud.push(AppSpec.builder("web").instances(4).memory("128M").disk("128M")
        .healthCheck(HealthCheck.process()).build());
    cloud.awaitRunning("web", 4);
    Map<String, String> zoneOf = cloud.controller().nodes().stream()
        .collect(Collectors.toMap(NodeStatus::nodeId, NodeStatus::zone));
    Map<String, Long> perZone = cloud.instances("web", InstanceState.RUNNING).stream()
        .collect(Collectors.groupingBy(i -> zoneOf.get(i.nodeId()), Collectors.counting()));
    assertEquals(Map.of("z1", 2L, "z2", 2L), perZone);
    Map<String, Long> perNode = cloud.instances("web", InstanceState.RUNNING).stream()
        .collect(Collectors.groupingBy(InstanceStatus::nodeId, Collectors.counting()));
    assertEquals(Map.of("n1", 1L, "n2", 1L, "n3", 2L), perNode);
  }
}
