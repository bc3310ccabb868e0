package dev.paaskit.core.internal.protocol;

import java.util.List;

/**
 * Asks the routers on {@link Subjects#ROUTE_CONFIRM} to answer once they route to every one of
 * {@code instanceIds}; a router answers an {@link Ack} then, and not before.
 *
 * @param instanceIds the instances that must be registered; copied
 */
public record RouteConfirm(List<String> instanceIds) {
  /** Copies the ids; null reads as none. */
  public RouteConfirm {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
  }
}
