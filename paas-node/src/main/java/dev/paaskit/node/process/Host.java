package dev.paaskit.node.process;

import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every container of one backend shares: its threads, its clock and its way of reaching
 * process trees.
 *
 * @param drainTimeout how long, once the main process ended and the rest of its tree was
 *     killed, to wait for its output pipes to close before reporting the exit anyway (a process
 *     that left the session may still hold them)
 * @param diskRefresh how long, on the clock, a container's folder size is reused before its
 *     folder is walked again
 */
record Host(Executor executor, Clock clock, ProcessTree tree, Duration drainTimeout,
    int maxLineBytes, Duration diskRefresh) {
  private static final Logger log = LoggerFactory.getLogger(Host.class);

  /**
   * Runs a short task on the executor, or on the calling thread once the executor refuses work
   * (it was shut down while containers were still ending).
   */
  void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("executor refused a task; running it on {}", Thread.currentThread().getName());
      task.run();
    }
  }
}
