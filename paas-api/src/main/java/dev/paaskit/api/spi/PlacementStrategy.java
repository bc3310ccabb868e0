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
  Placement place(PlacementRequest request, List<NodeCandidate> candidates);
}
