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
 *     .withInstancesByZone(Map.of("z1", 2, "z2", 1))
 *     .withLabels(Map.of("tenant", "acme"));
 * }</pre>
 *
 * @param appName the app's name
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
 * @param labels the app's labels ({@code AppSpec.labels()}), for filters and scorers of the
 *     host's own to read, such as a {@code tenant}; the built-in ones ignore them
 */
public record PlacementRequest(String appName, int index, long memoryBytes, long diskBytes,
    long cpuShares, String stack, Set<String> zones, Set<String> tags, int maxPerNode,
    Map<String, Integer> instancesByZone, Map<String, String> labels) {
  /**
   * Checks amounts and copies collections; a null stack or collection reads as empty.
   *
   * @param appName the app's name
   * @param index the instance's index in its app, 0 or more
   * @param memoryBytes memory the instance needs, 0 or more
   * @param diskBytes disk the instance needs, 0 or more
   * @param cpuShares CPU shares the instance needs; 0 asks for none
   * @param stack the stack the droplet needs, or empty for any
   * @param zones zones the app may run in; empty for any
   * @param tags placement tags a node must carry
   * @param maxPerNode the most instances of the app one node may run; 0 for no limit
   * @param instancesByZone instances of the app already placed in each zone
   * @param labels the app's labels
   * @throws IllegalArgumentException naming the component when an amount or a zone's count is
   *     negative
   * @throws NullPointerException when {@code appName}, or a key or value of a map or set, is null
   */
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
    // The health manager passes the spec's immutable map, which copyOf returns as it is.
    labels = Map.copyOf(labels == null ? Map.of() : labels);
  }

  /**
   * A request without labels, as before apps had them.
   *
   * @param appName the app's name
   * @param index the instance's index in its app, 0 or more
   * @param memoryBytes memory the instance needs, 0 or more
   * @param diskBytes disk the instance needs, 0 or more
   * @param cpuShares CPU shares the instance needs; 0 asks for none
   * @param stack the stack the droplet needs, or empty for any
   * @param zones zones the app may run in; empty for any
   * @param tags placement tags a node must carry
   * @param maxPerNode the most instances of the app one node may run; 0 for no limit
   * @param instancesByZone instances of the app already placed in each zone
   * @throws IllegalArgumentException as the canonical constructor
   */
  public PlacementRequest(String appName, int index, long memoryBytes, long diskBytes,
      long cpuShares, String stack, Set<String> zones, Set<String> tags, int maxPerNode,
      Map<String, Integer> instancesByZone) {
    this(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones, tags, maxPerNode,
        instancesByZone, Map.of());
  }

  /**
   * An instance that needs memory and disk, on any stack, zone and node, without labels.
   *
   * @param appName the app's name
   * @param index the instance's index in its app, 0 or more
   * @param memoryBytes memory the instance needs, 0 or more
   * @param diskBytes disk the instance needs, 0 or more
   * @return the request
   * @throws IllegalArgumentException when an amount or the index is negative
   */
  public static PlacementRequest of(String appName, int index, long memoryBytes, long diskBytes) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, 0, "", Set.of(), Set.of(),
        0, Map.of(), Map.of());
  }

  /**
   * This request with {@code cpuShares} replaced.
   *
   * @param cpuShares the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withCpuShares(long cpuShares) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code stack} replaced.
   *
   * @param stack the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withStack(String stack) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code zones} replaced.
   *
   * @param zones the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withZones(Set<String> zones) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code tags} replaced.
   *
   * @param tags the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withTags(Set<String> tags) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code maxPerNode} replaced.
   *
   * @param maxPerNode the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withMaxPerNode(int maxPerNode) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code instancesByZone} replaced.
   *
   * @param instancesByZone the new value, checked as the constructor checks it
   * @return a new request
   */
  public PlacementRequest withInstancesByZone(Map<String, Integer> instancesByZone) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  /**
   * This request with {@code labels} replaced.
   *
   * @param labels the app's labels; null for none
   * @return a new request
   * @throws NullPointerException when a key or value is null
   */
  public PlacementRequest withLabels(Map<String, String> labels) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, cpuShares, stack, zones,
        tags, maxPerNode, instancesByZone, labels);
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
