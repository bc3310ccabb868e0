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

  /**
   * Checks that every limit is positive.
   *
   * @param maxTotalBytes more than zero
   * @param maxEntries more than zero
   * @param maxCompressionRatio more than zero
   * @param maxEntryBytes more than zero; a value above {@code maxTotalBytes} is allowed and then
   *     bounded by it
   * @throws IllegalArgumentException naming the first limit that is zero or negative, and its
   *     value
   */
  public ArchiveLimits {
    requirePositive("maxTotalBytes", maxTotalBytes);
    requirePositive("maxEntries", maxEntries);
    requirePositive("maxCompressionRatio", maxCompressionRatio);
    requirePositive("maxEntryBytes", maxEntryBytes);
  }

  /**
   * The limits a cloud applies unless told otherwise: room for real apps.
   *
   * @return 1 GiB in all, 100,000 entries, ratio 200, 512 MiB per file
   */
  public static ArchiveLimits defaults() {
    return new ArchiveLimits(GIB, 100_000, 200, GIB / 2);
  }

  /**
   * These limits with another total.
   *
   * @param bytes the most bytes all files together may hold once unpacked; more than zero
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code bytes} is zero or negative
   */
  public ArchiveLimits withMaxTotalBytes(long bytes) {
    return new ArchiveLimits(bytes, maxEntries, maxCompressionRatio, maxEntryBytes);
  }

  /**
   * These limits with another entry count.
   *
   * @param entries the most entries an archive may hold, folders and links included; more than
   *     zero
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code entries} is zero or negative
   */
  public ArchiveLimits withMaxEntries(int entries) {
    return new ArchiveLimits(maxTotalBytes, entries, maxCompressionRatio, maxEntryBytes);
  }

  /**
   * These limits with another compression ratio.
   *
   * @param ratio the most bytes unpacked per byte of archive; more than zero
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code ratio} is zero or negative
   */
  public ArchiveLimits withMaxCompressionRatio(int ratio) {
    return new ArchiveLimits(maxTotalBytes, maxEntries, ratio, maxEntryBytes);
  }

  /**
   * These limits with another size per file.
   *
   * @param bytes the most bytes a single file may hold; more than zero
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code bytes} is zero or negative
   */
  public ArchiveLimits withMaxEntryBytes(long bytes) {
    return new ArchiveLimits(maxTotalBytes, maxEntries, maxCompressionRatio, bytes);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
