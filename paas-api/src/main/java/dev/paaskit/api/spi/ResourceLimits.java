package dev.paaskit.api.spi;

/**
 * Limits a backend enforces on one container, as far as it can: the process backend watches
 * memory, a cgroup backend enforces all of them.
 *
 * @param memoryBytes resident memory above which the container is killed
 * @param diskBytes space the container's folder may use
 * @param cpuShares relative CPU weight; 1024 is one share, as in cgroups
 */
public record ResourceLimits(long memoryBytes, long diskBytes, int cpuShares) {
  public ResourceLimits {
    if (memoryBytes <= 0 || diskBytes <= 0 || cpuShares <= 0) {
      throw new IllegalArgumentException("limits must be positive: memory=" + memoryBytes
          + " disk=" + diskBytes + " cpuShares=" + cpuShares);
    }
  }
}
