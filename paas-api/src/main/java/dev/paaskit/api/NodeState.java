package dev.paaskit.api;

/**
 * How the health manager sees a node, from its heartbeats and from {@link Controller#drain}.
 */
public enum NodeState {
  /** Heartbeats arrive on time; the node takes new instances. */
  ALIVE,
  /** The node missed a heartbeat; it keeps its instances but takes no new ones for now. */
  SUSPECT,
  /**
   * The node missed enough heartbeats, or left the bus, that its instances are replaced
   * elsewhere; a heartbeat makes it ALIVE again.
   */
  DEAD,
  /**
   * An alive node being emptied after {@link Controller#drain}: it takes no new instances, and
   * its instances move to other nodes. A drained node that stops beating shows as SUSPECT or DEAD.
   */
  DRAINING
}
