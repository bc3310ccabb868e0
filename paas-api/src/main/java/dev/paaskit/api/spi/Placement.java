package dev.paaskit.api.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of placing one instance: the chosen node, or why none fits.
 *
 * @param rejections for each reason a node was refused (such as {@code short of memory}), how
 *     many nodes it refused, in the order the filters ran
 */
public record Placement(Optional<String> nodeId, Map<String, Integer> rejections) {
  public Placement {
    nodeId = nodeId == null ? Optional.empty() : nodeId;
    rejections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
        rejections == null ? Map.of() : rejections));
  }

  public static Placement on(String nodeId) {
    return new Placement(Optional.of(nodeId), Map.of());
  }

  public static Placement none(Map<String, Integer> rejections) {
    return new Placement(Optional.empty(), rejections);
  }

  public boolean placed() {
    return nodeId.isPresent();
  }

  /** {@code no node fits: 3 short of memory, 1 in the wrong zone}, or the chosen node. */
  public String explain() {
    if (placed()) {
      return "placed on " + nodeId.get();
    }
    if (rejections.isEmpty()) {
      return "no node fits: no nodes are available";
    }
    return "no node fits: " + rejections.entrySet().stream()
        .map(e -> String.format(java.util.Locale.ROOT, "%,d %s", e.getValue(), e.getKey()))
        .collect(Collectors.joining(", "));
  }
}
