package dev.paaskit.core.internal.protocol;

import java.util.List;
import java.util.Map;

/**
 * A command to a node to run one instance. Idempotent: a node that already runs
 * {@code instanceId} acknowledges without starting it again.
 *
 * @param env the app's environment, secrets included: never log this record's fields
 * @param healthCheckType PORT, PROCESS or HTTP
 * @param startTimeoutMillis how long the instance may take to become healthy
 * @param cpuShares CPU the instance takes, in the node's shares; 0 for none
 */
public record StartInstance(String instanceId, String appId, String appName, long generation,
    int index, String dropletSha256, String command, Map<String, String> env,
    List<String> routes, long memoryBytes, long diskBytes, String healthCheckType,
    String healthCheckEndpoint, long startTimeoutMillis, long cpuShares) {
  public StartInstance {
    env = env == null ? Map.of() : Map.copyOf(env);
    routes = routes == null ? List.of() : List.copyOf(routes);
  }

  @Override
  public String toString() {
    return "StartInstance{" + appName + "[" + index + "] " + instanceId + " gen " + generation
        + ", droplet " + dropletSha256 + ", env " + env.keySet() + "}";
  }
}
