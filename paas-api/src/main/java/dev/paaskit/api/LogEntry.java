package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One line an instance wrote, or a line about it from the platform.
 *
 * @param index the instance index, or -1 for a line from staging or the platform
 * @param source {@code OUT} or {@code ERR} for the app's own output, {@code STG} for staging
 */
public record LogEntry(Instant time, String appName, int index, String source, String text) {
  public LogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(source, "source");
    text = text == null ? "" : text;
  }
}
