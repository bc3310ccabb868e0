package dev.paaskit.core.scheduler;

import static dev.paaskit.core.scheduler.Nodes.GB;
import static dev.paaskit.core.scheduler.Nodes.node;
import static dev.paaskit.core.scheduler.Nodes.withCpu;
import static dev.paaskit.core.scheduler.Nodes.withMemory;
import static dev.paaskit.core.scheduler.Nodes.withDisk;
import static dev.paaskit.core.scheduler.Nodes.withPlace;
import static dev.paaskit.core.scheduler.Nodes.withSlots;
import static dev.paaskit.core.scheduler.Nodes.withState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DefaultPlacementStrategyTest {
  private final DefaultPlacementStrategy strategy = DefaultPlacementStrategy.create();

  private static NodeCandidate node(String id, long freeMemory, int ofApp) {
    return withCpu(withMemory(Nodes.node(id), freeMemory, 4 * GB), 0, 0).withInstancesOfApp(ofApp);
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
  void binPackingPrefersTheNodeLeftFullest() {
    DefaultPlacementStrategy packing = DefaultPlacementStrategy.builder().binPack().build();
    Placement p = packing.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("a", GB, 0), node("b", 3 * GB, 0)));
    assertEquals(Optional.of("a"), p.nodeId());
  }

  @Test
  void tiesGoToTheLowestIdSoPlacementIsDeterministic() {
    Placement p = strategy.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("b", GB, 0), node("a", GB, 0)));
    assertEquals(Optional.of("a"), p.nodeId());
  }

  @Test
  void explainsWhyNothingFitsWithCountsPerFilter() {
    NodeCandidate dead = withState(node("d", 8 * GB, 0), NodeState.DEAD);
    NodeCandidate otherZone = withPlace(node("z", 8 * GB, 0), "z2", "", Set.of());
    PlacementRequest request =
        PlacementRequest.of("web", 0, 2 * GB, GB).withZones(Set.of("z1"));
    Placement p = strategy.place(request,
        List.of(node("a", GB, 0), node("b", GB, 0), dead, otherZone));
    assertFalse(p.placed());
    assertEquals("no node fits: 1 not accepting instances, 2 short of memory, 1 in the wrong zone",
        p.explain());
  }

  @Test
  void aLargeClusterThatCannotFitIsExplainedWithEveryNodeCounted() {
    List<NodeCandidate> nodes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      NodeCandidate n = Nodes.node(String.format("n%05d", i));
      nodes.add(i < 9_812 ? withMemory(n, GB, 8 * GB) : withPlace(n, "z2", n.stack(), Set.of()));
    }
    PlacementRequest request =
        PlacementRequest.of("web", 0, 2 * GB, GB).withZones(Set.of("z1"));
    Locale before = Locale.getDefault(Locale.Category.FORMAT);
    Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
    try {
      assertEquals("no node fits: 9,812 short of memory, 188 in the wrong zone",
          strategy.place(request, nodes).explain());
    } finally {
      Locale.setDefault(Locale.Category.FORMAT, before);
    }
  }

  @Test
  void noCandidatesIsExplained() {
    assertEquals("no node fits: no nodes are available",
        strategy.place(PlacementRequest.of("web", 0, GB, GB), List.of()).explain());
  }

  @Test
  void customFiltersRunAfterTheStandardOnes() {
    DefaultPlacementStrategy gpuOnly = DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of("without a GPU", (r, n) -> n.tags().contains("gpu"))).build();
    Placement p = gpuOnly.place(PlacementRequest.of("ml", 0, GB, GB),
        List.of(node("a", 2 * GB, 0), node("b", GB / 2, 0)));
    assertEquals("no node fits: 1 short of memory, 1 without a GPU", p.explain());
  }

  @Test
  void customScorersAddToTheStandardOnes() {
    DefaultPlacementStrategy preferB = DefaultPlacementStrategy.builder()
        .addScorer((r, n) -> n.nodeId().equals("b") ? 0.5 : 0).build();
    Placement p = preferB.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("a", 2 * GB, 0), node("b", GB, 0)));
    assertEquals(Optional.of("b"), p.nodeId(), "0.5 outweighs a's lead in spreading");
    Placement q = preferB.place(PlacementRequest.of("web", 0, GB / 4, GB / 4),
        List.of(node("a", 4 * GB, 0), node("b", GB, 0)));
    assertEquals(Optional.of("a"), q.nodeId(), "but not an empty node's lead over a nearly full one");
  }

  @Test
  void aFailingPluginIsWrappedNamingItAndTheNode() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of("broken", (r, n) -> {
          throw boom;
        })).build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.place(PlacementRequest.of("web", 0, GB, GB), List.of(node("a", 2 * GB, 0))));
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().contains("'broken'") && e.getMessage().contains("'a'"),
        e.getMessage());

    DefaultPlacementStrategy scoring = DefaultPlacementStrategy.builder()
        .addScorer((r, n) -> {
          throw boom;
        }).build();
    IllegalStateException se = assertThrows(IllegalStateException.class,
        () -> scoring.place(PlacementRequest.of("web", 0, GB, GB), List.of(node("a", 2 * GB, 0))));
    assertSame(boom, se.getCause());
    assertTrue(se.getMessage().contains("'a'"), se.getMessage());
  }

  @Test
  void acceptsAListWithoutRandomAccess() {
    List<NodeCandidate> linked = new LinkedList<>();
    for (int i = 0; i < 300; i++) {
      linked.add(node(String.format("n%03d", i), i == 123 ? GB : 3 * GB, 0));
    }
    Placement p = DefaultPlacementStrategy.builder().binPack().sampleSize(300).build()
        .place(PlacementRequest.of("web", 0, GB / 2, GB / 2), linked);
    assertEquals(Optional.of("n123"), p.nodeId());
  }

  @Test
  void standardFiltersAreListedInTheOrderTheyRun() {
    NodeCandidate everythingWrong = withState(withSlots(withDisk(withCpu(withMemory(
        withPlace(node("a", GB, 0), "z9", "windows2019", Set.of()), 0, 8 * GB), 0, 8192), 0), 0),
        NodeState.DEAD).withInstancesOfApp(1);
    PlacementRequest picky = PlacementRequest.of("web", 0, GB, GB).withCpuShares(512)
        .withStack("cflinuxfs4").withZones(Set.of("z1")).withTags(Set.of("ssd"))
        .withMaxPerNode(1);
    assertEquals(List.of("not accepting instances", "at their instance limit", "short of memory",
            "short of disk", "short of CPU", "on another stack", "in the wrong zone",
            "missing placement tags", "at this app's per-node limit"),
        DefaultPlacementStrategy.STANDARD_FILTERS.stream()
            .map(f -> f.evaluate(picky, everythingWrong).reason()).toList());
  }

  /** A filter refusing nodes by their zone, with a reason of its own for each. */
  private static final NodeFilter BY_ZONE = (r, n) -> switch (n.zone()) {
    case "z1" -> FilterResult.accepted();
    case "z2" -> FilterResult.refused("in z2");
    default -> FilterResult.refused("elsewhere", (req, node) -> "elsewhere: " + node.zone());
  };

  @Test
  void aFilterWithSeveralReasonsIsCountedUnderEachInTheOrderFirstSeen() {
    List<NodeCandidate> nodes = List.of(withPlace(node("a", 2 * GB, 0), "z3", "", Set.of()),
        withPlace(node("b", 2 * GB, 0), "z2", "", Set.of()),
        withPlace(node("c", 2 * GB, 0), "z9", "", Set.of()), node("d", GB / 2, 0),
        withPlace(node("e", 2 * GB, 0), "z2", "", Set.of()));
    Placement p = DefaultPlacementStrategy.builder().addFilter(BY_ZONE).build()
        .place(PlacementRequest.of("web", 0, GB, GB), nodes);
    assertEquals("no node fits: 1 short of memory, 2 elsewhere, 2 in z2", p.explain());
    assertEquals(List.of("short of memory", "elsewhere", "in z2"),
        List.copyOf(p.rejections().keySet()), "filter order first, then first refusal");
  }

  @Test
  void eachPlacementCountsOnlyItsOwnRefusals() {
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().addFilter(BY_ZONE).build();
    PlacementRequest request = PlacementRequest.of("web", 0, GB, GB);
    assertEquals("no node fits: 1 short of memory, 1 in z2, 1 elsewhere", s.place(request,
        List.of(node("d", GB / 2, 0), withPlace(node("b", 2 * GB, 0), "z2", "", Set.of()),
            withPlace(node("c", 2 * GB, 0), "z9", "", Set.of()))).explain());
    assertEquals(Optional.of("a"), s.place(request, List.of(node("a", 2 * GB, 0))).nodeId());
    assertEquals("no node fits: 1 elsewhere", s.place(request,
        List.of(withPlace(node("c", 2 * GB, 0), "z9", "", Set.of()))).explain());
  }

  @Test
  void twoFiltersWithTheSameReasonAddUp() {
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of("not wanted", (r, n) -> !n.nodeId().equals("a")))
        .addFilter(NodeFilter.of("not wanted", (r, n) -> !n.nodeId().equals("b"))).build();
    assertEquals("no node fits: 2 not wanted",
        s.place(PlacementRequest.of("web", 0, GB, GB),
            List.of(node("a", 2 * GB, 0), node("b", 2 * GB, 0))).explain());
  }

  @Test
  void explainWordsWhatWasShortOnEachNodeAndScoresTheOthers() {
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().addFilter(BY_ZONE).build();
    PlacementRequest request = PlacementRequest.of("web", 0, GB, GB);
    Map<String, String> why = s.explain(request, List.of(node("d", GB / 2, 0),
        withPlace(node("c", 2 * GB, 0), "z9", "", Set.of()),
        withPlace(node("b", 2 * GB, 0), "z2", "", Set.of()), node("a", 3 * GB, 0)));
    assertEquals(List.of("d", "c", "b", "a"), List.copyOf(why.keySet()), "in the order given");
    assertEquals("short of memory: needs 1,024 MiB, 512 MiB free", why.get("d"));
    assertEquals("elsewhere: z9", why.get("c"));
    assertEquals("in z2", why.get("b"), "a refusal without a detail words its reason");
    assertEquals("fits, score 0.240", why.get("a"),
        "spreading: 1 - (10 - 10^0.5) / 9 with half the memory free once placed");
  }

  @Test
  void aFilterThatAnswersNothingIsAnErrorNamingIt() {
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().addFilter(new NodeFilter() {
      @Override
      public FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
        return null;
      }

      @Override
      public String name() {
        return "silent";
      }
    }).build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.place(PlacementRequest.of("web", 0, GB, GB), List.of(node("a", 2 * GB, 0))));
    assertEquals("placement filter 'silent' returned no result on node 'a' for web",
        e.getMessage());
  }

  @Test
  void aDetailThatFailsIsWrappedNamingTheFilterAndTheNode() {
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of(FilterResult.refused("never", (r, n) -> {
          throw boom;
        }), (r, n) -> false)).build();
    PlacementRequest request = PlacementRequest.of("web", 0, GB, GB);
    assertEquals("no node fits: 1 never", s.place(request, List.of(node("a", 2 * GB, 0)))
        .explain(), "counting never words the detail");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.explain(request, List.of(node("a", 2 * GB, 0))));
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().contains("'never'") && e.getMessage().contains("'a'"),
        e.getMessage());
  }

  @Test
  void settingAnOptionTwiceIsAnError() {
    assertThrows(IllegalStateException.class,
        () -> DefaultPlacementStrategy.builder().binPack().spread());
    assertThrows(IllegalStateException.class,
        () -> DefaultPlacementStrategy.builder().spread().spread());
    assertThrows(IllegalStateException.class,
        () -> DefaultPlacementStrategy.builder().sampleSize(3).sampleSize(4));
    assertThrows(IllegalStateException.class,
        () -> DefaultPlacementStrategy.builder().sampleAbove(3).sampleAbove(4));
    assertThrows(IllegalStateException.class, () -> DefaultPlacementStrategy.builder()
        .random(new SplittableRandom(1)).random(new SplittableRandom(2)));
  }

  @Test
  void badOptionsAreRefusedNamingTheValue() {
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> DefaultPlacementStrategy.builder().sampleSize(0));
    assertTrue(size.getMessage().contains("0"), size.getMessage());
    IllegalArgumentException above = assertThrows(IllegalArgumentException.class,
        () -> DefaultPlacementStrategy.builder().sampleAbove(-1));
    assertTrue(above.getMessage().contains("-1"), above.getMessage());
    assertThrows(NullPointerException.class, () -> DefaultPlacementStrategy.builder().random(null));
    assertThrows(NullPointerException.class,
        () -> DefaultPlacementStrategy.builder().addFilter(null));
    assertThrows(NullPointerException.class,
        () -> DefaultPlacementStrategy.builder().addScorer(null));
  }
}
