package dev.paaskit.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PlacementRequest} and {@link NodeCandidate}: what they accept, copy and derive. */
@Timeout(10)
class PlacementRecordsTest {
  private static final long GB = 1L << 30;

  private static NodeCandidate node() {
    return new NodeCandidate("n1", NodeState.ALIVE, "z1", "cflinuxfs4", Set.of("ssd"), 6 * GB,
        50 * GB, 4096, 10, 8 * GB, 8192, 2);
  }

  @Test
  void theShortFactoryAsksForMemoryAndDiskOnly() {
    PlacementRequest r = PlacementRequest.of("web", 3, GB, 2 * GB);
    assertEquals(new PlacementRequest("web", 3, GB, 2 * GB, 0, "", Set.of(), Set.of(), 0, Map.of()),
        r);
  }

  @Test
  void withersChangeOneComponentEach() {
    PlacementRequest r = PlacementRequest.of("web", 3, GB, 2 * GB)
        .withCpuShares(256).withStack("cflinuxfs4").withZones(Set.of("z1")).withTags(Set.of("ssd"))
        .withMaxPerNode(1).withInstancesByZone(Map.of("z1", 2));
    assertEquals(new PlacementRequest("web", 3, GB, 2 * GB, 256, "cflinuxfs4", Set.of("z1"),
        Set.of("ssd"), 1, Map.of("z1", 2)), r);
  }

  @Test
  void requestsCopyTheirCollectionsAndDefaultNulls() {
    Set<String> zones = new HashSet<>(Set.of("z1"));
    Map<String, Integer> byZone = new HashMap<>(Map.of("z1", 1));
    PlacementRequest r = new PlacementRequest("web", 0, GB, GB, 0, null, zones, null, 0, byZone);
    zones.add("z2");
    byZone.put("z2", 5);
    assertEquals(Set.of("z1"), r.zones());
    assertEquals(Map.of("z1", 1), r.instancesByZone());
    assertEquals("", r.stack());
    assertEquals(Set.of(), r.tags());
    assertThrows(UnsupportedOperationException.class, () -> r.instancesByZone().put("z3", 1));
    assertEquals(Map.of(), new PlacementRequest("web", 0, GB, GB, 0, "", null, null, 0, null)
        .instancesByZone());
  }

  @Test
  void requestsCarryACopyOfTheAppsLabels() {
    Map<String, String> labels = new HashMap<>(Map.of("tenant", "acme"));
    PlacementRequest r = PlacementRequest.of("web", 0, GB, GB).withZones(Set.of("z1"))
        .withLabels(labels).withMaxPerNode(1);
    labels.put("team", "blue");
    assertEquals(Map.of("tenant", "acme"), r.labels(), "kept by the withers that follow");
    assertThrows(UnsupportedOperationException.class, () -> r.labels().put("a", "b"));
    assertEquals(Map.of(), PlacementRequest.of("web", 0, GB, GB).labels());
    assertEquals(Map.of(), new PlacementRequest("web", 0, GB, GB, 0, "", null, null, 0, null)
        .labels(), "the constructor without labels");
    assertEquals(Map.of(), new PlacementRequest("web", 0, GB, GB, 0, "", null, null, 0, null, null)
        .labels());
    Map<String, String> withNull = new HashMap<>();
    withNull.put("tenant", null);
    assertThrows(NullPointerException.class,
        () -> PlacementRequest.of("web", 0, GB, GB).withLabels(withNull));
  }

  @Test
  void requestsRefuseNegativeAmountsNamingThem() {
    assertThrows(NullPointerException.class, () -> PlacementRequest.of(null, 0, GB, GB));
    assertMessage("index must not be negative: -1",
        () -> PlacementRequest.of("web", -1, GB, GB));
    assertMessage("memoryBytes must not be negative: -5",
        () -> PlacementRequest.of("web", 0, -5, GB));
    assertMessage("diskBytes must not be negative: -5",
        () -> PlacementRequest.of("web", 0, GB, -5));
    assertMessage("cpuShares must not be negative: -2",
        () -> PlacementRequest.of("web", 0, GB, GB).withCpuShares(-2));
    assertMessage("maxPerNode must not be negative: -1",
        () -> PlacementRequest.of("web", 0, GB, GB).withMaxPerNode(-1));
    assertMessage("instancesByZone of zone 'z1' must not be negative: -3",
        () -> PlacementRequest.of("web", 0, GB, GB).withInstancesByZone(Map.of("z1", -3)));
  }

  @Test
  void candidatesRefuseNegativeTotalsAndCountsNamingTheNode() {
    assertMessage("memoryTotalBytes of node 'n1' must not be negative: -1",
        () -> new NodeCandidate("n1", NodeState.ALIVE, "", "", Set.of(), 0, 0, 0, 0, -1, 0, 0));
    assertMessage("cpuTotalShares of node 'n1' must not be negative: -1",
        () -> new NodeCandidate("n1", NodeState.ALIVE, "", "", Set.of(), 0, 0, 0, 0, 0, -1, 0));
    assertMessage("instancesOfApp of node 'n1' must not be negative: -1",
        () -> new NodeCandidate("n1", NodeState.ALIVE, "", "", Set.of(), 0, 0, 0, 0, 0, 0, -1));
    assertThrows(NullPointerException.class,
        () -> new NodeCandidate(null, NodeState.ALIVE, "", "", Set.of(), 0, 0, 0, 0, 0, 0, 0));
    assertThrows(NullPointerException.class,
        () -> new NodeCandidate("n1", null, "", "", Set.of(), 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void anOvercommittedCandidateHasNegativeFreeAmounts() {
    NodeCandidate n = new NodeCandidate("n1", NodeState.ALIVE, null, null, null, -GB, -GB, -1,
        -1, GB, 0, 0);
    assertEquals(-GB, n.memoryFreeBytes());
    assertEquals("", n.zone());
    assertEquals(Set.of(), n.tags());
    assertFalse(n.metersCpu());
  }

  @Test
  void afterPlacingTakesTheInstancesResourcesAndASlot() {
    PlacementRequest r = PlacementRequest.of("web", 0, GB, 2 * GB).withCpuShares(512);
    NodeCandidate after = node().afterPlacing(r);
    assertEquals(new NodeCandidate("n1", NodeState.ALIVE, "z1", "cflinuxfs4", Set.of("ssd"),
        5 * GB, 48 * GB, 3584, 9, 8 * GB, 8192, 3), after);
    assertTrue(after.metersCpu());
    assertEquals(0, node().withInstancesOfApp(0).instancesOfApp());
    assertEquals(node(), node().withInstancesOfApp(0).withInstancesOfApp(2));
  }

  private static void assertMessage(String message, Runnable construction) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
    assertEquals(message, e.getMessage());
  }
}
