package dev.paaskit.api.spi;

/**
 * Ranks the nodes that passed every {@link NodeFilter}: placement sums the scores of all scorers
 * for each node, and the highest total wins.
 *
 * <p>Placement calls it for every node it scores, from one thread at a time, so it must be quick
 * and must not block. What it throws fails the placement, wrapped naming the node.
 */
@FunctionalInterface
public interface NodeScorer {
  /**
   * How much {@code node} suits {@code request}'s instance; higher is better. Any finite value;
   * the scale is the scorer's own, so weigh it against the others it is summed with.
   */
  double score(PlacementRequest request, NodeCandidate node);
}
