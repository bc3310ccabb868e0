package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.LogEntry;
import java.time.Instant;

/** The wire form of {@link LogEntry}, published on {@link Subjects#logs(String)}. */
public record LogMessage(long timeMillis, String appName, int index, String instanceId,
    String source, String text) {
  public LogEntry toEntry() {
    return new LogEntry(Instant.ofEpochMilli(timeMillis), appName, index, source, text);
  }
}
