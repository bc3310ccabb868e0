package dev.paaskit.api.spi;

/**
 * What one container uses now, as its backend counts it. A snapshot; immutable.
 *
 * @param cpuNanos CPU time its processes used since it started, in nanoseconds; a node turns two
 *     readings into a CPU percentage
 * @param memoryBytes memory charged to it now (a cgroup's count less reclaimable file cache,
 *     or the resident size of its processes where there is no cgroup)
 * @param diskBytes space its work folder takes, in bytes
 */
public record ContainerStats(long cpuNanos, long memoryBytes, long diskBytes) {
  /**
   * Checks the readings.
   *
   * @param cpuNanos not negative
   * @param memoryBytes not negative
   * @param diskBytes not negative
   * @throws IllegalArgumentException if a reading is negative, showing all three
   */
  public ContainerStats {
    if (cpuNanos < 0 || memoryBytes < 0 || diskBytes < 0) {
      throw new IllegalArgumentException("stats must not be negative: cpuNanos=" + cpuNanos
          + " memory=" + memoryBytes + " disk=" + diskBytes);
    }
  }
}
