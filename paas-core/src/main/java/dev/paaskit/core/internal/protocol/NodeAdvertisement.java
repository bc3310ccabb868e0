package dev.paaskit.core.internal.protocol;

import java.util.Set;

/**
 * A node saying it exists and what it offers.
 *
 * @param epoch chosen at random each time the node starts, so a restarted node is told apart
 *     from its earlier life; any new epoch means a restart
 * @param address where the node's instances are reached, such as {@code 127.0.0.1}
 * @param heartbeatMillis how often the node heartbeats; liveness is judged against it
 * @param cpuShares all the CPU the node offers, by convention 1,024 shares to a core; 0 when the
 *     node does not meter CPU
 */
public record NodeAdvertisement(String nodeId, long epoch, String zone, String stack,
    Set<String> tags, long memoryBytes, long diskBytes, int maxInstances, String backend,
    String address, long heartbeatMillis, long cpuShares) {
  public NodeAdvertisement {
    tags = tags == null ? Set.of() : Set.copyOf(tags);
  }
}
