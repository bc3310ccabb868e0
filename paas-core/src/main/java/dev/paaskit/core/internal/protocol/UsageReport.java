package dev.paaskit.core.internal.protocol;

/**
 * What one instance used when its node sampled it. Carried by the node's heartbeats (light ones
 * too) and inside its {@link InstanceReport}; a node older than it sends none.
 *
 * @param instanceId the instance sampled
 * @param cpuPercent CPU time per wall time between two readings, percent of one core
 * @param memoryBytes memory charged to its container
 * @param diskBytes space its folder takes
 * @param sampledMillis when the node read it, epoch milliseconds
 */
public record UsageReport(String instanceId, double cpuPercent, long memoryBytes, long diskBytes,
    long sampledMillis) {}
