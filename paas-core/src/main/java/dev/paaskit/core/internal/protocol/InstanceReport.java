package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * A node's account of one instance.
 *
 * @param generation the app generation the instance was started for; a higher generation
 *     (new droplet, changed spec, restart) replaces it
 * @param sinceMillis when it entered {@code state}, epoch milliseconds
 * @param crash present once CRASHED
 * @param cpuShares CPU the instance takes on its node, in the node's shares
 * @param seq the node's change counter when this state was entered; a report with a lower
 *     seq than one already seen for the instance is stale
 */
public record InstanceReport(String instanceId, String nodeId, String appId, String appName,
    long generation, int index, String dropletSha256, InstanceState state, String host, int port,
    long memoryBytes, long diskBytes, long sinceMillis, CrashReport crash, long seq,
    long cpuShares) {

  public InstanceReport withState(InstanceState newState, long atMillis, CrashReport newCrash,
      long newSeq) {
    return new InstanceReport(instanceId, nodeId, appId, appName, generation, index,
        dropletSha256, newState, host, port, memoryBytes, diskBytes, atMillis, newCrash, newSeq,
        cpuShares);
  }

  public InstanceReport withPort(int newPort) {
    return new InstanceReport(instanceId, nodeId, appId, appName, generation, index,
        dropletSha256, state, host, newPort, memoryBytes, diskBytes, sinceMillis, crash, seq,
        cpuShares);
  }

  public InstanceStatus toStatus() {
    return new InstanceStatus(instanceId, appName, index, nodeId, dropletSha256, state, host, port,
        Instant.ofEpochMilli(sinceMillis),
        Optional.ofNullable(crash).map(CrashReport::toCrashInfo), generation);
  }
}
