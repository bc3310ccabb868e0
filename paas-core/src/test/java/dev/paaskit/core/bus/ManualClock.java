package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when a test advances it, running due timers on the advancing thread. */
final class ManualClock implements Clock {
  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
  private long nanos;
  private final List<Timer> timers = new ArrayList<>();

  @Override
  public synchronized Instant now() {
    return start.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Timer timer = new Timer(nanos + delay.toNanos(), task);
    timers.add(timer);
    return () -> {
      synchronized (this) {
        timers.remove(timer);
      }
    };
  }

  void advance(Duration by) {
    List<Timer> due = new ArrayList<>();
    synchronized (this) {
      nanos += by.toNanos();
      for (Timer timer : timers) {
        if (timer.due <= nanos) {
          due.add(timer);
        }
      }
      timers.removeAll(due);
    }
    due.forEach(timer -> timer.task.run());
  }

  synchronized int pendingTimers() {
    return timers.size();
  }

  private static final class Timer {
    final long due;
    final Runnable task;

    Timer(long due, Runnable task) {
      this.due = due;
      this.task = task;
    }
  }
}
