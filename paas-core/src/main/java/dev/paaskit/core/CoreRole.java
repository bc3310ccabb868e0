package dev.paaskit.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The roles {@link PaasKit} builds itself, as opposed to those added with
 * {@link PaasKit.Builder#addRole}. A process of a cloud spread over a shared bus and store runs a
 * subset: for instance a controller process runs all four and node processes none.
 *
 * <p>The controller calls the stager and the health manager directly, so those three go
 * together; the router may run with them or alone.
 */
public enum CoreRole {
  /** Owns desired state and answers the API; needs {@link #STAGER} and {@link #HEALTH}. */
  CONTROLLER,
  /** Turns packages into droplets, for the controller of the same process. */
  STAGER,
  /** Compares desired with actual state and places, starts and stops instances. */
  HEALTH,
  /** Maps host names to running instances and proxies HTTP. */
  ROUTER;

  /** Every core role: the default. */
  public static Set<CoreRole> all() {
    return EnumSet.allOf(CoreRole.class);
  }
}
