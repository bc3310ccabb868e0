package dev.paaskit.core;

import dev.paaskit.api.Controller;
import dev.paaskit.api.EventListener;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Role;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.events.EventLog;
import dev.paaskit.core.health.HealthManager;
import dev.paaskit.core.router.RouterRole;
import dev.paaskit.core.util.Trees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cloud: its roles with one lifecycle. {@link #start()} starts them in order; {@link #close()}
 * first stops the health manager, so nothing fights the shutdown by restarting what stops, then
 * the other roles in reverse order, and releases what the builder made (threads, timers, folders);
 * parts the host passed in stay the host's to close, except container backends, which their
 * nodes close.
 *
 * <p>A cloud runs the {@link CoreRole}s its builder was given; one spread over processes runs
 * some in each, and tells each process's cloud when its bus comes back after an outage
 * ({@link #busReconnected()}).
 *
 * <p>States: NEW, then RUNNING after a successful start, FAILED when a role failed to start (the
 * roles already started are stopped again), TERMINATED after close. Thread-safe.
 */
public final class PaasCloud implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaasCloud.class);

  /** Where a cloud is in its life. */
  public enum State { NEW, STARTING, RUNNING, STOPPING, TERMINATED, FAILED }

  private final CloudContext context;
  private final Controller controller;
  private final EventLog eventLog;
  private final RouterRole router;
  private final List<Role> roles;
  private final List<AutoCloseable> owned;
  private final Path ownedWorkDir;
  private final List<Role> started = new ArrayList<>();
  private State state = State.NEW;
  private Throwable failure;
  private boolean closed;

  PaasCloud(CloudContext context, Controller controller, EventLog eventLog, RouterRole router,
      List<Role> roles, List<AutoCloseable> owned, Path ownedWorkDir) {
    this.context = context;
    this.controller = controller;
    this.eventLog = eventLog;
    this.router = router;
    this.roles = List.copyOf(roles);
    this.owned = List.copyOf(owned);
    this.ownedWorkDir = ownedWorkDir;
  }

  /**
   * Starts every role, in the order they were added, and returns once all are ready.
   *
   * @throws IllegalStateException if the cloud is not NEW, or a role failed to start (its
   *     exception is the cause; the cloud is then FAILED, and everything it started or owns is
   *     stopped and released, as by {@link #close()})
   */
  public synchronized PaasCloud start() {
    if (state != State.NEW) {
      throw new IllegalStateException("cloud " + context.cloudName() + " is " + state + ", not NEW");
    }
    state = State.STARTING;
    for (Role role : roles) {
      try {
        role.start();
        started.add(role);
      } catch (Exception e) {
        failure = e;
        started.add(role); // it may hold some of what it took before failing
        close();
        throw new IllegalStateException("role " + role.name() + " of cloud " + context.cloudName()
            + " failed to start: " + e.getMessage(), e);
      }
    }
    state = State.RUNNING;
    return this;
  }

  /**
   * The controller.
   *
   * @throws IllegalStateException if this cloud was built without {@link CoreRole#CONTROLLER}
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
    List<Role> now;
    synchronized (this) {
      if (state != State.RUNNING) {
        return;
      }
      now = List.copyOf(started);
    }
    for (Role role : now) {
      if (role instanceof ReconnectAware aware) {
        try {
          aware.busReconnected();
        } catch (RuntimeException e) {
          log.warn("role {} failed to act on the bus reconnecting", role.name(), e);
        }
      }
    }
  }

  public CloudContext context() {
    return context;
  }

  public synchronized State state() {
    return state;
  }

  /** Why the cloud is FAILED. */
  public synchronized Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The router's port, once started; empty for a cloud without a router. */
  public Optional<Integer> routerPort() {
    return Optional.ofNullable(router).map(RouterRole::port);
  }

  /** Calls {@code listener} on {@code executor} for every event from now on. */
  public void addEventListener(EventListener listener, Executor executor) {
    eventLog.addListener(listener, executor);
  }

  /** The role named {@code name}, such as {@code node-n1}. */
  public Optional<Role> role(String name) {
    return roles.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Stops every role in reverse order and releases what the cloud owns. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    state = State.STOPPING;
    stopStarted();
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
    state = failure == null ? State.TERMINATED : State.FAILED;
  }

  private void stopStarted() {
    List<Role> order = new ArrayList<>(started);
    java.util.Collections.reverse(order);
    order.sort(java.util.Comparator.comparing(r -> !(r instanceof HealthManager)));
    for (Role role : order) {
      try {
        role.stop();
      } catch (Exception e) {
        log.warn("role {} failed to stop", role.name(), e);
      }
    }
    started.clear();
  }
}
