package dev.paaskit.generic;

import java.util.Objects;

/**
 * One agent as the manager sees it now.
 *
 * @param hostId the host running it, or null while it is not placed
 * @param report what the agent answered, or null when it did not
 * @param problem why there is no report (not placed, no answer), or null
 */
public record AgentStatus(AgentInfo agent, String hostId, AgentReport report, String problem) {
  public AgentStatus {
    Objects.requireNonNull(agent, "agent");
  }
}
