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
  STARTING,
  RUNNING,
  CRASHED,
  STOPPING,
  STOPPED,
  FAILED;

  /** True for the states in which the instance holds resources on its node. */
  public boolean isActive() {
    return this == STARTING || this == RUNNING || this == STOPPING;
  }
}
