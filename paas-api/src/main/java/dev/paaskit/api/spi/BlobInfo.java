package dev.paaskit.api.spi;

import java.util.regex.Pattern;

/**
 * A stored blob, as {@link BlobStore#put} and {@link BlobStore#stat} describe it. Immutable and
 * thread-safe.
 *
 * @param sha256 the SHA-256 of its bytes, as 64 lower-case hex digits: its address
 * @param sizeBytes its size in bytes, 0 or more
 */
public record BlobInfo(String sha256, long sizeBytes) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks the parts.
   *
   * @param sha256 64 lower-case hex digits
   * @param sizeBytes 0 or more
   * @throws IllegalArgumentException if {@code sha256} is no such text, or {@code sizeBytes} is
   *     negative
   */
  public BlobInfo {
    checkSha256(sha256);
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
  }

  /**
   * Checks that {@code sha256} can be a blob's address, as every {@link BlobStore} method that
   * takes one must before it touches anything: so an address can never name a path outside a
   * store's folder.
   *
   * @param sha256 the text to check; null is refused
   * @return {@code sha256} itself, for use in an expression
   * @throws IllegalArgumentException unless {@code sha256} is 64 lower-case hex digits; the
   *     message shows it
   */
  public static String checkSha256(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return sha256;
  }
}
