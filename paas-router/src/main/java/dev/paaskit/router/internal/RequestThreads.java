package dev.paaskit.router.internal;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool a router makes for itself when given no executor: it reuses an idle thread when there
 * is one, starts a new one while fewer than {@code max} exist, and only then queues. (A plain
 * {@link ThreadPoolExecutor} either queues before it grows or starts a thread per task.)
 */
final class RequestThreads {
  private RequestThreads() {}

  static ExecutorService create(String name, int max) {
    HandOffQueue queue = new HandOffQueue();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, queue,
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-proxy-%d").build(),
        (task, executor) -> {
          if (executor.isShutdown()) {
            throw new RejectedExecutionException(name + " is stopped");
          }
          queue.put(task);
        });
    return pool;
  }

  /** Accepts a task only when a thread waits for one, so that the pool grows instead. */
  private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }
  }
}
