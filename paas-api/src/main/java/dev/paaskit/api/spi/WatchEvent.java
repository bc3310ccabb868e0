package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * A change seen by a watch. Its {@code toString} shows the key and revision, not the value.
 *
 * @param kind whether the key was written or deleted
 * @param key the key that changed
 * @param value the new value, the listener's own copy; empty for {@link Kind#DELETE}
 * @param revision the revision of the change
 */
public record WatchEvent(Kind kind, String key, byte[] value, long revision) {
  /** What happened to the key. */
  public enum Kind {
    /** The key was written: created or replaced, unconditionally or by compare-and-set. */
    PUT,
    /** The key was deleted. */
    DELETE
  }

  /**
   * Checks the parts are present; a null value is read as empty. The array is kept, not copied.
   *
   * @param kind not null
   * @param key not null
   * @param value null for empty
   * @param revision not checked
   * @throws NullPointerException if {@code kind} or {@code key} is null
   */
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
