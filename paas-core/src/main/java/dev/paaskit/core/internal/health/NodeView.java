package dev.paaskit.core.internal.health;

import dev.paaskit.api.NodeState;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;

/** What the cluster state knows of one node. Mutable; guarded by the {@link ClusterState}. */
final class NodeView {
  NodeAdvertisement advertisement;
  NodeState state = NodeState.ALIVE;
  long lastHeardNanos;
  long lastHeardMillis;
  /**
   * When the node was last known alive, in this side's nanoTime: when its latest beat was sent,
   * which is when it was heard less the time the beat waited on the way.
   */
  long aliveNanos;
  /**
   * The least (arrival - sentMillis) seen from this node: clock skew plus the fastest delivery.
   * A beat's lag is how far its own difference exceeds this.
   */
  long minDeltaMillis = Long.MAX_VALUE;
  /** The highest heartbeat seq seen in the current epoch. */
  long seq = -1;
  /** The highest seq of this node's instance reports applied: behind {@link #seq}, a change was missed. */
  long reportSeq;
  /**
   * Whether a full heartbeat of this epoch has been applied. Until then single reports say
   * nothing of the instances the node had before this side first heard of it (a restarted
   * health manager, say), so light heartbeats keep asking for a full one.
   */
  boolean synced;
  /**
   * The seq a beat announced that reports had not reached yet, or -1; watched for a heartbeat
   * interval from {@link #gapSinceNanos} before the reports are taken for lost.
   */
  long gapSeq = -1;
  long gapSinceNanos;
  /** When a full heartbeat was last asked for, so a slow node is not asked on every beat. */
  long syncAskedNanos = Long.MIN_VALUE;
  /** Declared dead because a probe found nobody listening on its subject, not by its TTL. */
  boolean goneFromBus;
  /** When the probe now in flight was sent (nanoTime), or Long.MIN_VALUE when none is. */
  long probeSentNanos = Long.MIN_VALUE;
  /** An operator asked to empty the node; {@link #state} still tracks whether it lives. */
  boolean draining;

  NodeView(NodeAdvertisement advertisement, long nowNanos, long nowMillis) {
    this.advertisement = advertisement;
    this.lastHeardNanos = nowNanos;
    this.lastHeardMillis = nowMillis;
    this.aliveNanos = nowNanos;
  }

  /** DEAD and SUSPECT win; a live node being emptied is DRAINING. */
  NodeState effectiveState() {
    return draining && state == NodeState.ALIVE ? NodeState.DRAINING : state;
  }

  String id() {
    return advertisement.nodeId();
  }

  long epoch() {
    return advertisement.epoch();
  }
}
