package dev.paaskit.api;

import java.util.Locale;

/**
 * A positive number of bytes, parsed from the forms Cloud Foundry manifests use: {@code 256M},
 * {@code 1G}, {@code 512MB}, {@code 1024K}, or a plain number of megabytes.
 *
 * <pre>{@code
 * ByteSize.parse("memory", "256M").bytes() == 268_435_456
 * }</pre>
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
  private static final long K = 1024;

  public ByteSize {
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes must be positive: " + bytes);
    }
  }

  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  public static ByteSize ofMegabytes(long megabytes) {
    return new ByteSize(Math.multiplyExact(megabytes, K * K));
  }

  /**
   * Parses {@code text} as a size for {@code field}.
   *
   * @throws InvalidSpecException naming {@code field} when the text does not parse or is not positive
   */
  public static ByteSize parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidSpecException(field, text, "a size such as 256M or 1G is required");
    }
    String s = text.trim().toUpperCase(Locale.ROOT);
    if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
      s = s.substring(0, s.length() - 1);
    }
    long unit = K * K;
    char last = s.charAt(s.length() - 1);
    switch (last) {
      case 'K' -> unit = K;
      case 'M' -> unit = K * K;
      case 'G' -> unit = K * K * K;
      case 'T' -> unit = K * K * K * K;
      case 'B' -> unit = 1;
      default -> {
        if (!Character.isDigit(last)) {
          throw new InvalidSpecException(field, text, "unknown unit '" + last + "'; use K, M, G or T");
        }
        s = s + "M";
      }
    }
    String digits = s.substring(0, s.length() - 1).trim();
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 15) {
      throw new InvalidSpecException(field, text, "not a size; use a whole number with K, M, G or T");
    }
    long n = Long.parseLong(digits);
    if (n <= 0) {
      throw new InvalidSpecException(field, text, "must be positive");
    }
    try {
      return new ByteSize(Math.multiplyExact(n, unit));
    } catch (ArithmeticException e) {
      throw new InvalidSpecException(field, text, "too large");
    }
  }

  public long megabytes() {
    return bytes / (K * K);
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  /** The shortest exact form: {@code 1G}, {@code 256M}, {@code 1536K} or a number of bytes. */
  @Override
  public String toString() {
    long[] units = {K * K * K * K, K * K * K, K * K, K};
    String[] names = {"T", "G", "M", "K"};
    for (int i = 0; i < units.length; i++) {
      if (bytes % units[i] == 0) {
        return bytes / units[i] + names[i];
      }
    }
    return bytes + "B";
  }
}
