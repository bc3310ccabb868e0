package dev.paaskit.core.internal.store;

import dev.paaskit.api.spi.StateStore;
import java.util.Objects;

/** The key, prefix and value rules of {@link StateStore}, shared by every store here. */
public final class Keys {
  public static final int MAX_KEY_LENGTH = 255;

  private Keys() {}

  /**
   * @throws IllegalArgumentException unless {@code key} is 1 to 255 characters of
   *     {@code [-/_=.a-zA-Z0-9]} that neither starts nor ends with {@code .}
   */
  public static String checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("invalid key \"\": a key must not be empty");
    }
    checkCharacters("key", key);
    if (key.charAt(0) == '.' || key.charAt(key.length() - 1) == '.') {
      throw new IllegalArgumentException(
          "invalid key \"" + shown(key) + "\": a key must not start or end with '.'");
    }
    return key;
  }

  /**
   * A prefix selects the keys that start with it; the empty prefix selects all keys.
   *
   * @throws IllegalArgumentException unless {@code prefix} is at most 255 characters of
   *     {@code [-/_=.a-zA-Z0-9]}
   */
  public static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    checkCharacters("prefix", prefix);
    return prefix;
  }

  /** @throws IllegalArgumentException if {@code value} is longer than the store allows */
  public static byte[] checkValue(byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length > StateStore.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value is " + value.length + " bytes, more than "
          + StateStore.MAX_VALUE_BYTES + " (StateStore.MAX_VALUE_BYTES)");
    }
    return value;
  }

  private static void checkCharacters(String what, String text) {
    if (text.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("invalid " + what + " \"" + shown(text) + "\": "
          + text.length() + " characters, more than " + MAX_KEY_LENGTH);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isKeyCharacter(c)) {
        throw new IllegalArgumentException("invalid " + what + " \"" + shown(text)
            + "\": character " + describe(c) + " at index " + i
            + " is not one of [-/_=.a-zA-Z0-9]");
      }
    }
  }

  private static boolean isKeyCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '/' || c == '_' || c == '=' || c == '.';
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** Keeps error messages readable when someone passes a huge string as a key. */
  private static String shown(String text) {
    return text.length() <= 80 ? text : text.substring(0, 60) + "...(" + text.length() + " chars)";
  }
}
