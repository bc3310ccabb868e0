package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * A change seen by a watch.
 *
 * @param value the new value; empty for {@link Kind#DELETE}
 * @param revision the revision of the change
 */
public record WatchEvent(Kind kind, String key, byte[] value, long revision) {
  public enum Kind { PUT, DELETE }

  public WatchEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    value = value == null ? new byte[0] : value;
  }

  @Override
  public String toString() {
    return "WatchEvent{" + kind + " " + key + "@" + revision + "}";
  }
}
