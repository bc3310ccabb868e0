package dev.paaskit.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The archive formats the extractor reads, told apart by their leading bytes. */
enum ArchiveFormat {
  TAR, GZIP, ZIP;

  /** How many leading bytes {@link #detect} needs to see: one tar header block. */
  static final int PROBE_BYTES = 512;

  private static final byte[] USTAR = "ustar".getBytes(StandardCharsets.US_ASCII);
  private static final int USTAR_OFFSET = 257;

  /** The format whose signature starts {@code head}, or null for none of them. */
  static ArchiveFormat detect(byte[] head) {
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
      return ZIP;
    }
    return isTarHeader(head) ? TAR : null;
  }

  /**
   * Whether {@code block} starts a POSIX or GNU tar archive, or is the zero block that ends an
   * empty one.
   */
  static boolean isTarHeader(byte[] block) {
    if (block.length < PROBE_BYTES) {
      return false;
    }
    if (Arrays.equals(block, USTAR_OFFSET, USTAR_OFFSET + USTAR.length, USTAR, 0, USTAR.length)) {
      return true;
    }
    for (int i = 0; i < PROBE_BYTES; i++) {
      if (block[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
