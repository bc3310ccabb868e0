package dev.paaskit.samples.microcloud;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What one {@code paaskit serve} process runs, from {@code --roles}: the control plane
 * (controller, stager and health manager, which go together), the router, node agents, or some
 * of them.
 */
record ServeRoles(Set<Name> core, boolean nodes) {
  /** The roles other than nodes, in the order {@code --roles} prints them. */
  enum Name { CONTROLLER, STAGER, HEALTH, ROUTER }

  private static final Set<Name> CONTROL_PLANE =
      EnumSet.of(Name.CONTROLLER, Name.STAGER, Name.HEALTH);

  static final ServeRoles ALL = new ServeRoles(EnumSet.allOf(Name.class), true);

  ServeRoles {
    core = core.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(core));
  }

  /**
   * Parses a comma-separated list of {@code controller}, {@code stager}, {@code health},
   * {@code router}, {@code node}, or {@code all}.
   *
   * @throws Args.UsageException naming an unknown role, or a controller, stager or health manager
   *     without the other two (the controller calls them in-process)
   */
  static ServeRoles parse(String list) throws Args.UsageException {
    Set<Name> core = EnumSet.noneOf(Name.class);
    boolean nodes = false;
    for (String raw : list.split(",")) {
      String role = raw.trim().toLowerCase(Locale.ROOT);
      switch (role) {
        case "all" -> {
          core.addAll(EnumSet.allOf(Name.class));
          nodes = true;
        }
        case "controller" -> core.add(Name.CONTROLLER);
        case "stager" -> core.add(Name.STAGER);
        case "health" -> core.add(Name.HEALTH);
        case "router" -> core.add(Name.ROUTER);
        case "node" -> nodes = true;
        default -> throw new Args.UsageException("--roles: unknown role '" + raw
            + "'; the roles are controller, stager, health, router, node and all");
      }
    }
    if (core.isEmpty() && !nodes) {
      throw new Args.UsageException("--roles: a process must run at least one role");
    }
    Set<Name> some = EnumSet.copyOf(CONTROL_PLANE);
    some.retainAll(core);
    if (!some.isEmpty() && !some.equals(CONTROL_PLANE)) {
      throw new Args.UsageException("--roles " + list + ": the controller, stager and health"
          + " manager run together, but the roles are " + new ServeRoles(core, nodes));
    }
    return new ServeRoles(core, nodes);
  }

  /** Whether this process runs the control plane: controller, stager and health manager. */
  boolean controller() {
    return core.contains(Name.CONTROLLER);
  }

  boolean router() {
    return core.contains(Name.ROUTER);
  }

  boolean isAll() {
    return nodes && core.equals(EnumSet.allOf(Name.class));
  }

  /** The roles as {@code --roles} names them, in a fixed order. */
  @Override
  public String toString() {
    StringJoiner names = new StringJoiner(",");
    for (Name role : Name.values()) {
      if (core.contains(role)) {
        names.add(role.name().toLowerCase(Locale.ROOT));
      }
    }
    if (nodes) {
      names.add("node");
    }
    return names.toString();
  }
}
