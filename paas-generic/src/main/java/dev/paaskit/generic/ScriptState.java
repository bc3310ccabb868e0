package dev.paaskit.generic;

/** Where one script of one agent is: never started, running, or ended on its own or stopped. */
public enum ScriptState {
  NEVER_STARTED,
  RUNNING,
  /** Ended on its own; the report holds its exit code. */
  EXITED,
  /** Ended because an interrupt stopped it (SIGTERM, then SIGKILL after the grace period). */
  STOPPED
}
