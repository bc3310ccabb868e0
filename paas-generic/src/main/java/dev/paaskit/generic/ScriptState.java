package dev.paaskit.generic;

/** Where one script of one agent is: never started, running, or ended on its own or stopped. */
public enum ScriptState {
  /** Not started since the code version was activated; the report has no exit code. */
  NEVER_STARTED,
  /** Started and not ended; no other script of the agent runs meanwhile. */
  RUNNING,
  /** Ended on its own; the report holds its exit code. */
  EXITED,
  /** Ended because an interrupt stopped it (SIGTERM, then SIGKILL after the grace period). */
  STOPPED
}
