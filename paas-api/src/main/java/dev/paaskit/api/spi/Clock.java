package dev.paaskit.api.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * The one source of time and timers for a cloud. Every heartbeat, timeout and back-off goes
 * through it, so a virtual clock can drive them in tests without sleeping.
 *
 * <p>Thread-safe. A scheduled task runs on a thread the clock owns (or, for a virtual clock, on
 * the thread that advances it); it must be quick and hand longer work to an executor.
 */
public interface Clock {
  /** Wall-clock time, for timestamps people read. */
  Instant now();

  /** Monotonic nanoseconds, for measuring durations; only differences are meaningful. */
  long nanoTime();

  /** Runs {@code task} once after {@code delay}. */
  Cancellable schedule(Duration delay, Runnable task);
}
