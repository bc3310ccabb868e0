package dev.paaskit.api.spi;

/**
 * Limits a backend enforces on one container, as far as it can: the process backend watches
 * memory, a cgroup backend enforces all of them. Immutable and thread-safe.
 *
 * @param memoryBytes resident memory above which the container is killed, positive
 * @param diskBytes space the container's folder may use, positive
 * @param cpuShares relative CPU weight, as cgroup v1's {@code cpu.shares}: 1024 is the default
 *     weight, and a node gives every instance 1024; positive
 */
public record ResourceLimits(long memoryBytes, long diskBytes, int cpuShares) {
  /**
   * Checks the limits.
   *
   * @param memoryBytes positive
   * @param diskBytes positive
   * @param cpuShares positive
   * @throws IllegalArgumentException if a limit is 0 or negative, showing all three
   */
  public ResourceLimits {
    if (memoryBytes <= 0 || diskBytes <= 0 || cpuShares <= 0) {
      throw new IllegalArgumentException("limits must be positive: memory=" + memoryBytes
          + " disk=" + diskBytes + " cpuShares=" + cpuShares);
    }
  }
}
