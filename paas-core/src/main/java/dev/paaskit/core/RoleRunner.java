package dev.paaskit.core;

import com.google.common.util.concurrent.AbstractService;
import com.google.common.util.concurrent.Service;
import dev.paaskit.api.spi.Role;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One role of a cloud as the cloud drives it: a Guava service whose start and stop run the
 * role's on the cloud's executor, waited for within bounds, so a role that hangs fails the
 * cloud's start instead of hanging it.
 */
final class RoleRunner extends AbstractService {
  private final Role role;
  private final Executor executor;
  private final Duration startTimeout;
  private final Duration stopTimeout;

  RoleRunner(Role role, Executor executor, Duration startTimeout, Duration stopTimeout) {
    this.role = role;
    this.executor = executor;
    this.startTimeout = startTimeout;
    this.stopTimeout = stopTimeout;
  }

  Role role() {
    return role;
  }

  /** Asks the role to start, on the cloud's executor; {@link #awaitStarted} waits for it. */
  void beginStart() {
    startAsync();
  }

  /**
   * Waits until the role runs, at most until {@code deadlineNanos} ({@link System#nanoTime()}).
   *
   * @throws TimeoutException when it did not start by then
   * @throws Exception what the role's start threw
   */
  void awaitStarted(long deadlineNanos) throws Exception {
    try {
      awaitRunning(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    } catch (TimeoutException e) {
      throw new TimeoutException("role " + role.name() + " did not start within "
          + startTimeout.toMillis() + " ms");
    } catch (IllegalStateException e) {
      throw rethrowable(failureCause());
    }
  }

  /** The bound on one role's start. */
  Duration startTimeout() {
    return startTimeout;
  }

  /** The bound on one role's stop. */
  Duration stopTimeout() {
    return stopTimeout;
  }

  /**
   * Asks the role to stop when it started; {@link #awaitStopped} waits for it.
   *
   * @return whether there is a stop to wait for: not for a role that never started or failed,
   *     nor for one still starting past its bound, which stops once its start returns, on its
   *     own thread
   */
  boolean beginStop() {
    Service.State before = state();
    if (before == Service.State.FAILED) {
      return false;
    }
    stopAsync();
    return before != Service.State.STARTING && before != Service.State.NEW;
  }

  /**
   * Waits until the role stopped, at most until {@code deadlineNanos}.
   *
   * @throws TimeoutException when it did not stop by then
   * @throws Exception what the role's stop threw
   */
  void awaitStopped(long deadlineNanos) throws Exception {
    try {
      awaitTerminated(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    } catch (TimeoutException e) {
      throw new TimeoutException("role " + role.name() + " did not stop within "
          + stopTimeout.toMillis() + " ms");
    } catch (IllegalStateException e) {
      throw rethrowable(failureCause());
    }
  }

  Lifecycle lifecycle() {
    return Lifecycles.of(state());
  }

  @Override
  protected void doStart() {
    run(() -> {
      try {
        role.start();
      } catch (Throwable t) {
        // A role may hold some of what it took before failing; stop is harmless otherwise.
        try {
          role.stop();
        } catch (Throwable suppressed) {
          if (suppressed != t) {
            t.addSuppressed(suppressed);
          }
        }
        notifyFailed(t);
        return;
      }
      notifyStarted();
    });
  }

  @Override
  protected void doStop() {
    run(() -> {
      try {
        role.stop();
      } catch (Throwable t) {
        notifyFailed(t);
        return;
      }
      notifyStopped();
    });
  }

  /**
   * Runs {@code work} on the cloud's executor, or here when the executor refuses it: a start that
   * returns after its bound, and stops the role then, may find the cloud's pool already shut.
   */
  private void run(Runnable work) {
    try {
      executor.execute(work);
    } catch (RejectedExecutionException e) {
      work.run();
    }
  }

  @Override
  public String toString() {
    return role.name() + " [" + state() + "]";
  }

  private static Exception rethrowable(Throwable t) {
    if (t instanceof Exception e) {
      return e;
    }
    throw (Error) t;
  }
}
