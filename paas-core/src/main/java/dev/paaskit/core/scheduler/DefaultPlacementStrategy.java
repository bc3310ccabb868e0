package dev.paaskit.core.scheduler;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import dev.paaskit.api.spi.PlacementStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Filters, then scorers, as in the Cloud Foundry DEA pool: a node must be alive and have a free
 * slot, the memory and disk asked for, the stack, a zone and the tags; among those that pass,
 * the one with the fewest instances of the same app wins (spreading an app across nodes), then
 * the one with the most free memory (spreading load), ties to the lowest node id so placement
 * is deterministic.
 *
 * <pre>{@code
 * PlacementStrategy s = DefaultPlacementStrategy.builder()
 *     .addFilter(NodeFilter.of("without a GPU", (r, n) -> n.tags().contains("gpu")))
 *     .build();
 * }</pre>
 */
public final class DefaultPlacementStrategy implements PlacementStrategy {
  /** The built-in filters, in the order they run. */
  public static final List<NodeFilter> STANDARD_FILTERS = List.of(
      NodeFilter.of("not accepting instances", (r, n) -> n.state() == NodeState.ALIVE),
      NodeFilter.of("at their instance limit", (r, n) -> n.slotsFree() > 0),
      NodeFilter.of("short of memory", (r, n) -> n.memoryFreeBytes() >= r.memoryBytes()),
      NodeFilter.of("short of disk", (r, n) -> n.diskFreeBytes() >= r.diskBytes()),
      NodeFilter.of("on another stack", (r, n) -> r.stack().isEmpty() || r.stack().equals(n.stack())),
      NodeFilter.of("in the wrong zone", (r, n) -> r.zones().isEmpty() || r.zones().contains(n.zone())),
      NodeFilter.of("missing placement tags", (r, n) -> n.tags().containsAll(r.tags())));

  private final List<NodeFilter> filters;
  private final List<NodeScorer> scorers;

  private DefaultPlacementStrategy(List<NodeFilter> filters, List<NodeScorer> scorers) {
    this.filters = List.copyOf(filters);
    this.scorers = List.copyOf(scorers);
  }

  public static DefaultPlacementStrategy create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Placement place(PlacementRequest request, List<NodeCandidate> candidates) {
    int[] refused = new int[filters.size()];
    NodeCandidate best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (NodeCandidate node : candidates) {
      int failed = firstFailedFilter(request, node);
      if (failed >= 0) {
        refused[failed]++;
        continue;
      }
      double score = score(request, node);
      if (best == null || score > bestScore
          || (score == bestScore && node.nodeId().compareTo(best.nodeId()) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    if (best != null) {
      return Placement.on(best.nodeId());
    }
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (int i = 0; i < filters.size(); i++) {
      if (refused[i] > 0) {
        reasons.put(filters.get(i).reason(), refused[i]);
      }
    }
    return Placement.none(reasons);
  }

  private int firstFailedFilter(PlacementRequest request, NodeCandidate node) {
    for (int i = 0; i < filters.size(); i++) {
      if (!filters.get(i).accepts(request, node)) {
        return i;
      }
    }
    return -1;
  }

  private double score(PlacementRequest request, NodeCandidate node) {
    double total = 0;
    for (NodeScorer scorer : scorers) {
      total += scorer.score(request, node);
    }
    return total;
  }

  /** Fewest instances of the same app first: one app's instances spread across nodes. */
  static final NodeScorer SPREAD_APP = (r, n) -> -n.instancesOfApp() * 1_000.0;

  /** Most free memory, as a fraction of the node's total, breaks ties. */
  static final NodeScorer MOST_FREE_MEMORY =
      (r, n) -> n.memoryTotalBytes() == 0 ? 0 : (double) n.memoryFreeBytes() / n.memoryTotalBytes();

  /** Setting nothing gives the standard filters and the spreading scorers. */
  public static final class Builder {
    private final List<NodeFilter> filters = new ArrayList<>(STANDARD_FILTERS);
    private final List<NodeScorer> scorers = new ArrayList<>(List.of(SPREAD_APP, MOST_FREE_MEMORY));

    private Builder() {}

    /** Adds a filter after the standard ones. */
    public Builder addFilter(NodeFilter filter) {
      filters.add(java.util.Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /** Adds a scorer to the standard ones; scores are summed. */
    public Builder addScorer(NodeScorer scorer) {
      scorers.add(java.util.Objects.requireNonNull(scorer, "scorer"));
      return this;
    }

    public DefaultPlacementStrategy build() {
      return new DefaultPlacementStrategy(filters, scorers);
    }
  }
}
