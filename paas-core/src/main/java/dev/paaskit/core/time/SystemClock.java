package dev.paaskit.core.time;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Real time, with timers on a scheduled executor. Tasks run on the scheduler's thread and must
 * hand longer work elsewhere. {@link #close()} stops the scheduler only when this clock made it.
 *
 * <p>{@link #schedule} runs a task with a negative delay at once, on the timer thread; the
 * {@link dev.paaskit.api.spi.Cancellable} it returns cancels a task not yet run and does not
 * interrupt one running. Thread-safe.
 */
public final class SystemClock implements Clock, AutoCloseable {
  private final ScheduledExecutorService scheduler;
  private final boolean owned;

  private SystemClock(ScheduledExecutorService scheduler, boolean owned) {
    this.scheduler = scheduler;
    this.owned = owned;
  }

  /**
   * A clock with its own single daemon timer thread, which {@link #close()} stops.
   *
   * @param name begins the timer thread's name, {@code <name>-timer-0}; must not hold
   *     {@code %}, as the name is a format
   * @return a new clock; its thread starts with the first task scheduled
   * @throws IllegalArgumentException if {@code name} holds a {@code %} that makes the format
   *     invalid
   */
  public static SystemClock create(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-timer-%d").build());
    executor.setRemoveOnCancelPolicy(true);
    return new SystemClock(executor, true);
  }

  /**
   * A clock whose timers run on {@code scheduler}, which the caller keeps and shuts down.
   *
   * @param scheduler runs the tasks; once it is shut down, {@link #schedule} throws what it
   *     throws ({@link java.util.concurrent.RejectedExecutionException} for the JDK's)
   * @return a new clock; {@link #close()} leaves the scheduler running
   */
  public static SystemClock using(ScheduledExecutorService scheduler) {
    return new SystemClock(Objects.requireNonNull(scheduler, "scheduler"), false);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    long nanos = Math.max(0, delay.toNanos());
    ScheduledFuture<?> future = scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /**
   * Stops the timer thread if this clock made it: tasks not yet run are dropped, a running one
   * is interrupted, and later {@link #schedule} calls throw
   * {@link java.util.concurrent.RejectedExecutionException}. Does nothing for a clock made with
   * {@link #using}. Idempotent.
   */
  @Override
  public void close() {
    if (owned) {
      scheduler.shutdownNow();
    }
  }
}
