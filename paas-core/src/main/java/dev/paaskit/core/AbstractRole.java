package dev.paaskit.core;

import com.google.common.util.concurrent.AbstractService;
import com.google.common.util.concurrent.Service;
import dev.paaskit.api.spi.Role;

/**
 * A role with the lifecycle every PaaSKit role shares: {@link Lifecycle#NEW}, then
 * {@link Lifecycle#STARTING}, {@link Lifecycle#RUNNING}, {@link Lifecycle#STOPPING} and
 * {@link Lifecycle#TERMINATED}, or {@link Lifecycle#FAILED}. Subclasses write
 * {@link #startUp()} and {@link #shutDown()}; this class runs each at most once.
 *
 * <p>A {@link #startUp()} that throws is followed by {@link #shutDown()}, so a subclass releases
 * what it took before failing in one place; the role is then FAILED and {@link #start()} throws
 * what {@link #startUp()} threw. {@link #stop()} on a role that never started does nothing, and
 * is idempotent.
 *
 * <pre>{@code
 * final class Janitor extends AbstractRole {
 *   private Cancellable sweep;
 *
 *   public String name() { return "janitor"; }
 *
 *   protected void startUp() { sweep = clock.schedule(Duration.ofMinutes(1), this::sweep); }
 *
 *   protected void shutDown() { if (sweep != null) sweep.cancel(); }
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #state()} and {@link #isRunning()} may be read from any thread.
 */
public abstract class AbstractRole implements Role {
  private final Delegate delegate = new Delegate();

  /** For subclasses. */
  protected AbstractRole() {}

  /**
   * Takes what the role needs and returns once it is ready to serve. Called once, from
   * {@link #start()}.
   *
   * @throws Exception why the role cannot start; {@link #shutDown()} runs next
   */
  protected abstract void startUp() throws Exception;

  /**
   * Releases everything the role took: after a successful {@link #startUp()}, or after one that
   * threw, so it must cope with what was never taken. Called at most once.
   *
   * @throws Exception what went wrong; the role is then FAILED
   */
  protected abstract void shutDown() throws Exception;

  /**
   * Runs {@link #startUp()} on the calling thread.
   *
   * @throws IllegalStateException if the role was started before, or was stopped
   * @throws Exception what {@link #startUp()} threw
   */
  @Override
  public final void start() throws Exception {
    Service.State before = delegate.state();
    if (before != Service.State.NEW) {
      throw new IllegalStateException("role " + name() + " is " + state() + ", not NEW");
    }
    delegate.startAsync();
    if (delegate.state() == Service.State.FAILED) {
      Throwable cause = delegate.failureCause();
      if (cause instanceof Exception e) {
        throw e;
      }
      throw (Error) cause;
    }
  }

  /**
   * Runs {@link #shutDown()} on the calling thread, once; a role never started, already stopped
   * or FAILED returns at once.
   *
   * @throws IllegalStateException wrapping a checked exception {@link #shutDown()} threw (an
   *     unchecked one is thrown as it is); the role is then FAILED
   */
  @Override
  public final void stop() {
    Service.State before = delegate.state();
    if (before == Service.State.FAILED || before == Service.State.TERMINATED) {
      return;
    }
    delegate.stopAsync();
    if (delegate.state() == Service.State.FAILED) {
      Throwable cause = delegate.failureCause();
      if (cause instanceof RuntimeException e) {
        throw e;
      }
      if (cause instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException("role " + name() + " failed to stop: " + cause.getMessage(),
          cause);
    }
  }

  /**
   * Where the role is in its life. Thread-safe; never blocks. A role still in
   * {@link #startUp()} or {@link #shutDown()} is STARTING or STOPPING.
   *
   * @return the state now; TERMINATED also for a role stopped without ever starting
   */
  public final Lifecycle state() {
    return Lifecycles.of(delegate.state());
  }

  /**
   * Whether the role was asked to stop, or failed: STOPPING, TERMINATED or FAILED. Work that
   * arrives then should be refused. Thread-safe.
   *
   * @return true from the moment {@link #stop()} is called (so already inside
   *     {@link #shutDown()}), and after a failed start; false while NEW, STARTING or RUNNING
   */
  protected final boolean stopRequested() {
    Service.State s = delegate.state();
    return s == Service.State.STOPPING || s == Service.State.TERMINATED
        || s == Service.State.FAILED;
  }

  /**
   * Whether the role has started and not begun to stop. Thread-safe.
   *
   * @return true only when RUNNING: false inside {@link #startUp()}, which runs while the role is
   *     STARTING, and inside {@link #shutDown()}
   */
  protected final boolean isRunning() {
    return delegate.state() == Service.State.RUNNING;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + name() + ", " + state() + "}";
  }

  /** Guava's state machine, with the subclass's work run on the thread that asks for it. */
  private final class Delegate extends AbstractService {
    @Override
    protected void doStart() {
      try {
        startUp();
      } catch (Throwable t) {
        try {
          shutDown();
        } catch (Throwable suppressed) {
          if (suppressed != t) {
            t.addSuppressed(suppressed);
          }
        }
        notifyFailed(t);
        return;
      }
      notifyStarted();
    }

    @Override
    protected void doStop() {
      try {
        shutDown();
      } catch (Throwable t) {
        notifyFailed(t);
        return;
      }
      notifyStopped();
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
