package dev.paaskit.generic.internal;

import java.util.List;
import java.util.Objects;

/** An agent host announcing itself and the agents it holds. */
public record HostAdvert(String hostId, List<String> agentIds) {
  public HostAdvert {
    Objects.requireNonNull(hostId, "hostId");
    agentIds = List.copyOf(agentIds == null ? List.of() : agentIds);
  }
}
