package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;

/**
 * A generic service and what each of its agents reports, in the service's agent order.
 *
 * @param service the service as stored when the status was asked
 * @param agents one status per agent of {@code service}, master first
 */
public record ServiceStatus(GenericService service, List<AgentStatus> agents) {
  /**
   * Checks the service and copies the statuses.
   *
   * @param service not null
   * @param agents copied
   * @throws NullPointerException if {@code service} or {@code agents} is null, or a status is
   *     null
   */
  public ServiceStatus {
    Objects.requireNonNull(service, "service");
    agents = List.copyOf(agents);
  }
}
