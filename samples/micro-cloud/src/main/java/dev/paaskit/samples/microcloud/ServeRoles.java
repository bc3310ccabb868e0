package dev.paaskit.samples.microcloud;

import dev.paaskit.core.CoreRole;
import dev.paaskit.core.PaasKit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What one {@code paaskit serve} process runs, from {@code --roles}: some of the core roles, and
 * node agents or not.
 */
record ServeRoles(Set<CoreRole> core, boolean nodes) {
  static final ServeRoles ALL = new ServeRoles(CoreRole.all(), true);

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
    Set<CoreRole> core = EnumSet.noneOf(CoreRole.class);
    boolean nodes = false;
    for (String raw : list.split(",")) {
      String role = raw.trim().toLowerCase(Locale.ROOT);
      switch (role) {
        case "all" -> {
          core.addAll(CoreRole.all());
          nodes = true;
        }
        case "controller" -> core.add(CoreRole.CONTROLLER);
        case "stager" -> core.add(CoreRole.STAGER);
        case "health" -> core.add(CoreRole.HEALTH);
        case "router" -> core.add(CoreRole.ROUTER);
        case "node" -> nodes = true;
        default -> throw new Args.UsageException("--roles: unknown role '" + raw
            + "'; the roles are controller, stager, health, router, node and all");
      }
    }
    if (core.isEmpty() && !nodes) {
      throw new Args.UsageException("--roles: a process must run at least one role");
    }
    try {
      PaasKit.builder().coreRoles(core);
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--roles " + list + ": " + e.getMessage());
    }
    return new ServeRoles(core, nodes);
  }

  boolean controller() {
    return core.contains(CoreRole.CONTROLLER);
  }

  boolean router() {
    return core.contains(CoreRole.ROUTER);
  }

  boolean isAll() {
    return nodes && core.equals(CoreRole.all());
  }

  /** The roles as {@code --roles} names them, in a fixed order. */
  @Override
  public String toString() {
    StringJoiner names = new StringJoiner(",");
    for (CoreRole role : CoreRole.values()) {
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
