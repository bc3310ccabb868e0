package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.PlacementConstraints;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An app's placement constraints reach the scheduler: zones, tags, stack, CPU and the most
 * instances per node each decide where instances run, and a refusal names its filter.
 */
@Timeout(60)
class PlacementConstraintsTest {
  private TestCloud cloud;

  @BeforeEach
  void start() {
    cloud = TestCloud.builder().nodes(4).nodeCapacity("2G", "20G").zones("z1", "z2")
        .nodeStack("cflinuxfs4").nodeCpuShares(2048).nodeTags("n3", "ssd").nodeTags("n4", "ssd")
        .build();
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  private static AppSpec.Builder app(String name, int instances, PlacementConstraints p) {
    return AppSpec.builder(name).instances(instances).memory("64M").disk("64M")
        .healthCheck(HealthCheck.process()).placement(p);
  }

  private Map<String, Long> perNode(String app) {
    return cloud.instances(app, InstanceState.RUNNING).stream()
        .collect(Collectors.groupingBy(InstanceStatus::nodeId, TreeMap::new, Collectors.counting()));
  }

  private String placementFailure(String app) {
    cloud.until(() -> cloud.controller().events(app).stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED),
        () -> "a placement failure, events " + cloud.controller().events(app));
    return cloud.controller().events(app).stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
  }

  @Test
  void zonesAndTagsChooseTheNodes() {
    // n1, n3 are in z1; n2, n4 in z2; n3 and n4 carry "ssd".
    cloud.push(app("zoned", 4, PlacementConstraints.none().withZones(Set.of("z2"))).build());
    cloud.awaitRunning("zoned", 4);
    assertEquals(Set.of("n2", "n4"), perNode("zoned").keySet());

    cloud.push(app("tagged", 4, PlacementConstraints.none().withTags(Set.of("ssd"))).build());
    cloud.awaitRunning("tagged", 4);
    assertEquals(Map.of("n3", 2L, "n4", 2L), perNode("tagged"));

    cloud.push(app("both", 2, PlacementConstraints.none().withZones(Set.of("z1"))
        .withTags(Set.of("ssd"))).build());
    cloud.awaitRunning("both", 2);
    assertEquals(Map.of("n3", 2L), perNode("both"));
  }

  @Test
  void maxPerNodeSpreadsAndRefusesTheRest() {
    cloud.push(app("spread", 6, PlacementConstraints.none().withMaxPerNode(1)).build());
    cloud.awaitRunning("spread", 4);
    assertEquals(Map.of("n1", 1L, "n2", 1L, "n3", 1L, "n4", 1L), perNode("spread"));
    String why = placementFailure("spread");
    assertTrue(why.contains("no node fits: 4 "), why);
    cloud.advance(Duration.ofSeconds(5));
    assertEquals(4, cloud.instances("spread", InstanceState.RUNNING).size());
  }

  @Test
  void cpuIsReservedPerNodeAndExplained() {
    // 2048 shares a node, 1024 an instance: two instances a node, eight in all.
    cloud.push(app("cpu", 10, PlacementConstraints.none().withCpuShares(1024)).build());
    cloud.awaitRunning("cpu", 8);
    perNode("cpu").values().forEach(count -> assertEquals(2L, count));
    String why = placementFailure("cpu");
    assertTrue(why.contains("4 short of CPU"), why);
  }

  @Test
  void aStackNoNodeOffersIsRefusedNamingIt() {
    cloud.push(app("old", 1, PlacementConstraints.none().withStack("lucid64")).build());
    String why = placementFailure("old");
    assertTrue(why.contains("4 "), why);
    assertTrue(why.toLowerCase().contains("stack"), why);
    cloud.push(app("new", 1, PlacementConstraints.none().withStack("cflinuxfs4")).build());
    cloud.awaitRunning("new", 1);
  }

  @Test
  void changingPlacementRollsInstancesOntoAllowedNodes() {
    cloud.push(app("mover", 2, PlacementConstraints.none().withZones(Set.of("z1"))).build());
    cloud.awaitRunning("mover", 2);
    assertTrue(Set.of("n1", "n3").containsAll(perNode("mover").keySet()), perNode("mover").toString());
    cloud.push(app("mover", 2, PlacementConstraints.none().withZones(Set.of("z2"))).build());
    cloud.until(() -> cloud.instances("mover", InstanceState.RUNNING).size() == 2
            && Set.of("n2", "n4").containsAll(perNode("mover").keySet()),
        () -> "both instances in z2, found " + cloud.describe("mover"));
  }

  @Test
  void badConstraintsAreRefusedNamingTheField() {
    InvalidSpecException bad = assertThrows(InvalidSpecException.class,
        () -> PlacementConstraints.none().withZones(Set.of("no spaces")));
    assertEquals("zones", bad.field());
    assertEquals("cpu", assertThrows(InvalidSpecException.class,
        () -> PlacementConstraints.none().withCpuShares(-1)).field());
    assertEquals("max-per-node", assertThrows(InvalidSpecException.class,
        () -> PlacementConstraints.none().withMaxPerNode(-2)).field());
  }
}
