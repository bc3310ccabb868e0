package dev.paaskit.generic;

import java.util.Objects;

/**
 * One agent as the manager sees it now. Exactly one of {@code report} and {@code problem} is
 * set.
 *
 * @param agent the agent as the service lists it
 * @param hostId the host running it, or null while it is not placed
 * @param report what the agent answered, or null when it did not
 * @param problem why there is no report (not placed, no answer), or null
 */
public record AgentStatus(AgentInfo agent, String hostId, AgentReport report, String problem) {
  /**
   * Checks that the agent is given; the other components are kept as given.
   *
   * @param agent not null
   * @param hostId null while the agent is not placed
   * @param report null when the agent did not answer
   * @param problem null when there is a report
   * @throws NullPointerException if {@code agent} is null
   */
  public AgentStatus {
    Objects.requireNonNull(agent, "agent");
  }
}
