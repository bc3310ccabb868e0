package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * One key's value in a {@link StateStore}: a snapshot, whose array the store copied for the
 * caller alone. Its {@code toString} shows the size of the value, not its bytes.
 *
 * @param key the key
 * @param value the value; the caller's own copy, possibly empty
 * @param revision the store-wide revision of the write that produced this value; a later write
 *     of any key has a higher revision
 */
public record StoreEntry(String key, byte[] value, long revision) {
  /**
   * Checks the parts; the array is kept as it is, not copied.
   *
   * @param key not null
   * @param value not null
   * @param revision positive
   * @throws IllegalArgumentException if {@code revision} is 0 or negative
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public StoreEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (revision <= 0) {
      throw new IllegalArgumentException("revision must be positive: " + revision);
    }
  }

  @Override
  public String toString() {
    return "StoreEntry{" + key + "@" + revision + ", " + value.length + " bytes}";
  }
}
