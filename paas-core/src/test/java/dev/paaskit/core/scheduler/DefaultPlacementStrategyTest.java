package dev.paaskit.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultPlacementStrategyTest {
  private static final long GB = 1L << 30;
  private final DefaultPlacementStrategy strategy = DefaultPlacementStrategy.create();

  private static NodeCandidate node(String id, long freeMemory, int ofApp) {
    return new NodeCandidate(id, NodeState.ALIVE, "z1", "", Set.of(), freeMemory, 10 * GB, 0, 10,
        4 * GB, 0, ofApp);
  }

  @Test
  void spreadsAnAppBeforeFillingANode() {
    Placement p = strategy.place(PlacementRequest.of("web", 1, GB / 4, GB / 4),
        List.of(node("a", 3 * GB, 1), node("b", GB, 0)));
    assertEquals(Optional.of("b"), p.nodeId());
  }

  @Test
  void prefersTheNodeWithMoreFreeMemoryAmongEquals() {
    Placement p = strategy.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("a", GB, 0), node("b", 3 * GB, 0)));
    assertEquals(Optional.of("b"), p.nodeId());
  }

  @Test
  void tiesGoToTheLowestIdSoPlacementIsDeterministic() {
    Placement p = strategy.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("b", GB, 0), node("a", GB, 0)));
    assertEquals(Optional.of("a"), p.nodeId());
  }

  @Test
  void explainsWhyNothingFitsWithCountsPerFilter() {
    NodeCandidate dead = new NodeCandidate("d", NodeState.DEAD, "z1", "", Set.of(), 8 * GB,
        10 * GB, 0, 10, 8 * GB, 0, 0);
    NodeCandidate otherZone = new NodeCandidate("z", NodeState.ALIVE, "z2", "", Set.of(), 8 * GB,
        10 * GB, 0, 10, 8 * GB, 0, 0);
    PlacementRequest request = PlacementRequest.of("web", 0, 2 * GB, GB).withZones(Set.of("z1"));
    Placement p = strategy.place(request,
        List.of(node("a", GB, 0), node("b", GB, 0), dead, otherZone));
    assertFalse(p.placed());
    assertEquals("no node fits: 1 not accepting instances, 2 short of memory, 1 in the wrong zone",
        p.explain());
  }

  @Test
  void customFiltersRunAfterTheStandardOnes() {
    DefaultPlacementStrategy gpuOnly = DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of("without a GPU", (r, n) -> n.tags().contains("gpu"))).build();
    Placement p = gpuOnly.place(PlacementRequest.of("ml", 0, GB, GB), List.of(node("a", 2 * GB, 0)));
    assertEquals("no node fits: 1 without a GPU", p.explain());
  }
}
