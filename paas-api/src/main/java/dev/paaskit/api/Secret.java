package dev.paaskit.api;

import java.util.Objects;

/**
 * A value that must never be printed: its {@link #toString()} is {@code ******}, so a secret
 * that reaches a log line, an event or an exception message shows nothing. Read it on purpose
 * with {@link #reveal()}.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The plain value; call only where it is handed to its one consumer. */
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

  @Override
  public String toString() {
    return "******";
  }
}
