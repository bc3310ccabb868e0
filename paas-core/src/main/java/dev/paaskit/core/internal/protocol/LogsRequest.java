package dev.paaskit.core.internal.protocol;

import java.util.List;

/** Asks a node for the last {@code lines} lines of each of an app's instances it has. */
public record LogsRequest(String appId, int lines) {
  /** The answer: the lines, each instance's oldest first. */
  public record Reply(List<LogMessage> lines) {
    public Reply {
      lines = lines == null ? List.of() : List.copyOf(lines);
    }
  }
}
