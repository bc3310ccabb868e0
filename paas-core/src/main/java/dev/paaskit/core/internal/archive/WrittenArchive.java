package dev.paaskit.core.internal.archive;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link TarGzWriter} wrote: the address and size a blob store gives the same bytes.
 *
 * @param sha256 lowercase hex digest of the archive's bytes
 * @param bytes how many bytes were written
 * @param entries how many entries the archive holds
 */
public record WrittenArchive(String sha256, long bytes, int entries) {
  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

  public WrittenArchive {
    Objects.requireNonNull(sha256, "sha256");
    if (!HEX_SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
    }
    if (bytes < 0 || entries < 0) {
      throw new IllegalArgumentException(
          "bytes and entries must not be negative: " + bytes + ", " + entries);
    }
  }
}
