package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of one instance, as its node last reported it.
 *
 * @param instanceId unique for each start; a restarted index gets a new id
 * @param index the instance index within its app, from 0
 * @param host the address the router reaches it on, such as {@code 127.0.0.1}
 * @param port its {@code PORT}, or 0 before it has one
 * @param since when it entered {@code state}
 * @param crash why it crashed, present for CRASHED and FAILED
 * @param generation the app generation it was started for ({@link App#generation()}); 0 when
 *     unknown, as from a server older than the field
 */
public record InstanceStatus(String instanceId, String appName, int index, String nodeId,
    String dropletSha256, InstanceState state, String host, int port, Instant since,
    Optional<CrashInfo> crash, long generation) {
  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if {@code generation} is negative
   */
  public InstanceStatus {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    crash = crash == null ? Optional.empty() : crash;
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
  }
}
