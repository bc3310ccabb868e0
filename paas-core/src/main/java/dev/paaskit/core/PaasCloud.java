package dev.paaskit.core;

import dev.paaskit.api.Controller;
import dev.paaskit.api.EventListener;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Role;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.internal.events.EventLog;
import dev.paaskit.core.internal.util.Trees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cloud: its roles with one lifecycle. {@link #start()} starts them phase by phase in the order
 * of {@link Role.Phase} (the router first, the API last), the roles of one phase side by side,
 * each within the builder's start bound; {@link #close()} stops them phase by phase in the
 * opposite order (the API first, then the health manager, so nothing restarts what stops, the
 * router last), each within the stop bound, and releases what
 * the builder made (threads, timers, folders). Parts the host passed in stay the host's to close,
 * except container backends, which their nodes close.
 *
 * <p>A cloud spread over processes runs some roles in each: the control plane in one, nodes in
 * others. Tell each process's cloud when its bus comes back after an outage
 * ({@link #busReconnected()}).
 *
 * <p>States ({@link #state()}): NEW, STARTING, RUNNING after a successful start, STOPPING,
 * TERMINATED after close; FAILED when a role failed to start or did not start in time (the roles
 * already started are stopped again and what the cloud owns is released). Each role's own state
 * is in {@link #roleStates()}. Thread-safe.
 */
public final class PaasCloud implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaasCloud.class);

  private final CloudContext context;
  private final Controller controller;
  private final EventLog eventLog;
  /** By phase, then in the order added. */
  private final List<RoleRunner> runners;
  private final List<AutoCloseable> owned;
  private final Path ownedWorkDir;
  private Lifecycle state = Lifecycle.NEW;
  private Throwable failure;
  private boolean closed;

  PaasCloud(CloudContext context, Controller controller, EventLog eventLog, List<Role> roles,
      List<AutoCloseable> owned, Path ownedWorkDir, Duration startTimeout, Duration stopTimeout) {
    this.context = context;
    this.controller = controller;
    this.eventLog = eventLog;
    List<RoleRunner> list = new ArrayList<>();
    for (Role role : roles) {
      list.add(new RoleRunner(role, context.executor(), startTimeout, stopTimeout));
    }
    // A stable sort keeps the order added within a phase.
    list.sort(java.util.Comparator.comparing(r -> r.role().phase()));
    this.runners = List.copyOf(list);
    this.owned = List.copyOf(owned);
    this.ownedWorkDir = ownedWorkDir;
  }

  /**
   * Starts every role, phase by phase, and returns once all are ready. Each role's start runs on
   * the cloud's executor while the calling thread waits, at most the builder's start timeout per
   * role.
   *
   * @return this cloud, now RUNNING, so that {@code build().start()} can be chained
   * @throws IllegalStateException if the cloud is not NEW, or a role failed to start or did not
   *     start within the bound (its exception is the cause; the cloud is then FAILED, and
   *     everything it started or owns is stopped and released, as by {@link #close()})
   */
  public synchronized PaasCloud start() {
    if (state != Lifecycle.NEW) {
      throw new IllegalStateException("cloud " + context.cloudName() + " is " + state + ", not NEW");
    }
    state = Lifecycle.STARTING;
    for (List<RoleRunner> phase : phases()) {
      // The roles of one phase start side by side; the next phase waits for all of them.
      phase.forEach(RoleRunner::beginStart);
      long deadline = System.nanoTime() + phase.get(0).startTimeout().toNanos();
      for (RoleRunner runner : phase) {
        try {
          runner.awaitStarted(deadline);
        } catch (Exception e) {
          failure = e;
          close();
          throw new IllegalStateException("role " + runner.role().name() + " of cloud "
              + context.cloudName() + " failed to start: " + e.getMessage(), e);
        } catch (Error e) {
          // Still release what started, then let the error go as it is.
          failure = e;
          close();
          throw e;
        }
      }
    }
    state = Lifecycle.RUNNING;
    return this;
  }

  /**
   * The controller, the entry point for pushing, scaling and inspecting apps.
   *
   * @return the same controller on every call, whatever the cloud's state
   * @throws IllegalStateException if this cloud was built without its control plane
   */
  public Controller controller() {
    if (controller == null) {
      throw new IllegalStateException("cloud " + context.cloudName() + " runs no controller");
    }
    return controller;
  }

  /**
   * Tells every started role that wants to know ({@link ReconnectAware}) that the bus came back
   * after an outage, so nodes announce themselves again and routers resync. Call it from the
   * transport's reconnect notice, once subscriptions are restored; calling it without an outage
   * is harmless. A role that fails is logged and the others are still told.
   */
  public void busReconnected() {
    synchronized (this) {
      if (state != Lifecycle.RUNNING) {
        return;
      }
    }
    for (RoleRunner runner : runners) {
      if (runner.lifecycle() == Lifecycle.RUNNING && runner.role() instanceof ReconnectAware aware) {
        try {
          aware.busReconnected();
        } catch (RuntimeException e) {
          log.warn("role {} failed to act on the bus reconnecting", runner.role().name(), e);
        }
      }
    }
  }

  /**
   * The parts the cloud's roles share: its name, domain, bus, stores, clock and executor.
   *
   * @return the same context the roles were made with; its parts are the cloud's, or the host's
   *     where the host passed them in: do not close them
   */
  public CloudContext context() {
    return context;
  }

  /**
   * Where the cloud is in its life. Waits while {@link #start()} or {@link #close()} runs on
   * another thread, and then tells the state they left; so a role must not ask from its own start
   * or stop, which run on the executor while the cloud waits for them.
   *
   * @return NEW, RUNNING, TERMINATED or FAILED; STARTING or STOPPING only to the thread running
   *     {@link #start()} or {@link #close()} (or a role's start or stop on that thread, with a
   *     direct executor)
   */
  public synchronized Lifecycle state() {
    return state;
  }

  /**
   * Each role's state, by name, in start order; the control plane's roles included. Does not
   * wait for a start or close under way.
   *
   * @return an unmodifiable snapshot, which later changes do not update
   */
  public Map<String, Lifecycle> roleStates() {
    Map<String, Lifecycle> states = new LinkedHashMap<>();
    for (RoleRunner runner : runners) {
      states.put(runner.role().name(), runner.lifecycle());
    }
    return Collections.unmodifiableMap(states);
  }

  /**
   * Why the cloud is FAILED.
   *
   * @return what the role that failed to start threw (a
   *     {@link java.util.concurrent.TimeoutException} when it did not start in time); empty when
   *     no start failed. A role that fails to stop is only logged and leaves this empty
   */
  public synchronized Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Calls {@code listener} on {@code executor} for every event published on the cloud's bus from
   * now on, by this process or, on a shared bus, by others; past events are not replayed. A
   * listener stays until the cloud closes; there is no way to remove one. Events reach the
   * executor in the order the bus delivered them; an executor of several threads may run them out
   * of that order.
   *
   * @param listener called once per event; what it throws is logged and does not reach other
   *     listeners
   * @param executor runs each call; a direct executor ({@code Runnable::run}) runs them on the
   *     bus's delivery thread, so the listener must then be quick
   * @throws NullPointerException if either is null
   */
  public void addEventListener(EventListener listener, Executor executor) {
    eventLog.addListener(Objects.requireNonNull(listener, "listener"),
        Objects.requireNonNull(executor, "executor"));
  }

  /**
   * The role named {@code name}. Names are unique in a cloud.
   *
   * @param name a role's {@link Role#name()}, such as {@code node-n1}
   * @return the role, in any state; empty when the cloud has no role of that name
   */
  public Optional<Role> role(String name) {
    return runners.stream().map(RoleRunner::role).filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * The first role that is a {@code type}, in start order, such as the router.
   *
   * @param <T> the type looked for
   * @param type a class or interface the role implements, such as a role's own class
   * @return the first role of that type by phase, then in the order added; empty when there is
   *     none
   */
  public <T> Optional<T> role(Class<T> type) {
    return runners.stream().map(RoleRunner::role).filter(type::isInstance).map(type::cast)
        .findFirst();
  }

  /**
   * Stops every started role, phase by phase in the opposite order of the start, and releases
   * what the cloud owns. A role that fails to stop or does not stop in time is logged and the
   * others still stop. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    state = Lifecycle.STOPPING;
    List<List<RoleRunner>> phases = phases();
    for (int p = phases.size() - 1; p >= 0; p--) {
      // The roles of one phase stop side by side; the phase before waits for all of them.
      List<RoleRunner> phase = phases.get(p);
      List<RoleRunner> stopping = new ArrayList<>();
      for (int i = phase.size() - 1; i >= 0; i--) {
        if (phase.get(i).beginStop()) {
          stopping.add(phase.get(i));
        }
      }
      long deadline = System.nanoTime() + phase.get(0).stopTimeout().toNanos();
      for (RoleRunner runner : stopping) {
        try {
          runner.awaitStopped(deadline);
        } catch (Exception e) {
          log.warn("role {} of cloud {} failed to stop", runner.role().name(),
              context.cloudName(), e);
        }
      }
    }
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", owned.get(i), e);
      }
    }
    if (ownedWorkDir != null) {
      Trees.deleteQuietly(ownedWorkDir);
    }
    state = failure == null ? Lifecycle.TERMINATED : Lifecycle.FAILED;
  }

  /** The runners grouped by phase, in start order. */
  private List<List<RoleRunner>> phases() {
    List<List<RoleRunner>> out = new ArrayList<>();
    Role.Phase current = null;
    for (RoleRunner runner : runners) {
      if (runner.role().phase() != current) {
        current = runner.role().phase();
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(runner);
    }
    return out;
  }

  @Override
  public String toString() {
    return "PaasCloud{" + context.cloudName() + ", " + state() + "}";
  }
}
