package dev.paaskit.core.internal.protocol;

import java.util.List;

/**
 * A node's sign of life, sent every heartbeat interval. A full heartbeat lists every instance
 * the node has; a light one lists none and only says how far the node's changes have gone, so a
 * receiver that has not heard every change asks for a full one ({@link Subjects#nodeSync}).
 *
 * @param seq the node's change counter when the snapshot was taken: an instance the sender
 *     once reported with a seq at or below it, and absent here, is gone
 * @param sentMillis the sender's clock when it sent the beat, epoch milliseconds; 0 when unknown.
 *     Receivers compare it only with other beats of the same node, so clocks need not agree.
 * @param usage samples of instances taken since the node's previous beat, light or full; empty
 *     between samples (a node samples every few seconds) and from a node older than the field.
 *     A sample changes no state: it is applied to an instance the receiver already knows
 */
public record NodeHeartbeat(String nodeId, long epoch, long seq, boolean full,
    List<InstanceReport> instances, long sentMillis, List<UsageReport> usage) {
  public NodeHeartbeat {
    instances = instances == null ? List.of() : List.copyOf(instances);
    usage = usage == null ? List.of() : List.copyOf(usage);
  }

  /** A heartbeat that carries no sample. */
  public NodeHeartbeat(String nodeId, long epoch, long seq, boolean full,
      List<InstanceReport> instances, long sentMillis) {
    this(nodeId, epoch, seq, full, instances, sentMillis, List.of());
  }
}
