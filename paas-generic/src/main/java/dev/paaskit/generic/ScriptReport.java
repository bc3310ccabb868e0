package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;

/**
 * One script of one agent.
 *
 * @param state where the script is
 * @param exitCode set once the script ended: its code, or {@code 128 + signal}; null while it
 *     runs or before it first ran
 * @param runs how many times it started since the code version was activated
 * @param startedAt ISO-8601 of the last start, or null
 * @param endedAt ISO-8601 of the last end, or null while it runs or before it first ran
 * @param lastLines the last lines its last run wrote, stdout and stderr together, oldest first;
 *     at most the host's limit (100 lines by default)
 */
public record ScriptReport(ScriptState state, Integer exitCode, int runs, String startedAt,
    String endedAt, List<String> lastLines) {
  /** The report of a script that never started: no exit code, no run, no time, no line. */
  public static final ScriptReport NEVER = new ScriptReport(ScriptState.NEVER_STARTED, null, 0,
      null, null, List.of());

  /**
   * Checks the state and copies the lines.
   *
   * @param state not null
   * @param exitCode as given
   * @param runs as given
   * @param startedAt as given; not parsed here
   * @param endedAt as given; not parsed here
   * @param lastLines null for none; copied
   * @throws NullPointerException if {@code state} is null or a line is null
   */
  public ScriptReport {
    Objects.requireNonNull(state, "state");
    lastLines = List.copyOf(lastLines == null ? List.of() : lastLines);
  }
}
