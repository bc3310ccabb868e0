package dev.paaskit.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One instance to place: what it needs from a node, where it may run, and how the app's
 * instances are spread already.
 *
 * <pre>{@code
 * PlacementRequest r = PlacementRequest.of("web", 3, 512L << 20, 1L << 30)
 *     .withCpuShares(256)
 *     .withMaxPerNode(1)
 *     .withInstancesByZone(Map.of("z1", 2, "z2", 1));
 * }</pre>
 *
 * @param index the instance's index in its app, 0 or more
 * @param memoryBytes memory the instance needs, 0 or more
 * @param diskBytes disk the instance needs, 0 or more
 * @param cpuShares CPU the instance needs, in the shares nodes advertise (by convention 1,024 to
 *     a core); 0 asks for none
 * @param stack the stack the droplet needs, or empty for any
 * @param zones zones the app may run in; empty for any
 * @param tags placement tags a node must carry, as in Stackato
 * @param maxPerNode hard anti-affinity: the most instances of this app one node may run, this
 *     one included, so 1 puts every instance on a node of its own; 0 for no limit
 * @param instancesByZone instances of this app already placed in each zone; a zone it does not
 *     name has none. Placement balances zones from it.
 */
public record PlacementRequest(String appName, int index, long memoryBytes, long diskBytes,
    long cpuShares, String stack, Set<String> zones, Set<String> tags, int maxPerNode,
    Map<String, Integer> instancesByZone) {
  public PlacementRequest {
    Objects.requireNonNull(appName, "appName");
    requireNotNegative("index", index);
    requireNotNegative("memoryBytes", memoryBytes);
    requireNotNegative("diskBytes", diskBytes);
    requireNotNegative("cpuShares", cpuShares);
    requireNotNegative("maxPerNode", maxPerNode);
    stack = stack == null ? "" : stack;
    zones = Set.copyOf(zones == null ? Set.of() : zones);
    tags = Set.copyOf(tags == null ? Set.of() : tags);
    instancesByZone = Map.copyOf(instancesByZone == null ? Map.of() : instancesByZone);
    for (Map.Entry<String, Integer> e : instancesByZone.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            "instancesByZone of zone '" + e.getKey() + "' must not be negative: " + e.getValue());
      }
    }
  }

  /** An instance that needs memory and disk, on any stack, zone and node. */
  public static PlacementRequest of(String appName, int index, long memoryBytes, long diskBytes) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, 0, "", Set.of(), Set.of(),
        0, Map.of());
  }

  public PlacementRequest withCpuShares(long cpuShares) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  public PlacementRequest withStack(String stack) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  public PlacementRequest withZones(Set<String> zones) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  public PlacementRequest withTags(Set<String> tags) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  public PlacementRequest withMaxPerNode(int maxPerNode) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  public PlacementRequest withInstancesByZone(Map<String, Integer> instancesByZone) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone);
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
