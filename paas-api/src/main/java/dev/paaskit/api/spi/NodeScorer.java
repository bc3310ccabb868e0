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
   * How much {@code node} suits {@code request}'s instance.
   *
   * @param request the instance to place, with the app's labels
   * @param node a node that passed every filter
   * @return any finite value, higher is better; the scale is the scorer's own, so weigh it
   *     against the others it is summed with
   */
  double score(PlacementRequest request, NodeCandidate node);
}
