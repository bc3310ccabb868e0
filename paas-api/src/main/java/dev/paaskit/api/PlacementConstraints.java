package dev.paaskit.api;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where an app's instances may run and what they take from a node besides memory and disk.
 * Immutable and thread-safe; derive changed copies with the {@code with} methods. A stack, zone
 * or tag is 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit.
 *
 * <pre>{@code
 * PlacementConstraints p = PlacementConstraints.none()
 *     .withZones(Set.of("eu-1", "eu-2"))
 *     .withTags(Set.of("ssd"))
 *     .withMaxPerNode(1);
 * }</pre>
 *
 * @param stack the stack the app needs, such as {@code cflinuxfs4}; empty for any node's
 * @param zones the zones the app may run in, as Stackato's availability zones; empty for any.
 *     Instances are balanced across the zones that have room.
 * @param tags placement tags every chosen node must carry, as Stackato's placement tags
 * @param cpuShares CPU each instance takes, in the shares nodes advertise (by convention 1,024 to
 *     a core); 0 for none. Nodes that do not meter CPU ignore it.
 * @param maxPerNode the most instances of the app one node may run; 1 keeps every instance on a
 *     node of its own (anti-affinity); 0 for no limit
 */
public record PlacementConstraints(String stack, Set<String> zones, Set<String> tags,
    long cpuShares, int maxPerNode) {
  private static final PlacementConstraints NONE =
      new PlacementConstraints("", Set.of(), Set.of(), 0, 0);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][-_.A-Za-z0-9]{0,62}");

  /**
   * Checks the parts and copies the sets; a null stack is read as empty (and a stack is
   * stripped of surrounding blanks), null sets as empty.
   *
   * @param stack empty, or a name as above
   * @param zones copied; each a name as above
   * @param tags copied; each a name as above
   * @param cpuShares 0 or more
   * @param maxPerNode 0 or more
   * @throws InvalidSpecException naming {@code stack}, {@code zones}, {@code tags}, {@code cpu}
   *     or {@code max-per-node} and the value that cannot be used
   */
  public PlacementConstraints {
    stack = stack == null ? "" : stack.strip();
    if (!stack.isEmpty() && !NAME.matcher(stack).matches()) {
      throw new InvalidSpecException("stack", stack, "must be 1 to 63 letters, digits, '-', '_' or '.'");
    }
    zones = checkNames("zones", zones);
    tags = checkNames("tags", tags);
    if (cpuShares < 0) {
      throw new InvalidSpecException("cpu", String.valueOf(cpuShares), "must not be negative");
    }
    if (maxPerNode < 0) {
      throw new InvalidSpecException("max-per-node", String.valueOf(maxPerNode),
          "must not be negative (0 means no limit)");
    }
  }

  /**
   * Any node of any stack, zone and tags; no CPU asked; no limit per node. What a spec gets when
   * it sets none.
   *
   * @return always the same instance
   */
  public static PlacementConstraints none() {
    return NONE;
  }

  /**
   * Whether these constraints restrict nothing.
   *
   * @return true when they equal {@link #none()}
   */
  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * These constraints with another stack.
   *
   * @param stack the stack the app needs; null or empty for any
   * @return new constraints
   * @throws InvalidSpecException naming {@code stack} if it is no name
   */
  public PlacementConstraints withStack(String stack) {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  /**
   * These constraints with other zones, replacing the zones before.
   *
   * @param zones the zones the app may run in; null or empty for any
   * @return new constraints
   * @throws InvalidSpecException naming {@code zones} and the first zone that is no name
   */
  public PlacementConstraints withZones(Set<String> zones) {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  /**
   * These constraints with other tags, replacing the tags before.
   *
   * @param tags the tags every chosen node must carry; null or empty for none
   * @return new constraints
   * @throws InvalidSpecException naming {@code tags} and the first tag that is no name
   */
  public PlacementConstraints withTags(Set<String> tags) {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  /**
   * These constraints with another CPU request.
   *
   * @param cpuShares the shares each instance takes, 0 or more (1,024 to a core by convention)
   * @return new constraints
   * @throws InvalidSpecException naming {@code cpu} if it is negative
   */
  public PlacementConstraints withCpuShares(long cpuShares) {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  /**
   * These constraints with another limit of instances per node.
   *
   * @param maxPerNode the most instances of the app on one node; 0 for no limit, 1 for one each
   * @return new constraints
   * @throws InvalidSpecException naming {@code max-per-node} if it is negative
   */
  public PlacementConstraints withMaxPerNode(int maxPerNode) {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  private static Set<String> checkNames(String field, Set<String> names) {
    if (names == null) {
      return Set.of();
    }
    for (String n : names) {
      if (n == null || !NAME.matcher(n).matches()) {
        throw new InvalidSpecException(field, String.valueOf(n),
            "must be 1 to 63 letters, digits, '-', '_' or '.'");
      }
    }
    // Sorted, so that equal constraints print and serialize the same.
    return Set.copyOf(new TreeSet<>(names));
  }
}
