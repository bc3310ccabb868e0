package dev.paaskit.api.spi;

/** The backend's view of one container. */
public enum ContainerState {
  /** Created and not started: nothing runs. */
  CREATED,
  /** Its command runs. */
  RUNNING,
  /** Asked to stop, and not ended yet. */
  STOPPING,
  /** Ended, with an exit; it stays so until removed. */
  EXITED
}
