package dev.paaskit.testing;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
  /**
   * The virtual deadlines of the threads in {@link #blockUntil}, one entry each. A thread whose
   * deadline has passed no longer counts as blocked, though it may not have woken yet: it is
   * about to work, and a harness waiting for quiet must wait for it.
   */
  private final List<Long> blockedDeadlines = new ArrayList<>();

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

  /**
   * A clock whose {@link #now()} starts at {@code start}; {@link #nanoTime()} starts at 0.
   *
   * @param start the wall-clock time of the clock's origin
   * @return a clock with no timers
   * @throws NullPointerException if {@code start} is null
   */
  public static VirtualClock startingAt(Instant start) {
    return new VirtualClock(Objects.requireNonNull(start, "start"));
  }

  /**
   * A clock starting at 2030-01-01T00:00:00Z.
   *
   * @return a clock with no timers
   */
  public static VirtualClock create() {
    return startingAt(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /**
   * {@inheritDoc}
   *
   * @return the start instant plus {@link #elapsed()}
   */
  @Override
  public synchronized Instant now() {
    return start.plusNanos(nanos);
  }

  /**
   * {@inheritDoc}
   *
   * @return the virtual nanoseconds since the clock was made
   */
  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  /**
   * How much virtual time has passed since the clock was made.
   *
   * @return the elapsed virtual time, 0 or more
   */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  /**
   * Queues {@code task} to run when virtual time reaches now plus {@code delay}, on the thread
   * that then calls {@link #advance}; never at once, even for a delay of 0. A task
   * that throws ends that {@code advance} call with its exception; the timers not yet run stay
   * queued.
   *
   * @param delay how far ahead; 0 or negative for now, run at the next {@code advance}
   * @param task what to run
   * @return a handle that cancels the task if it has not run yet
   * @throws NullPointerException if an argument is null
   */
  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    Timer t = new Timer(nanos + Math.max(0, delay.toNanos()), sequence++, task);
    timers.add(t);
    return t;
  }

  /**
   * The virtual time until the next timer is due, cancelled timers aside.
   *
   * @return the time left, 0 for a timer already due; empty when no timer is pending
   */
  public synchronized Optional<Duration> nextTimer() {
    dropCancelled();
    return timers.isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, timers.peek().deadline - nanos)));
  }

  /**
   * Moves time forward by {@code amount}, running every timer that falls due on the way at the
   * moment it is due, timers that those schedule included. Timers run on the calling thread,
   * outside the clock's lock; threads in {@link #blockUntil} wake as time passes.
   *
   * @param amount how far to move; 0 runs the timers already due
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws RuntimeException what a timer's task throws, leaving time at that timer's deadline
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

  /**
   * Moves time to the next timer's deadline and runs the timers due then, those they schedule
   * for that same moment included.
   *
   * @return true when a timer was pending; false, leaving time as it is, when none was
   */
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
   * @param deadlineNanos the virtual time to wait for, as {@link #nanoTime()} counts
   * @param realTimeout how long to wait in real time at most, a safety net
   * @return true when the virtual deadline was reached; false when the real timeout passed first
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public boolean blockUntil(long deadlineNanos, Duration realTimeout) throws InterruptedException {
    long realDeadline = System.nanoTime() + realTimeout.toNanos();
    synchronized (this) {
      Long entry = deadlineNanos;
      blockedDeadlines.add(entry);
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
        blockedDeadlines.remove(entry);
      }
    }
  }

  /**
   * Threads now inside {@link #blockUntil} whose deadlines virtual time has not reached: a thread
   * whose deadline passed counts no more, even before it wakes.
   *
   * @return how many, 0 or more
   */
  public synchronized int blockedThreads() {
    int count = 0;
    for (long deadline : blockedDeadlines) {
      if (deadline > nanos) {
        count++;
      }
    }
    return count;
  }

  private void dropCancelled() {
    while (!timers.isEmpty() && timers.peek().cancelled) {
      timers.poll();
    }
  }
}
