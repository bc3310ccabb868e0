package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.Set;

/**
 * One instance to place.
 *
 * @param stack the stack the droplet needs, or empty for any
 * @param zones zones the app may run in; empty for any
 * @param tags placement tags a node must carry, as in Stackato
 */
public record PlacementRequest(String appName, int index, long memoryBytes, long diskBytes,
    String stack, Set<String> zones, Set<String> tags) {
  public PlacementRequest {
    Objects.requireNonNull(appName, "appName");
    stack = stack == null ? "" : stack;
    zones = Set.copyOf(zones == null ? Set.of() : zones);
    tags = Set.copyOf(tags == null ? Set.of() : tags);
  }

  public static PlacementRequest of(String appName, int index, long memoryBytes, long diskBytes) {
    return new PlacementRequest(appName, index, memoryBytes, diskBytes, "", Set.of(), Set.of());
  }
}
