package dev.paaskit.node;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock that moves only when a test calls {@link #advance}; due tasks run on that thread. */
public final class ManualClock implements Clock {
  private record Task(long dueNanos, long order, Runnable task) {}

  private final Instant origin;
  private long nanos;
  private long order;
  private final List<Task> tasks = new ArrayList<>();

  public ManualClock(Instant origin) {
    this.origin = origin;
  }

  @Override
  public synchronized Instant now() {
    return origin.plusNanos(nanos);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(nanos + Math.max(0, delay.toNanos()), order++, task);
    tasks.add(t);
    return () -> {
      synchronized (this) {
        tasks.remove(t);
      }
    };
  }

  /** The number of tasks waiting for their time. */
  public synchronized int pending() {
    return tasks.size();
  }

  /** Moves time forward by {@code delta}, running each task that falls due, in time order. */
  public void advance(Duration delta) {
    long target;
    synchronized (this) {
      target = nanos + delta.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream()
            .filter(t -> t.dueNanos() <= target)
            .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order))
            .orElse(null);
        if (next == null) {
          nanos = target;
          return;
        }
        tasks.remove(next);
        nanos = Math.max(nanos, next.dueNanos());
      }
      next.task().run();
    }
  }
}
