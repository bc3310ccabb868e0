package dev.paaskit.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * When a crashed instance is started again, after Cloud Foundry: the first
 * {@code immediateRestarts} crashes are restarted at once, then the wait starts at
 * {@code initialBackoff} and doubles up to {@code maxBackoff}; after {@code maxCrashes} crashes
 * in a row the index is FAILED. An instance that stays RUNNING for {@code stableUptime} resets
 * the count. Durations are measured on the cloud's clock.
 *
 * <pre>{@code
 * RestartPolicy patient = new RestartPolicy(1, Duration.ofSeconds(5), Duration.ofMinutes(1), 10,
 *     Duration.ofMinutes(2));
 * }</pre>
 *
 * @param immediateRestarts how many crashes in a row are restarted without waiting
 * @param initialBackoff the wait after the first crash past {@code immediateRestarts}
 * @param maxBackoff the longest wait, however many crashes
 * @param maxCrashes the crash in a row at which the index gives up and is FAILED
 * @param stableUptime how long an instance must stay RUNNING for its crashes to be forgotten
 */
public record RestartPolicy(int immediateRestarts, Duration initialBackoff, Duration maxBackoff,
    int maxCrashes, Duration stableUptime) {
  /**
   * Cloud Foundry's policy: 3 immediate restarts, then 30 s doubling up to 16 minutes, FAILED
   * after 200 crashes in a row, forgiven after 5 minutes RUNNING.
   */
  public static final RestartPolicy CLOUD_FOUNDRY = new RestartPolicy(3, Duration.ofSeconds(30),
      Duration.ofMinutes(16), 200, Duration.ofMinutes(5));

  /**
   * Checks the policy.
   *
   * @param immediateRestarts 0 or more
   * @param initialBackoff not null, zero or more
   * @param maxBackoff not null, at least {@code initialBackoff}
   * @param maxCrashes 1 or more; 1 gives up at the first crash
   * @param stableUptime not null, more than zero
   * @throws IllegalArgumentException naming the option and its value, if a count, a back-off or
   *     the stable uptime is out of its range
   * @throws NullPointerException if a duration is null
   */
  public RestartPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(stableUptime, "stableUptime");
    if (immediateRestarts < 0) {
      throw new IllegalArgumentException("immediateRestarts must be 0 or more, not "
          + immediateRestarts);
    }
    if (maxCrashes <= 0) {
      throw new IllegalArgumentException("maxCrashes must be 1 or more, not " + maxCrashes);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, not "
          + initialBackoff + " and " + maxBackoff);
    }
    if (stableUptime.isNegative() || stableUptime.isZero()) {
      throw new IllegalArgumentException("stableUptime must be positive, not " + stableUptime);
    }
  }

  /**
   * How long to wait before restarting after a crash.
   *
   * @param crashes which crash in a row this is, from 1
   * @return zero for the first {@code immediateRestarts} crashes (and for 0 or less), then
   *     {@code initialBackoff} doubled once per further crash, at most {@code maxBackoff}
   */
  public Duration delayAfter(int crashes) {
    if (crashes <= immediateRestarts) {
      return Duration.ZERO;
    }
    int doublings = Math.min(crashes - immediateRestarts - 1, 30);
    Duration d = initialBackoff.multipliedBy(1L << doublings);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /**
   * Whether the index gives up after a crash.
   *
   * @param crashes which crash in a row this is, from 1
   * @return true from {@code maxCrashes} on: the index is then FAILED and not restarted
   */
  public boolean givesUpAfter(int crashes) {
    return crashes >= maxCrashes;
  }
}
