package dev.paaskit.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Timings of the health manager.
 *
 * @param heartbeatInterval how often nodes heartbeat; must match the nodes' setting
 * @param missedHeartbeats heartbeats missed in a row after which a node is DEAD
 * @param sweepInterval how often node liveness is checked; every tenth sweep also runs a full
 *     comparison of desired and actual state, a backstop to the pass each change triggers for
 *     the apps it touches
 * @param startAckTimeout how long a start may go unreported before the index is started again
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
  public static final HealthOptions DEFAULTS = new HealthOptions(Duration.ofSeconds(1), 3,
      Duration.ofSeconds(1), Duration.ofSeconds(30), RestartPolicy.CLOUD_FOUNDRY,
      Duration.ofMinutes(5), 2);

  public HealthOptions {
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    Objects.requireNonNull(rolloutTimeout, "rolloutTimeout");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || missedHeartbeats < 1
        || sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("heartbeat and sweep intervals must be positive");
    }
    if (probeAfterMissed < 0) {
      throw new IllegalArgumentException("probeAfterMissed must be 0 (off) or more, not "
          + probeAfterMissed);
    }
  }

  public HealthOptions withRestartPolicy(RestartPolicy policy) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout, policy, rolloutTimeout,
        probeAfterMissed);
  }

  public HealthOptions withSweepInterval(Duration interval) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, interval, startAckTimeout, restartPolicy, rolloutTimeout,
        probeAfterMissed);
  }

  public HealthOptions withRolloutTimeout(Duration timeout) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout,
        restartPolicy, timeout, probeAfterMissed);
  }

  public HealthOptions withHeartbeat(Duration interval, int missed) {
    return new HealthOptions(interval, missed, sweepInterval, startAckTimeout, restartPolicy,
        rolloutTimeout, probeAfterMissed);
  }

  /** Probes a node after {@code missed} heartbeats missed in a row; 0 never probes. */
  public HealthOptions withProbeAfterMissed(int missed) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout,
        restartPolicy, rolloutTimeout, missed);
  }
}
