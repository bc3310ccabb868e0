package dev.paaskit.core.protocol;

import java.util.Set;

/**
 * A node saying it exists and what it offers.
 *
 * @param epoch changes each time the node process starts, so a restarted node is told apart
 *     from a replayed message of its earlier life
 * @param address where the node's instances are reached, such as {@code 127.0.0.1}
 */
public record NodeAdvertisement(String nodeId, long epoch, String zone, String stack,
    Set<String> tags, long memoryBytes, long diskBytes, int maxInstances, String backend,
    String address) {
  public NodeAdvertisement {
    tags = tags == null ? Set.of() : Set.copyOf(tags);
  }
}
