package dev.paaskit.generic;

import java.util.Objects;

/** What one agent answered to a command: accepted, or refused with the reason. */
public record AgentOutcome(String agentId, boolean ok, String message) {
  public AgentOutcome {
    Objects.requireNonNull(agentId, "agentId");
  }
}
