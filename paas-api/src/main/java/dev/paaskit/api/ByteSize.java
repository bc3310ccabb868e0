package dev.paaskit.api;

import java.util.Locale;

/**
 * A positive number of bytes, parsed from the forms Cloud Foundry manifests use: {@code 256M},
 * {@code 1G}, {@code 512MB}, {@code 1024K}, or a plain number of megabytes. Units count in 1024s.
 * Immutable and thread-safe; ordered by size.
 *
 * <pre>{@code
 * ByteSize.parse("memory", "256M").bytes() == 268_435_456
 * }</pre>
 *
 * @param bytes the size in bytes, positive
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
  private static final long K = 1024;

  /**
   * Checks the size.
   *
   * @param bytes positive
   * @throws IllegalArgumentException if {@code bytes} is 0 or negative
   */
  public ByteSize {
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes must be positive: " + bytes);
    }
  }

  /**
   * A size of {@code bytes} bytes.
   *
   * @param bytes positive
   * @return the size
   * @throws IllegalArgumentException if {@code bytes} is 0 or negative
   */
  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  /**
   * A size of {@code megabytes} mebibytes (1,048,576 bytes each), as manifests mean by M.
   *
   * @param megabytes positive
   * @return the size
   * @throws IllegalArgumentException if {@code megabytes} is 0 or negative
   * @throws ArithmeticException if the bytes do not fit in a {@code long}
   */
  public static ByteSize ofMegabytes(long megabytes) {
    return new ByteSize(Math.multiplyExact(megabytes, K * K));
  }

  /**
   * Parses {@code text} as a size for {@code field}: a whole number, then K, M, G or T (in any
   * case, each 1024 times the one before, optionally followed by B), B for bytes, or no unit for
   * megabytes. Blanks around the text, and between the number and its unit, are ignored; so
   * {@code 1g}, {@code 1 GB} and {@code 1024} are all 1 GiB. What {@link #toString()} prints
   * parses back to the same size.
   *
   * @param field the field the text is for, named by the error, such as {@code memory}
   * @param text the size as written
   * @return the size
   * @throws InvalidSpecException naming {@code field} and the text when it is null, blank, no
   *     whole number (at most 15 digits) with a known unit, 0, or more than a {@code long} holds
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

  /**
   * The size in whole mebibytes.
   *
   * @return {@link #bytes()} divided by 1,048,576, rounded down: 0 for less than 1 MiB
   */
  public long megabytes() {
    return bytes / (K * K);
  }

  @Override
  public int compareTo(ByteSize other) {
    return Long.compare(bytes, other.bytes);
  }

  /**
   * The shortest exact form, which {@link #parse} reads back to the same size.
   *
   * @return {@code 1G}, {@code 256M}, {@code 1536K}, or the bytes followed by B, such as
   *     {@code 1000B}
   */
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
