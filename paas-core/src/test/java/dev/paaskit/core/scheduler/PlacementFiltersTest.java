package dev.paaskit.core.scheduler;

import static dev.paaskit.core.scheduler.Nodes.GB;
import static dev.paaskit.core.scheduler.Nodes.node;
import static dev.paaskit.core.scheduler.Nodes.withCpu;
import static dev.paaskit.core.scheduler.Nodes.withDisk;
import static dev.paaskit.core.scheduler.Nodes.withMemory;
import static dev.paaskit.core.scheduler.Nodes.withPlace;
import static dev.paaskit.core.scheduler.Nodes.withSlots;
import static dev.paaskit.core.scheduler.Nodes.withState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each standard filter: the node it refuses, the reason it is counted under, the detail that
 * names what was short or wrong, and the node it lets through.
 */
@Timeout(10)
class PlacementFiltersTest {
  private static final PlacementRequest HALF_GIG = PlacementRequest.of("web", 0, GB / 2, GB);
  private final DefaultPlacementStrategy strategy = DefaultPlacementStrategy.create();

  /** What placing {@code request} on {@code node} alone says. */
  private String outcome(PlacementRequest request, NodeCandidate node) {
    return strategy.place(request, List.of(node)).explain();
  }

  /** What {@code filter} says of {@code node} in detail; asserts that it refuses it. */
  private static String detail(StandardFilter filter, PlacementRequest request,
      NodeCandidate node) {
    FilterResult result = filter.evaluate(request, node);
    assertTrue(!result.isAccepted(), filter + " accepted " + node);
    assertSame(result, filter.evaluate(request, node), "a constant refusal, nothing allocated");
    return result.detail(request, node);
  }

  @ParameterizedTest
  @EnumSource(value = NodeState.class, names = {"SUSPECT", "DEAD", "DRAINING"})
  void onlyAliveNodesTakeInstances(NodeState state) {
    assertEquals("no node fits: 1 not accepting instances",
        outcome(HALF_GIG, withState(node("a"), state)));
    assertEquals("not accepting instances: the node is " + state,
        detail(StandardFilter.ALIVE, HALF_GIG, withState(node("a"), state)));
    assertEquals("placed on a", outcome(HALF_GIG, withState(node("a"), NodeState.ALIVE)));
  }

  @Test
  void aNodeNeedsAFreeSlot() {
    assertEquals("no node fits: 1 at their instance limit", outcome(HALF_GIG, withSlots(node("a"), 0)));
    assertEquals("at its instance limit: 0 slots free",
        detail(StandardFilter.SLOTS, HALF_GIG, withSlots(node("a"), 0)));
    assertEquals("at its instance limit: -2 slots free",
        detail(StandardFilter.SLOTS, HALF_GIG, withSlots(node("a"), -2)));
    assertEquals("placed on a", outcome(HALF_GIG, withSlots(node("a"), 1)));
  }

  @Test
  void aNodeNeedsTheMemory() {
    assertEquals("no node fits: 1 short of memory",
        outcome(HALF_GIG, withMemory(node("a"), GB / 2 - 1, 8 * GB)));
    assertEquals("placed on a", outcome(HALF_GIG, withMemory(node("a"), GB / 2, 8 * GB)));
    assertEquals("no node fits: 1 short of memory",
        outcome(HALF_GIG, withMemory(node("a"), -GB, 8 * GB)), "an overcommitted node");
    assertEquals("short of memory: needs 512 MiB, 536,870,911 bytes free",
        detail(StandardFilter.MEMORY, HALF_GIG, withMemory(node("a"), GB / 2 - 1, 8 * GB)),
        "a byte short shows");
    assertEquals("short of memory: needs 512 MiB, -1,024 MiB free",
        detail(StandardFilter.MEMORY, HALF_GIG, withMemory(node("a"), -GB, 8 * GB)));
  }

  @Test
  void aNodeNeedsTheDisk() {
    assertEquals("no node fits: 1 short of disk", outcome(HALF_GIG, withDisk(node("a"), GB - 1)));
    assertEquals("short of disk: needs 1,024 MiB, 1,023 MiB free",
        detail(StandardFilter.DISK, HALF_GIG, withDisk(node("a"), GB - (1 << 20))));
    assertEquals("placed on a", outcome(HALF_GIG, withDisk(node("a"), GB)));
  }

  @Test
  void aNodeThatMetersCpuNeedsTheShares() {
    PlacementRequest cpu = HALF_GIG.withCpuShares(512);
    assertEquals("no node fits: 1 short of CPU", outcome(cpu, withCpu(node("a"), 511, 8192)));
    assertEquals("short of CPU: needs 512 shares, 128 free",
        detail(StandardFilter.CPU, cpu, withCpu(node("a"), 128, 8192)));
    assertEquals("placed on a", outcome(cpu, withCpu(node("a"), 512, 8192)));
    assertEquals("placed on a", outcome(cpu, withCpu(node("a"), 0, 0)),
        "a node that does not meter CPU takes any request");
    assertEquals("placed on a", outcome(HALF_GIG, withCpu(node("a"), -10, 8192)),
        "asking for no CPU fits even a node whose CPU is overcommitted");
  }

  @Test
  void aStackIsMatchedWhenTheAppNamesOne() {
    PlacementRequest linux = HALF_GIG.withStack("cflinuxfs4");
    assertEquals("no node fits: 1 on another stack",
        outcome(linux, withPlace(node("a"), "z1", "windows2019", Set.of())));
    assertEquals("on another stack: windows2019, not cflinuxfs4",
        detail(StandardFilter.STACK, linux, withPlace(node("a"), "z1", "windows2019", Set.of())));
    assertEquals("on another stack: (none), not cflinuxfs4",
        detail(StandardFilter.STACK, linux, withPlace(node("a"), "z1", "", Set.of())));
    assertEquals("placed on a", outcome(linux, node("a")));
    assertEquals("placed on a",
        outcome(HALF_GIG, withPlace(node("a"), "z1", "windows2019", Set.of())), "any stack");
  }

  @Test
  void zonesAreMatchedWhenTheAppNamesThem() {
    PlacementRequest zoned = HALF_GIG.withZones(Set.of("z2", "z3"));
    assertEquals("no node fits: 1 in the wrong zone", outcome(zoned, node("a")));
    assertEquals("in the wrong zone: zone z1 not in [z2, z3]",
        detail(StandardFilter.ZONE, zoned, node("a")));
    assertEquals("in the wrong zone: zone us not in [eu]", detail(StandardFilter.ZONE,
        HALF_GIG.withZones(Set.of("eu")), withPlace(node("a"), "us", "", Set.of())));
    assertEquals("in the wrong zone: zone (none) not in [eu]", detail(StandardFilter.ZONE,
        HALF_GIG.withZones(Set.of("eu")), withPlace(node("a"), "", "", Set.of())));
    assertEquals("placed on a",
        outcome(zoned, withPlace(node("a"), "z3", "cflinuxfs4", Set.of())));
    assertEquals("placed on a", outcome(HALF_GIG, node("a")), "any zone");
  }

  @Test
  void aNodeNeedsEveryPlacementTagTheAppAsksFor() {
    PlacementRequest tagged = HALF_GIG.withTags(Set.of("ssd", "gpu"));
    assertEquals("no node fits: 1 missing placement tags",
        outcome(tagged, withPlace(node("a"), "z1", "", Set.of("ssd"))));
    assertEquals("missing placement tags: lacks [gpu]",
        detail(StandardFilter.TAGS, tagged, withPlace(node("a"), "z1", "", Set.of("ssd"))));
    assertEquals("missing placement tags: lacks [gpu, ssd]",
        detail(StandardFilter.TAGS, tagged, node("a")));
    assertEquals("placed on a",
        outcome(tagged, withPlace(node("a"), "z1", "", Set.of("ssd", "gpu", "fast-net"))));
    assertEquals("placed on a", outcome(HALF_GIG, node("a")), "no tags asked for");
  }

  @Test
  void anAppsPerNodeLimitIsKept() {
    PlacementRequest two = HALF_GIG.withMaxPerNode(2);
    assertEquals("no node fits: 1 at this app's per-node limit",
        outcome(two, node("a").withInstancesOfApp(2)));
    assertEquals("at this app's per-node limit: runs 2 of at most 2",
        detail(StandardFilter.APP_LIMIT, two, node("a").withInstancesOfApp(2)));
    assertEquals("placed on a", outcome(two, node("a").withInstancesOfApp(1)));
    assertEquals("placed on a", outcome(HALF_GIG, node("a").withInstancesOfApp(50)), "no limit");
  }

  @Test
  void antiAffinityKeepsEachInstanceOnANodeOfItsOwn() {
    PlacementRequest alone = HALF_GIG.withMaxPerNode(1);
    List<NodeCandidate> nodes = List.of(node("a").withInstancesOfApp(1),
        withMemory(node("b"), GB, 8 * GB), node("c").withInstancesOfApp(1));
    assertEquals("placed on b", strategy.place(alone, nodes).explain());
    assertEquals("no node fits: 2 at this app's per-node limit",
        strategy.place(alone, List.of(nodes.get(0), nodes.get(2))).explain());
  }

  @Test
  void aNodeIsCountedOnceUnderTheFirstFilterThatRefusesIt() {
    NodeCandidate everythingWrong = withState(withSlots(withMemory(
        withPlace(node("a"), "z9", "windows2019", Set.of()), 0, 8 * GB), 0), NodeState.DEAD);
    PlacementRequest picky = HALF_GIG.withZones(Set.of("z1")).withStack("cflinuxfs4");
    assertEquals("no node fits: 1 not accepting instances", outcome(picky, everythingWrong));
    assertEquals("no node fits: 1 short of memory",
        outcome(picky, withState(withSlots(everythingWrong, 3), NodeState.ALIVE)));
    assertEquals("not accepting instances: the node is DEAD",
        strategy.explain(picky, List.of(everythingWrong)).get("a"), "the first refusal's detail");
  }
}
