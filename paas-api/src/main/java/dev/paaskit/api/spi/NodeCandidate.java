package dev.paaskit.api.spi;

import dev.paaskit.api.NodeState;
import java.util.Objects;
import java.util.Set;

/**
 * A node as placement sees it, with what is free on it now, placements already decided in the
 * same round included.
 *
 * @param instancesOfApp instances of the app being placed that the node already runs
 */
public record NodeCandidate(String nodeId, NodeState state, String zone, String stack,
    Set<String> tags, long memoryFreeBytes, long diskFreeBytes, int slotsFree,
    long memoryTotalBytes, int instancesOfApp) {
  public NodeCandidate {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    zone = zone == null ? "" : zone;
    stack = stack == null ? "" : stack;
    tags = Set.copyOf(tags == null ? Set.of() : tags);
  }
}
