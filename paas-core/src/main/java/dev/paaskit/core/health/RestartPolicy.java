package dev.paaskit.core.health;

import java.time.Duration;

/**
 * When a crashed instance is started again, after Cloud Foundry: the first
 * {@code immediateRestarts} crashes are restarted at once, then the wait starts at
 * {@code initialBackoff} and doubles up to {@code maxBackoff}; after {@code maxCrashes} crashes
 * in a row the index is FAILED. An instance that stays RUNNING for {@code stableUptime} resets
 * the count.
 */
public record RestartPolicy(int immediateRestarts, Duration initialBackoff, Duration maxBackoff,
    int maxCrashes, Duration stableUptime) {
  public static final RestartPolicy CLOUD_FOUNDRY = new RestartPolicy(3, Duration.ofSeconds(30),
      Duration.ofMinutes(16), 200, Duration.ofMinutes(5));

  public RestartPolicy {
    if (immediateRestarts < 0 || maxCrashes <= 0) {
      throw new IllegalArgumentException("immediateRestarts must be >= 0 and maxCrashes > 0");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** How long to wait before restarting after the {@code crashes}-th crash in a row (from 1). */
  public Duration delayAfter(int crashes) {
    if (crashes <= immediateRestarts) {
      return Duration.ZERO;
    }
    int doublings = Math.min(crashes - immediateRestarts - 1, 30);
    Duration d = initialBackoff.multipliedBy(1L << doublings);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /** Whether the index gives up after the {@code crashes}-th crash in a row. */
  public boolean givesUpAfter(int crashes) {
    return crashes >= maxCrashes;
  }
}
