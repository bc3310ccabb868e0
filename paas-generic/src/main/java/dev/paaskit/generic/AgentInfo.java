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
  /** The role of a service's first agent, passed to its scripts as {@code MY_ROLE}. */
  public static final String MASTER = "master";
  /** The role of every agent after the first, passed to its scripts as {@code MY_ROLE}. */
  public static final String NODE = "node";

  /**
   * Checks the components.
   *
   * @param id not null; not checked for its form here
   * @param ip not null; not checked for its form here
   * @param role exactly {@link #MASTER} or {@link #NODE}
   * @throws IllegalArgumentException naming the role when it is neither
   * @throws NullPointerException if {@code id} or {@code ip} is null
   */
  public AgentInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ip, "ip");
    if (!MASTER.equals(role) && !NODE.equals(role)) {
      throw new IllegalArgumentException("role must be master or node, not " + role);
    }
  }
}
