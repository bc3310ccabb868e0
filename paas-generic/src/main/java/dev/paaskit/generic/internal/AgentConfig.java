package dev.paaskit.generic.internal;

import dev.paaskit.generic.AgentInfo;
import java.util.List;
import java.util.Objects;

/**
 * Everything an agent should be, sent whole by the manager so that a replay changes nothing.
 * An agent applies a config only if its {@code epoch} is not older than the one it holds.
 *
 * @param epoch the service's membership epoch: it grows whenever agents are added or removed
 * @param agents every agent of the service, master first, as {@code agents.json} lists them
 * @param code the active code version, or null before one was activated
 */
public record AgentConfig(String service, AgentInfo agent, String masterIp, long epoch,
    List<AgentInfo> agents, CodeRef code) {
  public AgentConfig {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(masterIp, "masterIp");
    agents = List.copyOf(agents);
  }
}
