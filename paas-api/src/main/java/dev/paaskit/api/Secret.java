package dev.paaskit.api;

import java.util.Objects;

/**
 * A value that must never be printed: its {@link #toString()} is {@code ******}, so a secret
 * that reaches a log line, an event or an exception message shows nothing. Read it on purpose
 * with {@link #reveal()}. Immutable and thread-safe; two secrets of the same value are equal.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /**
   * A secret holding {@code value}.
   *
   * @param value the plain value, possibly empty; not null
   * @return the secret
   * @throws NullPointerException if {@code value} is null
   */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /**
   * The plain value; call only where it is handed to its one consumer.
   *
   * @return the value given to {@link #of}
   */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Shows nothing of the value, not even its length.
   *
   * @return {@code ******}, for every secret
   */
  @Override
  public String toString() {
    return "******";
  }
}
