package dev.paaskit.api;

/**
 * The life of one instance on a node.
 *
 * <pre>
 * STARTING -> RUNNING -> STOPPING -> STOPPED
 *     \          \-> CRASHED -> (restarted as a new instance) ... -> FAILED
 *      \-> CRASHED
 * </pre>
 *
 * FAILED means the restart policy gave up; the health manager starts no more instances for
 * that index until the app is restarted or restaged.
 */
public enum InstanceState {
  /** Placed and being started: fetching its droplet, running hooks, not yet healthy. */
  STARTING,
  /** Passed its health check; its routes are registered and it takes traffic. */
  RUNNING,
  /**
   * Ended without being asked to: it exited, was killed, or failed its health check. The health
   * manager starts a new instance for its index, after a back-off.
   */
  CRASHED,
  /** Asked to stop and not yet ended; it no longer takes traffic. */
  STOPPING,
  /** Ended because it was asked to. */
  STOPPED,
  /** Its index crashed too often in a row: the restart policy gave up on it. */
  FAILED;

  /**
   * Whether the instance holds resources on its node.
   *
   * @return true for STARTING, RUNNING and STOPPING
   */
  public boolean isActive() {
    return this == STARTING || this == RUNNING || this == STOPPING;
  }
}
