package dev.paaskit.core;

/**
 * Where a cloud or one of its roles is in its life: NEW, then STARTING, RUNNING, STOPPING and
 * TERMINATED; or FAILED, when starting or stopping failed.
 */
public enum Lifecycle {
  /** Made, not started. */
  NEW,
  /** Starting; not yet ready to serve. */
  STARTING,
  /** Started and serving. */
  RUNNING,
  /** Stopping. */
  STOPPING,
  /** Stopped, after a start or without one. */
  TERMINATED,
  /** Failed to start or to stop; see the owner's failure. */
  FAILED
}
