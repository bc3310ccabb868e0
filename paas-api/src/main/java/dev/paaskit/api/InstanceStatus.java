package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of one instance, as its node last reported it. A snapshot; immutable and
 * thread-safe.
 *
 * @param instanceId unique for each start; a restarted index gets a new id
 * @param appName the name of the instance's app
 * @param index the instance index within its app, from 0
 * @param nodeId the node it was placed on
 * @param dropletSha256 the droplet it runs
 * @param state where it is in its life
 * @param host the address the router reaches it on, such as {@code 127.0.0.1}
 * @param port its {@code PORT}, or 0 before it has one
 * @param since when it entered {@code state}
 * @param crash why it crashed, present for CRASHED and FAILED
 * @param generation the app generation it was started for ({@link App#generation()}); 0 when
 *     unknown, as from a server older than the field
 * @param usage what it used when its node last sampled it, with its limits; present while its
 *     container runs (STARTING, RUNNING, STOPPING) once the node has sampled it, which it does
 *     every few seconds; empty before, once it ended, and from a backend that counts nothing (a
 *     fake) or a node or server older than the field
 */
public record InstanceStatus(String instanceId, String appName, int index, String nodeId,
    String dropletSha256, InstanceState state, String host, int port, Instant since,
    Optional<CrashInfo> crash, long generation, Optional<InstanceUsage> usage) {
  /**
   * Checks the parts; a null crash or usage is read as empty. {@code dropletSha256},
   * {@code host}, {@code index} and {@code port} are not checked.
   *
   * @param instanceId not null
   * @param appName not null
   * @param index not checked
   * @param nodeId not null
   * @param dropletSha256 not checked
   * @param state not null
   * @param host not checked
   * @param port not checked
   * @param since not null
   * @param crash null for empty
   * @param generation 0 or more
   * @param usage null for empty
   * @throws IllegalArgumentException if {@code generation} is negative
   * @throws NullPointerException if {@code instanceId}, {@code appName}, {@code nodeId},
   *     {@code state} or {@code since} is null
   */
  public InstanceStatus {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    crash = crash == null ? Optional.empty() : crash;
    usage = usage == null ? Optional.empty() : usage;
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
  }

  /**
   * A status with no usage known, as before usage was reported.
   *
   * @param instanceId not null
   * @param appName not null
   * @param index not checked
   * @param nodeId not null
   * @param dropletSha256 not checked
   * @param state not null
   * @param host not checked
   * @param port not checked
   * @param since not null
   * @param crash null for empty
   * @param generation 0 or more
   * @throws IllegalArgumentException if {@code generation} is negative
   * @throws NullPointerException if {@code instanceId}, {@code appName}, {@code nodeId},
   *     {@code state} or {@code since} is null
   */
  public InstanceStatus(String instanceId, String appName, int index, String nodeId,
      String dropletSha256, InstanceState state, String host, int port, Instant since,
      Optional<CrashInfo> crash, long generation) {
    this(instanceId, appName, index, nodeId, dropletSha256, state, host, port, since, crash,
        generation, Optional.empty());
  }
}
