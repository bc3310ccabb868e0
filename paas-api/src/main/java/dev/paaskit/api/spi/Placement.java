package dev.paaskit.api.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of placing one instance: the chosen node, or why none fits. Immutable and
 * thread-safe.
 *
 * @param nodeId the chosen node; empty when none fits
 * @param rejections for each reason a node was refused (such as {@code short of memory}), how
 *     many nodes it refused, in the order the filters ran
 */
public record Placement(Optional<String> nodeId, Map<String, Integer> rejections) {
  /**
   * Copies the rejections in order; a null node or map is read as empty. Nothing else is
   * checked: a placed outcome carries no rejections by convention only.
   *
   * @param nodeId null for empty
   * @param rejections copied in order; null for none
   * @throws NullPointerException if {@code rejections} holds a null key or value
   */
  public Placement {
    nodeId = nodeId == null ? Optional.empty() : nodeId;
    rejections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
        rejections == null ? Map.of() : rejections));
  }

  /**
   * The instance goes to {@code nodeId}.
   *
   * @param nodeId the chosen node, one of the candidates; not null
   * @return a placed outcome, without rejections
   * @throws NullPointerException if {@code nodeId} is null
   */
  public static Placement on(String nodeId) {
    return new Placement(Optional.of(nodeId), Map.of());
  }

  /**
   * No node fits.
   *
   * @param rejections how many nodes each reason refused, in the order the filters ran; empty
   *     when there were no nodes at all
   * @return an outcome that is not placed
   */
  public static Placement none(Map<String, Integer> rejections) {
    return new Placement(Optional.empty(), rejections);
  }

  /**
   * Whether a node was chosen.
   *
   * @return true when {@link #nodeId()} is present
   */
  public boolean placed() {
    return nodeId.isPresent();
  }

  /**
   * The outcome in words, for events and errors.
   *
   * @return {@code placed on n1}; {@code no node fits: 3 short of memory, 1 in the wrong zone}
   *     (counts with thousands separated by commas); or {@code no node fits: no nodes are
   *     available} when nothing was refused
   */
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
