package dev.paaskit.api.spi;

import dev.paaskit.api.NodeState;
import java.util.Objects;
import java.util.Set;

/**
 * A node as placement sees it, with what is free on it now, placements already decided in the
 * same round included. A free amount is negative when the node is overcommitted. Immutable and
 * thread-safe.
 *
 * @param nodeId the node's id
 * @param state its state as placement sees it: a node the health manager avoids for now shows
 *     as SUSPECT; the built-in filters take only ALIVE nodes
 * @param zone the zone it advertised; empty for none
 * @param stack the stack it advertised; empty for none
 * @param tags the placement tags it carries
 * @param memoryFreeBytes memory not yet reserved by its active instances
 * @param diskFreeBytes disk not yet reserved by its active instances
 * @param cpuFreeShares CPU shares not yet taken; ignored when the node does not meter CPU
 * @param slotsFree how many more instances it may run, of its maximum
 * @param memoryTotalBytes all the memory the node offers, 0 or more
 * @param cpuTotalShares all the CPU shares the node offers; 0 when it does not meter CPU, so
 *     that any request for CPU fits
 * @param instancesOfApp instances of the app being placed that the node already runs, 0 or more
 */
public record NodeCandidate(String nodeId, NodeState state, String zone, String stack,
    Set<String> tags, long memoryFreeBytes, long diskFreeBytes, long cpuFreeShares,
    int slotsFree, long memoryTotalBytes, long cpuTotalShares, int instancesOfApp) {
  /**
   * Checks the totals and the count, and copies the tags; a null zone or stack is read as
   * empty, null tags as none. Free amounts are not checked: they may be negative.
   *
   * @param nodeId not null
   * @param state not null
   * @param zone null for empty
   * @param stack null for empty
   * @param tags copied; null for none
   * @param memoryFreeBytes not checked
   * @param diskFreeBytes not checked
   * @param cpuFreeShares not checked
   * @param slotsFree not checked
   * @param memoryTotalBytes 0 or more
   * @param cpuTotalShares 0 or more
   * @param instancesOfApp 0 or more
   * @throws IllegalArgumentException naming the node and the part that is negative
   * @throws NullPointerException if {@code nodeId} or {@code state} is null, or {@code tags}
   *     holds a null
   */
  public NodeCandidate {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    zone = zone == null ? "" : zone;
    stack = stack == null ? "" : stack;
    tags = Set.copyOf(tags == null ? Set.of() : tags);
    if (memoryTotalBytes < 0) {
      throw new IllegalArgumentException(
          "memoryTotalBytes of node '" + nodeId + "' must not be negative: " + memoryTotalBytes);
    }
    if (cpuTotalShares < 0) {
      throw new IllegalArgumentException(
          "cpuTotalShares of node '" + nodeId + "' must not be negative: " + cpuTotalShares);
    }
    if (instancesOfApp < 0) {
      throw new IllegalArgumentException(
          "instancesOfApp of node '" + nodeId + "' must not be negative: " + instancesOfApp);
    }
  }

  /**
   * Whether the node accounts for CPU; when it does not, CPU neither refuses nor ranks it.
   *
   * @return true when {@link #cpuTotalShares()} is positive
   */
  public boolean metersCpu() {
    return cpuTotalShares > 0;
  }

  /**
   * This node once it runs {@code request}'s instance too: its memory, disk and CPU less, one
   * slot fewer, one more instance of the app. Placing several instances in one round updates the
   * candidate this way between them.
   *
   * @param request the instance placed on this node
   * @return a new candidate; free amounts may turn negative, nothing is checked
   */
  public NodeCandidate afterPlacing(PlacementRequest request) {
    return new NodeCandidate(nodeId, state, zone, stack, tags,
        memoryFreeBytes - request.memoryBytes(), diskFreeBytes - request.diskBytes(),
        cpuFreeShares - request.cpuShares(), slotsFree - 1, memoryTotalBytes, cpuTotalShares,
        instancesOfApp + 1);
  }

  /**
   * This node as seen by another app, which runs {@code count} instances on it.
   *
   * @param count the other app's instances on the node, 0 or more
   * @return a new candidate, all else the same
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public NodeCandidate withInstancesOfApp(int count) {
    return new NodeCandidate(nodeId, state, zone, stack, tags, memoryFreeBytes, diskFreeBytes,
        cpuFreeShares, slotsFree, memoryTotalBytes, cpuTotalShares, count);
  }
}
