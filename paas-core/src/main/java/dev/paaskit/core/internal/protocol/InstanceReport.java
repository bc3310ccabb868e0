package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
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
 * @param usage its latest sample while its container runs; null before the first, once it
 *     ended, and from a node older than the field. A new sample changes neither state nor seq
 */
public record InstanceReport(String instanceId, String nodeId, String appId, String appName,
    long generation, int index, String dropletSha256, InstanceState state, String host, int port,
    long memoryBytes, long diskBytes, long sinceMillis, CrashReport crash, long seq,
    long cpuShares, UsageReport usage) {

  /** A report with no usage sampled yet. */
  public InstanceReport(String instanceId, String nodeId, String appId, String appName,
      long generation, int index, String dropletSha256, InstanceState state, String host,
      int port, long memoryBytes, long diskBytes, long sinceMillis, CrashReport crash, long seq,
      long cpuShares) {
    this(instanceId, nodeId, appId, appName, generation, index, dropletSha256, state, host, port,
        memoryBytes, diskBytes, sinceMillis, crash, seq, cpuShares, null);
  }

  /** The report in a new state; the usage is dropped once the instance is no longer active. */
  public InstanceReport withState(InstanceState newState, long atMillis, CrashReport newCrash,
      long newSeq) {
    return new InstanceReport(instanceId, nodeId, appId, appName, generation, index,
        dropletSha256, newState, host, port, memoryBytes, diskBytes, atMillis, newCrash, newSeq,
        cpuShares, newState.isActive() ? usage : null);
  }

  public InstanceReport withPort(int newPort) {
    return new InstanceReport(instanceId, nodeId, appId, appName, generation, index,
        dropletSha256, state, host, newPort, memoryBytes, diskBytes, sinceMillis, crash, seq,
        cpuShares, usage);
  }

  /** The same report with a new sample: state and seq unchanged. */
  public InstanceReport withUsage(UsageReport newUsage) {
    return new InstanceReport(instanceId, nodeId, appId, appName, generation, index,
        dropletSha256, state, host, port, memoryBytes, diskBytes, sinceMillis, crash, seq,
        cpuShares, newUsage);
  }

  public InstanceStatus toStatus() {
    return new InstanceStatus(instanceId, appName, index, nodeId, dropletSha256, state, host, port,
        Instant.ofEpochMilli(sinceMillis),
        Optional.ofNullable(crash).map(CrashReport::toCrashInfo), generation,
        Optional.ofNullable(usage).map(this::toUsage));
  }

  private InstanceUsage toUsage(UsageReport u) {
    double cpu = Double.isFinite(u.cpuPercent()) ? Math.max(0, u.cpuPercent()) : 0;
    return new InstanceUsage(cpu, Math.max(0, u.memoryBytes()), Math.max(0, memoryBytes),
        Math.max(0, u.diskBytes()), Math.max(0, diskBytes), Instant.ofEpochMilli(u.sampledMillis()));
  }
}
