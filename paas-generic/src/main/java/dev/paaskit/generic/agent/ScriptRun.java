package dev.paaskit.generic.agent;

import dev.paaskit.generic.ScriptReport;
import dev.paaskit.generic.ScriptState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/** One script of one agent: its state, its last exit and its last output lines. Not thread-safe. */
final class ScriptRun {
  private final int maxLines;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private ScriptState state = ScriptState.NEVER_STARTED;
  private Integer exitCode;
  private int runs;
  private Instant startedAt;
  private Instant endedAt;

  ScriptRun(int maxLines) {
    this.maxLines = maxLines;
  }

  ScriptState state() {
    return state;
  }

  boolean succeeded() {
    return state == ScriptState.EXITED && exitCode != null && exitCode == 0;
  }

  Integer exitCode() {
    return exitCode;
  }

  void started(Instant now) {
    state = ScriptState.RUNNING;
    exitCode = null;
    endedAt = null;
    startedAt = now;
    runs++;
    lines.clear();
  }

  void ended(Instant now, int code, boolean stopped) {
    state = stopped ? ScriptState.STOPPED : ScriptState.EXITED;
    exitCode = code;
    endedAt = now;
  }

  void line(String line) {
    if (lines.size() == maxLines) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  ScriptReport report() {
    return new ScriptReport(state, exitCode, runs, startedAt == null ? null : startedAt.toString(),
        endedAt == null ? null : endedAt.toString(), List.copyOf(lines));
  }
}
