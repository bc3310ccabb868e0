package dev.paaskit.core.archive;

/**
 * Bounds on what one archive may hold, applied while packing and unpacking so that a hostile
 * upload cannot fill a disk or exhaust inodes. A limit is exceeded, never reached: an archive of
 * exactly {@code maxEntries} entries is accepted.
 *
 * <pre>{@code
 * ArchiveLimits limits = ArchiveLimits.defaults().withMaxEntries(10_000);
 * }</pre>
 *
 * @param maxTotalBytes the most bytes all files together may hold once unpacked
 * @param maxEntries the most entries (files, folders, links) an archive may hold
 * @param maxCompressionRatio the most bytes unpacked per byte of archive; refuses bombs
 * @param maxEntryBytes the most bytes a single file may hold
 */
public record ArchiveLimits(long maxTotalBytes, int maxEntries, int maxCompressionRatio,
    long maxEntryBytes) {
  private static final long GIB = 1L << 30;

  public ArchiveLimits {
    requirePositive("maxTotalBytes", maxTotalBytes);
    requirePositive("maxEntries", maxEntries);
    requirePositive("maxCompressionRatio", maxCompressionRatio);
    requirePositive("maxEntryBytes", maxEntryBytes);
  }

  /** 1 GiB in all, 100,000 entries, ratio 200, 512 MiB per file: room for real apps. */
  public static ArchiveLimits defaults() {
    return new ArchiveLimits(GIB, 100_000, 200, GIB / 2);
  }

  public ArchiveLimits withMaxTotalBytes(long bytes) {
    return new ArchiveLimits(bytes, maxEntries, maxCompressionRatio, maxEntryBytes);
  }

  public ArchiveLimits withMaxEntries(int entries) {
    return new ArchiveLimits(maxTotalBytes, entries, maxCompressionRatio, maxEntryBytes);
  }

  public ArchiveLimits withMaxCompressionRatio(int ratio) {
    return new ArchiveLimits(maxTotalBytes, maxEntries, ratio, maxEntryBytes);
  }

  public ArchiveLimits withMaxEntryBytes(long bytes) {
    return new ArchiveLimits(maxTotalBytes, maxEntries, maxCompressionRatio, bytes);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
