package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;

/** A generic service and what each of its agents reports, in the service's agent order. */
public record ServiceStatus(GenericService service, List<AgentStatus> agents) {
  public ServiceStatus {
    Objects.requireNonNull(service, "service");
    agents = List.copyOf(agents);
  }
}
