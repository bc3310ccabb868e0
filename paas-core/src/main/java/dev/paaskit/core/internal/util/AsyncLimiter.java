package dev.paaskit.core.internal.util;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs at most a given number of asynchronous jobs at once; the others wait here, in order, and
 * start as running ones complete. Keeps a flood of jobs (thousands of pushes at once) from filling
 * a shared executor's queue ahead of everything else. Thread-safe.
 */
public final class AsyncLimiter {
  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int running;
  private boolean draining;

  /** @param limit jobs running at once, at least 1 */
  public AsyncLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Starts {@code job} now if fewer than the limit run, else when one completes. The result
   * completes as the job's future does; a job that throws instead of returning one fails it.
   */
  public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> job) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<T> started;
      try {
        started = job.get();
        if (started == null) {
          started = CompletableFuture.failedFuture(
              new NullPointerException("the job returned no future"));
        }
      } catch (RuntimeException | Error e) {
        started = CompletableFuture.failedFuture(e);
      }
      started.whenComplete((value, error) -> {
        finished();
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
      });
    };
    boolean now;
    synchronized (this) {
      now = running < limit;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result;
  }

  /**
   * A job completed: starts waiting ones while there is room. One thread at a time starts them,
   * in a loop, so jobs that complete at once (on the starting thread) do not nest ever deeper.
   */
  private void finished() {
    synchronized (this) {
      running--;
      if (draining) {
        return;
      }
      draining = true;
    }
    while (true) {
      Runnable next;
      synchronized (this) {
        next = running < limit ? waiting.poll() : null;
        if (next == null) {
          draining = false;
          return;
        }
        running++;
      }
      next.run();
    }
  }

  /** Jobs waiting for a turn. */
  public synchronized int waiting() {
    return waiting.size();
  }
}
