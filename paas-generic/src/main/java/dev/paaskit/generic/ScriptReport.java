package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;

/**
 * One script of one agent.
 *
 * @param exitCode set once the script ended: its code, or {@code 128 + signal}
 * @param runs how many times it started since the code version was activated
 * @param startedAt ISO-8601 of the last start, or null
 * @param endedAt ISO-8601 of the last end, or null
 * @param lastLines the last lines it wrote, stdout and stderr together, oldest first
 */
public record ScriptReport(ScriptState state, Integer exitCode, int runs, String startedAt,
    String endedAt, List<String> lastLines) {
  public static final ScriptReport NEVER = new ScriptReport(ScriptState.NEVER_STARTED, null, 0,
      null, null, List.of());

  public ScriptReport {
    Objects.requireNonNull(state, "state");
    lastLines = List.copyOf(lastLines == null ? List.of() : lastLines);
  }
}
