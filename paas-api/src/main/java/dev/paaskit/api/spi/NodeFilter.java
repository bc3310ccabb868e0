package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * One test a node must pass to take an instance: a node a filter refuses is not scored, and when
 * no node is left, placement counts each refused node under the reason of the first filter that
 * refused it ({@code no node fits: 4 short of CPU}).
 *
 * <p>Placement calls {@link #evaluate} for every node it visits, from one thread at a time, so it
 * must be quick, must not block, and should return constant results ({@link FilterResult}
 * explains why). What it throws fails the placement, wrapped naming the filter and the node.
 *
 * <pre>{@code
 * NodeFilter gpu = NodeFilter.of("without a GPU", (request, node) -> node.tags().contains("gpu"));
 * NodeFilter tenant = (request, node) ->
 *     node.zone().equals(zones.get(request.labels().get("tenant"))) ? FilterResult.accepted()
 *         : OUTSIDE_TENANT_ZONE;
 * }</pre>
 */
@FunctionalInterface
public interface NodeFilter {
  /**
   * Whether {@code node} may take {@code request}'s instance, and if not, why.
   *
   * @param request the instance to place, with the app's labels
   * @param node a node as placement sees it now
   * @return {@link FilterResult#accepted()} or a refusal; never null
   */
  FilterResult evaluate(PlacementRequest request, NodeCandidate node);

  /**
   * Names the filter in errors and logs.
   *
   * @return by default the class's name
   */
  default String name() {
    return getClass().getName();
  }

  /**
   * A filter that accepts the nodes {@code accepts} holds true and refuses the others with
   * {@code reason}, which also names it.
   *
   * @param reason worded to follow a count, such as {@code without a GPU}
   * @param accepts which nodes pass; called as {@link #evaluate} is
   * @return the filter, named by its reason
   * @throws IllegalArgumentException when {@code reason} is blank
   */
  static NodeFilter of(String reason, BiPredicate<PlacementRequest, NodeCandidate> accepts) {
    return of(FilterResult.refused(reason), accepts);
  }

  /**
   * A filter that accepts the nodes {@code accepts} holds true and refuses the others with
   * {@code refusal}, whose reason names it.
   *
   * @param refusal what every refused node gets, its detail included
   * @param accepts which nodes pass; called as {@link #evaluate} is
   * @return the filter, named by the refusal's reason
   * @throws IllegalArgumentException when {@code refusal} is {@link FilterResult#accepted()}
   */
  static NodeFilter of(FilterResult refusal,
      BiPredicate<PlacementRequest, NodeCandidate> accepts) {
    Objects.requireNonNull(refusal, "refusal");
    Objects.requireNonNull(accepts, "accepts");
    if (refusal.isAccepted()) {
      throw new IllegalArgumentException("a filter's refusal cannot be " + refusal);
    }
    return new NodeFilter() {
      @Override
      public FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
        return accepts.test(request, node) ? FilterResult.accepted() : refusal;
      }

      @Override
      public String name() {
        return refusal.reason();
      }

      @Override
      public String toString() {
        return "NodeFilter{" + refusal.reason() + "}";
      }
    };
  }
}
