package dev.paaskit.testing;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A clock that moves only when told. Timers run, in deadline order, on the thread that calls
 * {@link #advance}; a timer due at the same moment as another runs after it if scheduled after
 * it. Heartbeats, health-check timeouts, crash back-off and request timeouts of a cloud built on
 * it therefore take no real time at all.
 *
 * <pre>{@code
 * VirtualClock clock = VirtualClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
 * clock.schedule(Duration.ofMinutes(16), task);
 * clock.advance(Duration.ofMinutes(16)); // task has run
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class VirtualClock implements Clock {
  private final Instant start;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long nanos;
  private long sequence;
  private int blocked;

  private static final class Timer implements Comparable<Timer>, Cancellable {
    final long deadline;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Timer(long deadline, long seq, Runnable task) {
      this.deadline = deadline;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Timer o) {
      return deadline != o.deadline ? Long.compare(deadline, o.deadline) : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private VirtualClock(Instant start) {
    this.start = start;
  }

  /** A clock whose {@link #now()} starts at {@code start}. */
  public static VirtualClock startingAt(Instant start) {
    return new VirtualClock(Objects.requireNonNull(start, "start"));
  }

  /** A clock starting at 2030-01-01T00:00:00Z. */
  public static VirtualClock create() {
    return startingAt(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Instant now() {
    return start.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  /** How much virtual time has passed since the clock was made. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    Timer t = new Timer(nanos + Math.max(0, delay.toNanos()), sequence++, task);
    timers.add(t);
    return t;
  }

  /** The virtual time until the next timer is due, if any is pending. */
  public synchronized Optional<Duration> nextTimer() {
    dropCancelled();
    return timers.isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, timers.peek().deadline - nanos)));
  }

  /**
   * Moves time forward by {@code amount}, running every timer that falls due on the way at the
   * moment it is due, timers that those schedule included.
   */
  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + amount);
    }
    long target;
    synchronized (this) {
      target = nanos + amount.toNanos();
    }
    while (true) {
      Timer due;
      synchronized (this) {
        dropCancelled();
        if (timers.isEmpty() || timers.peek().deadline > target) {
          nanos = target;
          notifyAll();
          return;
        }
        due = timers.poll();
        nanos = Math.max(nanos, due.deadline);
        notifyAll();
      }
      due.task.run();
    }
  }

  /** Moves time to the next timer's deadline and runs the timers due then; false if none. */
  public boolean advanceToNextTimer() {
    Optional<Duration> next = nextTimer();
    next.ifPresent(this::advance);
    return next.isPresent();
  }

  /**
   * Blocks the calling thread until virtual time reaches {@code deadlineNanos} (as
   * {@link #nanoTime()} counts), or {@code realTimeout} of real time passed: a stand-in for work
   * that takes time, such as a slow download. While blocked, the thread counts in
   * {@link #blockedThreads()}, so a harness waiting for the cloud to go idle knows it waits on the
   * clock.
   *
   * @return true when the virtual deadline was reached
   */
  public boolean blockUntil(long deadlineNanos, Duration realTimeout) throws InterruptedException {
    long realDeadline = System.nanoTime() + realTimeout.toNanos();
    synchronized (this) {
      blocked++;
      try {
        while (nanos < deadlineNanos) {
          long left = realDeadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
      } finally {
        blocked--;
      }
    }
  }

  /** Threads now inside {@link #blockUntil}. */
  public synchronized int blockedThreads() {
    return blocked;
  }

  private void dropCancelled() {
    while (!timers.isEmpty() && timers.peek().cancelled) {
      timers.poll();
    }
  }
}
