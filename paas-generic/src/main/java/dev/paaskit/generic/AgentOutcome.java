package dev.paaskit.generic;

import java.util.Objects;

/**
 * What one agent answered to a command: accepted, or refused with the reason.
 *
 * @param agentId the agent, {@code <service>-<n>}
 * @param ok whether the agent accepted; false also when it was not placed or did not answer
 * @param message for an accepted command a short confirmation ({@code ok}, or where the agent
 *     was placed); otherwise why not, for a user to read
 */
public record AgentOutcome(String agentId, boolean ok, String message) {
  /**
   * Checks that the agent is named.
   *
   * @param agentId not null
   * @param ok as given
   * @param message as given, not checked
   * @throws NullPointerException if {@code agentId} is null
   */
  public AgentOutcome {
    Objects.requireNonNull(agentId, "agentId");
  }
}
