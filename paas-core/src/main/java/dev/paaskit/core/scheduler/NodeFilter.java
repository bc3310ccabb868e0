package dev.paaskit.core.scheduler;

import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.PlacementRequest;

/**
 * One test a node must pass to take an instance. {@link #reason()} says why a node was refused,
 * worded to follow a count: {@code 12 short of memory}. Placement calls {@link #accepts} for every
 * node it visits, so it must be quick and must not block.
 */
public interface NodeFilter {
  String reason();

  boolean accepts(PlacementRequest request, NodeCandidate node);

  static NodeFilter of(String reason, java.util.function.BiPredicate<PlacementRequest, NodeCandidate> test) {
    return new NodeFilter() {
      @Override
      public String reason() {
        return reason;
      }

      @Override
      public boolean accepts(PlacementRequest request, NodeCandidate node) {
        return test.test(request, node);
      }

      @Override
      public String toString() {
        return "NodeFilter{" + reason + "}";
      }
    };
  }
}
