package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A node as the health manager sees it. A snapshot; immutable and thread-safe.
 *
 * @param nodeId the node's id, unique in the cloud
 * @param state its state now
 * @param zone the zone it advertised; empty for none
 * @param stack the stack it advertised, such as {@code cflinuxfs4}; empty for none
 * @param capacity what it offers to instances
 * @param memoryUsedBytes memory reserved by the node's active instances
 * @param diskUsedBytes disk reserved by the node's active instances
 * @param instances how many active instances (STARTING, RUNNING or STOPPING) it holds, placed
 *     ones it has not reported yet included
 * @param lastHeartbeat when the node was last heard from, by the health manager's clock
 */
public record NodeStatus(String nodeId, NodeState state, String zone, String stack,
    NodeCapacity capacity, long memoryUsedBytes, long diskUsedBytes, int instances,
    Instant lastHeartbeat) {
  /**
   * Checks the parts the status cannot do without; the others are not checked.
   *
   * @param nodeId not null
   * @param state not null
   * @param zone not checked
   * @param stack not checked
   * @param capacity not null
   * @param memoryUsedBytes not checked
   * @param diskUsedBytes not checked
   * @param instances not checked
   * @param lastHeartbeat not checked
   * @throws NullPointerException if {@code nodeId}, {@code state} or {@code capacity} is null
   */
  public NodeStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(capacity, "capacity");
  }
}
