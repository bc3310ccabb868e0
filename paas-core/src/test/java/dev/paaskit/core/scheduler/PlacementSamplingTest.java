package dev.paaskit.core.scheduler;

import static dev.paaskit.core.scheduler.Nodes.GB;
import static dev.paaskit.core.scheduler.Nodes.MB;
import static dev.paaskit.core.scheduler.Nodes.node;
import static dev.paaskit.core.scheduler.Nodes.withMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nomad-style sampling: how many nodes are looked at, which ones, and that a seed repeats it. */
@Timeout(10)
class PlacementSamplingTest {
  private static final PlacementRequest ONE_GIG = PlacementRequest.of("web", 0, GB, GB);

  /** A filter that lets every node through and records the ones it saw, in order. */
  private static final class Recorder implements NodeFilter {
    final List<String> seen = new ArrayList<>();
    private final boolean accept;

    Recorder(boolean accept) {
      this.accept = accept;
    }

    private static final FilterResult REFUSED = FilterResult.refused("refused by the test");

    @Override
    public FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
      seen.add(node.nodeId());
      return accept ? FilterResult.accepted() : REFUSED;
    }
  }

  /** A random source that answers {@code nextInt(bound)} from a script and nothing else. */
  private static RandomGenerator scripted(int... answers) {
    return new RandomGenerator() {
      private int next;

      @Override
      public long nextLong() {
        throw new AssertionError("placement drew a long");
      }

      @Override
      public int nextInt(int bound) {
        int answer = answers[next++];
        assertTrue(answer < bound, answer + " is not below " + bound);
        return answer;
      }
    };
  }

  private static List<NodeCandidate> nodes(int count) {
    List<NodeCandidate> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(node(String.format("n%05d", i)));
    }
    return out;
  }

  @Test
  void manyNodesThatFitAreSampledNotAllScored() {
    Recorder recorder = new Recorder(true);
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().addFilter(recorder).build();
    assertTrue(s.place(ONE_GIG, nodes(10_000)).placed());
    assertEquals(DefaultPlacementStrategy.defaultSampleSize(10_000), recorder.seen.size());
    assertEquals(recorder.seen.size(), new HashSet<>(recorder.seen).size(), "no node twice");

    Recorder five = new Recorder(true);
    DefaultPlacementStrategy s5 =
        DefaultPlacementStrategy.builder().sampleSize(5).addFilter(five).build();
    assertTrue(s5.place(ONE_GIG, nodes(10_000)).placed());
    assertEquals(5, five.seen.size());
  }

  @Test
  void defaultSampleSizeGrowsWithTheLogOfTheCluster() {
    assertEquals(3, DefaultPlacementStrategy.defaultSampleSize(1));
    assertEquals(3, DefaultPlacementStrategy.defaultSampleSize(8));
    assertEquals(4, DefaultPlacementStrategy.defaultSampleSize(9));
    assertEquals(7, DefaultPlacementStrategy.defaultSampleSize(101));
    assertEquals(14, DefaultPlacementStrategy.defaultSampleSize(10_000));
    assertEquals(20, DefaultPlacementStrategy.defaultSampleSize(1_000_000));
  }

  @Test
  void refusedNodesAreSkippedWithoutCountingTowardTheSample() {
    List<NodeCandidate> nodes = nodes(10_000);
    for (int i = 0; i < nodes.size(); i++) {
      if (i % 100 != 0) {
        nodes.set(i, withMemory(nodes.get(i), GB / 2, 8 * GB));
      }
    }
    Recorder recorder = new Recorder(true);
    DefaultPlacementStrategy s =
        DefaultPlacementStrategy.builder().sampleSize(5).addFilter(recorder).build();
    Placement p = s.place(ONE_GIG, nodes);
    assertEquals(5, recorder.seen.size(), "five of the hundred nodes that fit were scored");
    assertTrue(recorder.seen.stream().allMatch(id -> Integer.parseInt(id.substring(1)) % 100 == 0),
        recorder.seen.toString());
    assertTrue(recorder.seen.contains(p.nodeId().orElseThrow()));
  }

  @Test
  void whenNothingFitsEveryCandidateIsVisitedOnce() {
    Recorder recorder = new Recorder(false);
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().addFilter(recorder).build();
    Placement p = s.place(ONE_GIG, nodes(1_000));
    assertFalse(p.placed());
    assertEquals(1_000, recorder.seen.size());
    assertEquals(1_000, new HashSet<>(recorder.seen).size());
    assertEquals(1_000, p.rejections().get("refused by the test"));
  }

  @Test
  void theSampleStartsAndStridesWhereTheRandomSourceSays() {
    Recorder straight = new Recorder(true);
    DefaultPlacementStrategy.builder().sampleSize(3).random(scripted(7, 0))
        .addFilter(straight).build().place(ONE_GIG, nodes(200));
    assertEquals(List.of("n00007", "n00008", "n00009"), straight.seen, "start 7, stride 1");

    Recorder wrapping = new Recorder(true);
    DefaultPlacementStrategy.builder().sampleSize(3).random(scripted(198, 2))
        .addFilter(wrapping).build().place(ONE_GIG, nodes(200));
    assertEquals(List.of("n00198", "n00001", "n00004"), wrapping.seen, "stride 3 wraps around");

    Recorder coprime = new Recorder(true);
    DefaultPlacementStrategy.builder().sampleSize(3).random(scripted(0, 3))
        .addFilter(coprime).build().place(ONE_GIG, nodes(200));
    assertEquals(List.of("n00000", "n00007", "n00014"), coprime.seen,
        "4, 5 and 6 share a factor with 200, so the stride moves on to 7");
  }

  @Test
  void upToTheThresholdEveryNodeIsScoredAndNothingIsDrawn() {
    List<NodeCandidate> nodes = nodes(DefaultPlacementStrategy.DEFAULT_SAMPLE_ABOVE);
    nodes.set(57, withMemory(nodes.get(57), 2 * GB, 8 * GB));
    DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().binPack()
        .random(scripted()).build();
    assertEquals("n00057", s.place(ONE_GIG, nodes).nodeId().orElseThrow());

    nodes.add(node("n99999"));
    DefaultPlacementStrategy lower = DefaultPlacementStrategy.builder().binPack()
        .sampleAbove(nodes.size()).random(scripted()).build();
    assertEquals("n00057", lower.place(ONE_GIG, nodes).nodeId().orElseThrow());
  }

  @Test
  void theBestOfTheSampleIsChosen() {
    SplittableRandom sizes = new SplittableRandom(3);
    List<NodeCandidate> nodes = nodes(10_000);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.set(i, withMemory(nodes.get(i), GB + sizes.nextLong(7 * GB / MB) * MB, 8 * GB));
    }
    for (long seed = 0; seed < 20; seed++) {
      Recorder recorder = new Recorder(true);
      DefaultPlacementStrategy s = DefaultPlacementStrategy.builder().binPack()
          .random(new SplittableRandom(seed)).addFilter(recorder).build();
      String chosen = s.place(ONE_GIG, nodes).nodeId().orElseThrow();
      String tightest = recorder.seen.stream()
          .map(id -> nodes.get(Integer.parseInt(id.substring(1))))
          .min(Comparator.comparingLong(NodeCandidate::memoryFreeBytes)
              .thenComparing(NodeCandidate::nodeId))
          .orElseThrow().nodeId();
      assertEquals(tightest, chosen, "seed " + seed);
    }
  }

  @Test
  void theSameSeedPlacesTheSameWayAndAnotherDoesNot() {
    List<String> first = placeMany(DefaultPlacementStrategy.builder().binPack()
        .random(new SplittableRandom(42)).build());
    List<String> again = placeMany(DefaultPlacementStrategy.builder().binPack()
        .random(new SplittableRandom(42)).build());
    List<String> other = placeMany(DefaultPlacementStrategy.builder().binPack()
        .random(new SplittableRandom(43)).build());
    assertEquals(first, again);
    assertNotEquals(first, other);
    assertEquals(placeMany(DefaultPlacementStrategy.create()),
        placeMany(DefaultPlacementStrategy.create()), "the default source is seeded too");
  }

  /** Places 300 instances of mixed sizes on 2,000 nodes, one by one, and lists the nodes chosen. */
  private static List<String> placeMany(DefaultPlacementStrategy s) {
    List<NodeCandidate> nodes = nodes(2_000);
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      PlacementRequest r = PlacementRequest.of("web", i, (256L << (i % 4)) * MB, GB);
      String id = s.place(r, nodes).nodeId().orElseThrow();
      int at = Integer.parseInt(id.substring(1));
      nodes.set(at, nodes.get(at).afterPlacing(r));
      chosen.add(id);
    }
    return chosen;
  }
}
