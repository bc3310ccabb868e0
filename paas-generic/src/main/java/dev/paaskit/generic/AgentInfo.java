package dev.paaskit.generic;

import java.util.Objects;

/**
 * One agent of a generic service, as {@code agents.json} lists it.
 *
 * @param id unique in the cloud, {@code <service>-<n>}
 * @param ip the agent's own loopback address, such as {@code 127.0.0.2}
 * @param role {@link #MASTER} for the service's first agent, {@link #NODE} for the others
 */
public record AgentInfo(String id, String ip, String role) {
  public static final String MASTER = "master";
  public static final String NODE = "node";

  public AgentInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ip, "ip");
    if (!MASTER.equals(role) && !NODE.equals(role)) {
      throw new IllegalArgumentException("role must be master or node, not " + role);
    }
  }
}
