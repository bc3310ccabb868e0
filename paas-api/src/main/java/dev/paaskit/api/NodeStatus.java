package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A node as the health manager sees it.
 *
 * @param memoryUsedBytes memory reserved by the node's active instances
 * @param diskUsedBytes disk reserved by the node's active instances
 * @param lastHeartbeat when the node was last heard from
 */
public record NodeStatus(String nodeId, NodeState state, String zone, String stack,
    NodeCapacity capacity, long memoryUsedBytes, long diskUsedBytes, int instances,
    Instant lastHeartbeat) {
  public NodeStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(capacity, "capacity");
  }
}
