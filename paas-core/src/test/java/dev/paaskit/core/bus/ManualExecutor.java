package dev.paaskit.core.bus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Runs tasks only when a test asks, on the test's thread; keeps what tasks throw, as a pool would report it. */
final class ManualExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final List<Throwable> thrown = new ArrayList<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  synchronized int queued() {
    return tasks.size();
  }

  /** Runs tasks, including those they queue, until none is left. */
  void runAll() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
      }
      if (task == null) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          thrown.add(e);
        }
      }
    }
  }

  synchronized List<Throwable> thrown() {
    return List.copyOf(thrown);
  }
}
