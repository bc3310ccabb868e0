package dev.paaskit.api;

import java.util.Objects;

/**
 * What a node offers to instances.
 *
 * @param maxInstances the most instances the node runs at once
 */
public record NodeCapacity(ByteSize memory, ByteSize disk, int maxInstances) {
  public NodeCapacity {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(disk, "disk");
    if (maxInstances <= 0) {
      throw new IllegalArgumentException("maxInstances must be positive: " + maxInstances);
    }
  }

  /** {@code NodeCapacity.of("4G", "20G")}: at most 256 instances. */
  public static NodeCapacity of(String memory, String disk) {
    return new NodeCapacity(ByteSize.parse("memory", memory), ByteSize.parse("disk", disk), 256);
  }
}
