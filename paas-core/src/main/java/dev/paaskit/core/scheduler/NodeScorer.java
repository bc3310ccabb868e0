package dev.paaskit.core.scheduler;

import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.PlacementRequest;

/** Ranks nodes that passed every filter; the highest total score wins. */
@FunctionalInterface
public interface NodeScorer {
  double score(PlacementRequest request, NodeCandidate node);
}
