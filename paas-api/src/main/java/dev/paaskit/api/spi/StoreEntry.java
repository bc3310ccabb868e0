package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * One key's value in a {@link StateStore}.
 *
 * @param revision the store-wide revision of the write that produced this value; a later write
 *     of any key has a higher revision
 */
public record StoreEntry(String key, byte[] value, long revision) {
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
