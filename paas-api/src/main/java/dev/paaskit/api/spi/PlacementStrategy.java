package dev.paaskit.api.spi;

import java.util.List;

/**
 * Chooses a node for an instance. Called by the health manager from one thread at a time;
 * implementations need not be thread-safe but must not block.
 *
 * <p>An expected outcome, such as no node having room, is a {@link Placement} with reasons,
 * never an exception.
 */
@FunctionalInterface
public interface PlacementStrategy {
  /**
   * Chooses a node for one instance.
   *
   * @param request the instance to place, with what it needs and where it may run
   * @param candidates every node the health manager knows, as placement sees it now, whatever
   *     their state; the strategy refuses those that cannot take it
   * @return the chosen node, which must be one of {@code candidates}, or none with the count of
   *     nodes each reason refused; never null
   */
  Placement place(PlacementRequest request, List<NodeCandidate> candidates);
}
