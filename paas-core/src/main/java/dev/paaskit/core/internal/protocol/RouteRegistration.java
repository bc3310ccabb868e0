package dev.paaskit.core.internal.protocol;

import java.util.List;

/** An instance taking (or leaving) traffic for {@code hosts}. */
public record RouteRegistration(List<String> hosts, String appName, String instanceId,
    int index, String address, int port) {
  public RouteRegistration {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }
}
