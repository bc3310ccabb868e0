package dev.paaskit.core.internal.protocol;

/** A command to a node to stop one instance. Idempotent. */
public record StopInstance(String instanceId, String reason) {}
