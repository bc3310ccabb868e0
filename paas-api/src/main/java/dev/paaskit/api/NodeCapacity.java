package dev.paaskit.api;

import java.util.Objects;

/**
 * What a node offers to instances: placement reserves each instance's memory and disk from it.
 * Immutable and thread-safe.
 *
 * @param memory the memory instances may reserve in all
 * @param disk the disk instances may reserve in all
 * @param maxInstances the most instances the node runs at once, positive
 */
public record NodeCapacity(ByteSize memory, ByteSize disk, int maxInstances) {
  /**
   * Checks the parts.
   *
   * @param memory not null
   * @param disk not null
   * @param maxInstances positive
   * @throws IllegalArgumentException if {@code maxInstances} is 0 or negative
   * @throws NullPointerException if {@code memory} or {@code disk} is null
   */
  public NodeCapacity {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(disk, "disk");
    if (maxInstances <= 0) {
      throw new IllegalArgumentException("maxInstances must be positive: " + maxInstances);
    }
  }

  /**
   * A capacity of sizes as manifests write them, for at most 256 instances:
   * {@code NodeCapacity.of("4G", "20G")}.
   *
   * @param memory a size as {@link ByteSize#parse} reads it; a bare number is megabytes
   * @param disk a size as {@link ByteSize#parse} reads it
   * @return the capacity
   * @throws InvalidSpecException naming {@code memory} or {@code disk} when it is no size
   */
  public static NodeCapacity of(String memory, String disk) {
    return new NodeCapacity(ByteSize.parse("memory", memory), ByteSize.parse("disk", disk), 256);
  }
}
