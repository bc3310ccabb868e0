package dev.paaskit.core.scheduler;

import static dev.paaskit.core.scheduler.Nodes.GB;
import static dev.paaskit.core.scheduler.Nodes.node;
import static dev.paaskit.core.scheduler.Nodes.withCpu;
import static dev.paaskit.core.scheduler.Nodes.withMemory;
import static dev.paaskit.core.scheduler.Nodes.withPlace;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each standard scorer, alone and in the order the strategy applies them. */
@Timeout(10)
class PlacementScorersTest {
  private static final PlacementRequest ONE_GIG = PlacementRequest.of("web", 0, GB, GB);
  private final DefaultPlacementStrategy packing =
      DefaultPlacementStrategy.builder().binPack().build();
  private final DefaultPlacementStrategy spreading = DefaultPlacementStrategy.create();

  private static String chosen(DefaultPlacementStrategy s, PlacementRequest r, NodeCandidate... n) {
    return s.place(r, List.of(n)).nodeId().orElseThrow();
  }

  private static NodeCandidate zoned(String id, String zone) {
    return withPlace(node(id), zone, "cflinuxfs4", Set.of());
  }

  @Test
  void fitRunsFromEmptyToFull() {
    assertEquals(0, StandardScorer.fit(ONE_GIG, withCpu(withMemory(node("a"), 9 * GB, 8 * GB), 0, 0)),
        1e-9, "more free than the node's total counts as empty");
    assertEquals(1, StandardScorer.fit(ONE_GIG, withCpu(withMemory(node("a"), GB, 8 * GB), 0, 0)),
        1e-9, "the instance fills it");
    assertEquals(1, StandardScorer.fit(ONE_GIG.withCpuShares(1024),
        withCpu(withMemory(node("a"), GB, 8 * GB), 1024, 8192)), 1e-9);
    double half = StandardScorer.fit(ONE_GIG, withCpu(withMemory(node("a"), 5 * GB, 8 * GB), 0, 0));
    assertEquals((10 - Math.pow(10, 0.5)) / 9, half, 1e-9);
  }

  @Test
  void binPackingChoosesTheNodeLeftFullestAndSpreadingTheEmptiest() {
    NodeCandidate tight = withMemory(node("a"), 2 * GB, 8 * GB);
    NodeCandidate loose = withMemory(node("b"), 6 * GB, 8 * GB);
    NodeCandidate bigButFull = withMemory(node("c"), 5 * GB / 2, 16 * GB);
    assertEquals("c", chosen(packing, ONE_GIG, tight, loose, bigButFull),
        "1.5 of 16 GiB left is fuller than 1 of 8, though more bytes");
    assertEquals("b", chosen(spreading, ONE_GIG, tight, loose, bigButFull));
  }

  @Test
  void cpuCountsWhereItIsMetered() {
    NodeCandidate busyCpu = withCpu(withMemory(node("a"), 4 * GB, 8 * GB), 1024, 8192);
    NodeCandidate idleCpu = withCpu(withMemory(node("b"), 4 * GB, 8 * GB), 8192, 8192);
    PlacementRequest r = ONE_GIG.withCpuShares(512);
    assertEquals("a", chosen(packing, r, busyCpu, idleCpu));
    assertEquals("b", chosen(spreading, r, busyCpu, idleCpu));
    NodeCandidate unmetered = withCpu(withMemory(node("c"), 4 * GB, 8 * GB), 0, 0);
    assertEquals((10 - Math.pow(10, 3.0 / 8)) / 9, StandardScorer.fit(r, unmetered), 1e-9,
        "without CPU, memory alone decides");
    assertEquals((20 - Math.pow(10, 3.0 / 8) - Math.pow(10, 7680.0 / 8192)) / 18,
        StandardScorer.fit(r, idleCpu), 1e-9);
  }

  @Test
  void binPackingPrefersANodeUsedEvenlyAsNomadDoes() {
    NodeCandidate lopsided = withCpu(withMemory(node("a"), 2 * GB, 8 * GB), 7680, 8192);
    NodeCandidate even = withCpu(withMemory(node("b"), 5 * GB, 8 * GB), 4608, 8192);
    PlacementRequest r = ONE_GIG.withCpuShares(512);
    assertEquals("b", chosen(packing, r, lopsided, even),
        "1/8 memory and 7/8 CPU free after placing is worse than half of each");
  }

  @Test
  void theZoneWithFewestInstancesOfTheAppWinsOverEverythingElse() {
    NodeCandidate inBusyZone = withMemory(zoned("a", "z1"), 2 * GB, 8 * GB);
    NodeCandidate inQuietZone = zoned("b", "z2").withInstancesOfApp(3);
    PlacementRequest r = ONE_GIG.withInstancesByZone(Map.of("z1", 4, "z2", 3));
    assertEquals("b", chosen(packing, r, inBusyZone, inQuietZone),
        "one fewer in the zone outweighs three more on the node and a tighter fit");
    assertEquals("a", chosen(packing, ONE_GIG.withInstancesByZone(Map.of("z2", 1)), inBusyZone,
        zoned("b", "z2")), "a zone the map does not name has none");
  }

  @Test
  void fewerInstancesOfTheAppOnTheNodeWinOverResources() {
    NodeCandidate tightWithOne = withMemory(node("a"), 2 * GB, 8 * GB).withInstancesOfApp(1);
    NodeCandidate emptyWithNone = node("b");
    assertEquals("b", chosen(packing, ONE_GIG, tightWithOne, emptyWithNone));
    assertEquals("a", chosen(packing, ONE_GIG, tightWithOne, emptyWithNone.withInstancesOfApp(1)),
        "equal counts leave it to resources");
  }

  @Test
  void zonesBalanceAsAnAppGrows() {
    List<NodeCandidate> nodes = new java.util.ArrayList<>(List.of(zoned("a", "z1"),
        zoned("b", "z1"), zoned("c", "z1"), zoned("d", "z2")));
    Map<String, Integer> byZone = new java.util.HashMap<>();
    for (int i = 0; i < 4; i++) {
      PlacementRequest r = ONE_GIG.withInstancesByZone(byZone);
      String id = chosen(packing, r, nodes.toArray(new NodeCandidate[0]));
      int at = "abcd".indexOf(id);
      NodeCandidate n = nodes.get(at);
      nodes.set(at, n.afterPlacing(r));
      byZone.merge(n.zone(), 1, Integer::sum);
    }
    assertEquals(Map.of("z1", 2, "z2", 2), byZone);
  }
}
