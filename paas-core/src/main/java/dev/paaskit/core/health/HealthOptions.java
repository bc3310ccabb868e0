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
 */
public record HealthOptions(Duration heartbeatInterval, int missedHeartbeats,
    Duration sweepInterval, Duration startAckTimeout, RestartPolicy restartPolicy,
    Duration rolloutTimeout) {
  public static final HealthOptions DEFAULTS = new HealthOptions(Duration.ofSeconds(1), 3,
      Duration.ofSeconds(1), Duration.ofSeconds(30), RestartPolicy.CLOUD_FOUNDRY,
      Duration.ofMinutes(5));

  public HealthOptions {
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    Objects.requireNonNull(rolloutTimeout, "rolloutTimeout");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || missedHeartbeats < 1
        || sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("heartbeat and sweep intervals must be positive");
    }
  }

  public HealthOptions withRestartPolicy(RestartPolicy policy) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout, policy, rolloutTimeout);
  }

  public HealthOptions withSweepInterval(Duration interval) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, interval, startAckTimeout, restartPolicy, rolloutTimeout);
  }

  public HealthOptions withRolloutTimeout(Duration timeout) {
    return new HealthOptions(heartbeatInterval, missedHeartbeats, sweepInterval, startAckTimeout,
        restartPolicy, timeout);
  }

  public HealthOptions withHeartbeat(Duration interval, int missed) {
    return new HealthOptions(interval, missed, sweepInterval, startAckTimeout, restartPolicy,
        rolloutTimeout);
  }
}
