package dev.paaskit.core.protocol;

import java.util.List;

/**
 * The full actual state of a node, sent every heartbeat interval.
 *
 * @param seq the node's change counter when the snapshot was taken: an instance the sender
 *     once reported with a seq at or below it, and absent here, is gone
 */
public record NodeHeartbeat(String nodeId, long epoch, long seq, List<InstanceReport> instances) {
  public NodeHeartbeat {
    instances = instances == null ? List.of() : List.copyOf(instances);
  }
}
