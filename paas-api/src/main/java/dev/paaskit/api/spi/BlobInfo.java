package dev.paaskit.api.spi;

import java.util.regex.Pattern;

/** A stored blob: its sha256 as 64 lower-case hex digits, and its size in bytes. */
public record BlobInfo(String sha256, long sizeBytes) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public BlobInfo {
    checkSha256(sha256);
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
  }

  /** @throws IllegalArgumentException unless {@code sha256} is 64 lower-case hex digits */
  public static String checkSha256(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return sha256;
  }
}
