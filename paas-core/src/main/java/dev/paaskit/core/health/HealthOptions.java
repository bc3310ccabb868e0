package dev.paaskit.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the health manager, and its restart policy. All durations are measured on the
 * cloud's clock.
 *
 * <pre>{@code
 * HealthOptions options = HealthOptions.DEFAULTS
 *     .withHeartbeat(Duration.ofMillis(200), 5)
 *     .withRestartPolicy(policy);
 * }</pre>
 *
 * @param heartbeatInterval how often nodes are expected to heartbeat; set the nodes' interval
 *     alike. A node that advertises a longer interval of its own is judged by that one
 * @param missedHeartbeats heartbeats missed in a row after which a node is DEAD and its instances
 *     are placed elsewhere; after one and a half intervals of silence it is already SUSPECT and
 *     gets no new instance. When most nodes of a large cloud fall silent at once, none is
 *     declared DEAD (the health manager is likelier to be the one cut off)
 * @param sweepInterval how often node liveness is checked; every tenth sweep also runs a full
 *     comparison of desired and actual state, a backstop to the pass each change triggers for
 *     the apps it touches
 * @param startAckTimeout how long a start may go unreported before the index is started again
 * @param restartPolicy when a crashed instance is started again, and when its index gives up
 * @param rolloutTimeout how long a new generation may take to become healthy while the previous
 *     one still serves; past it the rollout is cancelled and the previous generation kept
 * @param probeAfterMissed after this many heartbeats missed in a row a node is probed: a request
 *     on its own subject. When the bus answers that nobody listens there (the node's process or
 *     its connection is gone, not merely slow or cut off) the node is DEAD at once instead of
 *     after {@code missedHeartbeats}. 0 turns probing off; a value of {@code missedHeartbeats} or
 *     more has no effect. A node that is silent but still subscribed, partitioned or frozen,
 *     is only ever declared dead by its missed heartbeats.
 */
public record HealthOptions(Duration heartbeatInterval, int missedHeartbeats,
    Duration sweepInterval, Duration startAckTimeout, RestartPolicy restartPolicy,
    Duration rolloutTimeout, int probeAfterMissed) {
  /**
   * Heartbeats every second, DEAD after 3 missed (probed after 2), a sweep every second, 30 s for
   * a start to be reported, {@link RestartPolicy#CLOUD_FOUNDRY} and 5 minutes for a rollout.
   */
  public static final HealthOptions DEFAULTS = new HealthOptions(Duration.ofSeconds(1), 3,
      Duration.ofSeconds(1), Duration.ofSeconds(30), RestartPolicy.CLOUD_FOUNDRY,
      Duration.ofMinutes(5), 2);

  /**
   * Checks the options.
   *
   * @param heartbeatInterval more than zero
   * @param missedHeartbeats 1 or more
   * @param sweepInterval more than zero
   * @param startAckTimeout more than zero
   * @param restartPolicy not null
   * @param rolloutTimeout more than zero
   * @param probeAfterMissed 0 (no probing) or more
   * @throws IllegalArgumentException naming the option and its value, if a duration is zero or
   *     negative, {@code missedHeartbeats} is below 1 or {@code probeAfterMissed} negative
   * @throws NullPointerException if a duration or the policy is null
   */
  public HealthOptions {
    positive(heartbeatInterval, "heartbeatInterval");
    positive(sweepInterval, "sweepInterval");
    positive(startAckTimeout, "startAckTimeout");
    positive(rolloutTimeout, "rolloutTimeout");
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    if (missedHeartbeats < 1) {
      throw new IllegalArgumentException("missedHeartbeats must be 1 or more, not "
          + missedHeartbeats);
    }
    if (probeAfterMissed < 0) {
      throw new IllegalArgumentException("probeAfterMissed must be 0 (off) or more, not "
          + probeAfterMissed);
    }
  }

  private static void positive(Duration d, String option) {
    Objects.requireNonNull(d, option);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + " must be positive, not " + d);
    }
  }

  /**
   * These options with another restart policy.
   *
   * @param policy not null
   * @return a new value; this one is unchanged
   * @throws NullPointerException if {@code policy} is null
   */
  public HealthOptions withRestartPolicy(RestartPolicy policy) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout, policy, rolloutTimeout,
        probeAfterMissed);
  }

  /**
   * These options with another sweep interval.
   *
   * @param interval how often node liveness is checked, more than zero; see the record's
   *     {@code sweepInterval}
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code interval} is zero or negative
   */
  public HealthOptions withSweepInterval(Duration interval) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, interval, startAckTimeout, restartPolicy, rolloutTimeout,
        probeAfterMissed);
  }

  /**
   * These options with another rollout timeout.
   *
   * @param timeout how long a new generation may take to become healthy before the rollout is
   *     cancelled
   * @return a new value; this one is unchanged
   * @throws NullPointerException if {@code timeout} is null
   */
  public HealthOptions withRolloutTimeout(Duration timeout) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout,
        restartPolicy, timeout, probeAfterMissed);
  }

  /**
   * These options with another heartbeat interval and count of missed heartbeats; set the nodes'
   * interval alike. {@code probeAfterMissed} is kept, so it may then have no effect.
   *
   * @param interval how often nodes are expected to heartbeat, more than zero
   * @param missed heartbeats missed in a row after which a node is DEAD, 1 or more
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code interval} is zero or negative or {@code missed}
   *     below 1
   */
  public HealthOptions withHeartbeat(Duration interval, int missed) {
    return new HealthOptions(interval, missed, sweepInterval, startAckTimeout, restartPolicy,
        rolloutTimeout, probeAfterMissed);
  }

  /**
   * These options probing a node after {@code missed} heartbeats missed in a row.
   *
   * @param missed 0 never probes; from {@code missedHeartbeats} on, probing has no effect
   * @return a new value; this one is unchanged
   * @throws IllegalArgumentException if {@code missed} is negative
   */
  public HealthOptions withProbeAfterMissed(int missed) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout,
        restartPolicy, rolloutTimeout, missed);
  }
}
