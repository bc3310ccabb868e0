package dev.paaskit.testing;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An executor that knows when it has nothing to do: it counts the tasks submitted and not yet
 * finished, so a harness can wait until a cloud has done everything a change set off before it
 * moves virtual time. Tasks run on a cached pool of daemon threads, never on the caller's thread.
 */
final class TestExecutor implements Executor, AutoCloseable {
  private final ExecutorService pool;
  private int outstanding;

  TestExecutor(String name) {
    this.pool = Executors.newCachedThreadPool(
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-%d").build());
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      outstanding++;
    }
    try {
      pool.execute(() -> {
        try {
          task.run();
        } finally {
          synchronized (this) {
            outstanding--;
            notifyAll();
          }
        }
      });
    } catch (RuntimeException e) {
      synchronized (this) {
        outstanding--;
        notifyAll();
      }
      throw e;
    }
  }

  /**
   * Waits until at most {@code parked} tasks are outstanding (those parked on a virtual clock),
   * for at most {@code timeout} of real time.
   *
   * @return true when that point was reached
   */
  synchronized boolean awaitQuiet(java.util.function.IntSupplier parked, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding > parked.getAsInt()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
    }
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
