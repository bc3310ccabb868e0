package dev.paaskit.core.protocol;

/** A command to a node to stop one instance. Idempotent. */
public record StopInstance(String instanceId, String reason) {}
