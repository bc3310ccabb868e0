package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One line an instance wrote, or a line about it from the platform. Immutable and thread-safe.
 *
 * @param time when the line was written, by its node's clock
 * @param appName the app whose instance wrote it
 * @param index the instance index, or -1 for a line from the platform
 * @param source {@code OUT} or {@code ERR} for the app's own output (what hooks and a
 *     cartridge's gear print is {@code OUT} too); {@code API}, with index -1, for a notice of the
 *     REST API, such as lines it dropped for a slow reader
 * @param text the line, without its line terminator; empty for an empty line
 */
public record LogEntry(Instant time, String appName, int index, String source, String text) {
  /**
   * Checks the parts are present; a null text is read as empty.
   *
   * @param time not null
   * @param appName not null
   * @param index not checked
   * @param source not null
   * @param text null for empty
   * @throws NullPointerException if {@code time}, {@code appName} or {@code source} is null
   */
  public LogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(source, "source");
    text = text == null ? "" : text;
  }
}
