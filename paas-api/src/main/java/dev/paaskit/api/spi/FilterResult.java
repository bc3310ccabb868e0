package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * What a {@link NodeFilter} says of one node: accepted, or refused with a reason, as Fenzo's
 * {@code ConstraintEvaluator.Result}. Immutable and thread-safe.
 *
 * <p>A refusal has two texts. Its {@link #reason()} is the filter-level key that placement
 * counts nodes under, worded to follow a count: {@code 12 short of memory}. Its {@link
 * #detail(PlacementRequest, NodeCandidate) detail} names what was short or wrong on one node,
 * such as {@code short of CPU: needs 512 shares, 128 free}, and is built only when someone asks
 * for it. Placement evaluates filters on every node it visits, so a filter should keep each of its
 * refusals in a constant and return it: evaluating then allocates nothing, and the counts need no
 * text built per node.
 *
 * <pre>{@code
 * static final FilterResult NO_GPU = FilterResult.refused("without a GPU",
 *     (request, node) -> "without a GPU: tags " + node.tags());
 *
 * FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
 *   return node.tags().contains("gpu") ? FilterResult.accepted() : NO_GPU;
 * }
 * }</pre>
 */
public final class FilterResult {
  /**
   * Words one refusal for one node: what it needed and what the node had. Called only when an
   * explanation is asked for, possibly long after the refusal and from another thread, so it must
   * read nothing but its arguments and immutable state.
   */
  @FunctionalInterface
  public interface Detail {
    /**
     * The text of the refusal of {@code request} on {@code node}.
     *
     * @param request the instance that was refused
     * @param node the node that refused it
     * @return the text, best starting with the reason: {@code in the wrong zone: zone us not in
     *     [eu]}
     */
    String describe(PlacementRequest request, NodeCandidate node);
  }

  private static final FilterResult ACCEPTED = new FilterResult("", null);

  private final String reason;
  private final Detail detail;

  private FilterResult(String reason, Detail detail) {
    this.reason = reason;
    this.detail = detail;
  }

  /**
   * The node passes the filter.
   *
   * @return always the same instance
   */
  public static FilterResult accepted() {
    return ACCEPTED;
  }

  /**
   * A refusal whose detail is its reason.
   *
   * @param reason what placement counts the node under, worded to follow a count, such as {@code
   *     short of memory}
   * @return a new refusal; keep it in a constant
   * @throws IllegalArgumentException when {@code reason} is blank
   * @throws NullPointerException when {@code reason} is null
   */
  public static FilterResult refused(String reason) {
    return new FilterResult(checkReason(reason), null);
  }

  /**
   * A refusal that words its detail for each node on demand.
   *
   * @param reason what placement counts the node under, worded to follow a count
   * @param detail builds the text naming what was short or wrong on a node
   * @return a new refusal; keep it in a constant
   * @throws IllegalArgumentException when {@code reason} is blank
   * @throws NullPointerException when an argument is null
   */
  public static FilterResult refused(String reason, Detail detail) {
    return new FilterResult(checkReason(reason), Objects.requireNonNull(detail, "detail"));
  }

  private static String checkReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a refusal needs a reason, got '" + reason + "'");
    }
    return reason;
  }

  /**
   * Whether the node passes.
   *
   * @return true for {@link #accepted()}, false for a refusal
   */
  public boolean isAccepted() {
    return this == ACCEPTED;
  }

  /**
   * The reason placement counts a refused node under.
   *
   * @return the reason, worded to follow a count; empty when accepted
   */
  public String reason() {
    return reason;
  }

  /**
   * What was short or wrong when {@code request} was refused on {@code node}. Builds a new text
   * on each call.
   *
   * @param request the instance the filter refused
   * @param node the node it refused it on
   * @return the detail; the reason when the refusal has no detail of its own, empty when accepted
   * @throws RuntimeException whatever the refusal's {@link Detail} throws
   */
  public String detail(PlacementRequest request, NodeCandidate node) {
    if (detail == null) {
      return reason;
    }
    return detail.describe(request, node);
  }

  /** Equal when both are accepted, or both refuse with the same reason and the same detail. */
  @Override
  public boolean equals(Object o) {
    return o instanceof FilterResult other && reason.equals(other.reason)
        && Objects.equals(detail, other.detail);
  }

  @Override
  public int hashCode() {
    return reason.hashCode();
  }

  /** {@code accepted}, or {@code refused: short of memory}. */
  @Override
  public String toString() {
    return isAccepted() ? "accepted" : "refused: " + reason;
  }
}
