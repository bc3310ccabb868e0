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
  /**
   * Wall-clock time, for timestamps people read; it may jump, so never measure with it.
   *
   * @return the current instant
   */
  Instant now();

  /**
   * Monotonic nanoseconds, for measuring durations and deadlines; only differences are
   * meaningful.
   *
   * @return nanoseconds since some fixed origin, never smaller than a value returned before
   */
  long nanoTime();

  /**
   * Runs {@code task} once after {@code delay}, measured as {@link #nanoTime()} measures. The
   * task must not throw: what it throws is lost (or, on a virtual clock, reaches the thread that
   * advances it).
   *
   * @param delay how long to wait; 0 or negative to run as soon as possible
   * @param task what to run, quickly, on the clock's thread
   * @return a handle that cancels the task if it has not run yet
   * @throws NullPointerException if {@code task} is null
   */
  Cancellable schedule(Duration delay, Runnable task);
}
