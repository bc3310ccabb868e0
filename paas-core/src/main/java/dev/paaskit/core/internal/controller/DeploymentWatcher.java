package dev.paaskit.core.internal.controller;

import dev.paaskit.api.App;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.events.EventLog;
import dev.paaskit.core.internal.health.ActualState;
import dev.paaskit.core.internal.health.HealthManager;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.RouteConfirm;
import dev.paaskit.core.internal.protocol.StoreKeys;
import dev.paaskit.core.internal.protocol.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for deployments to run, for one controller: each wait looks at the app's record and its
 * instances again whenever something about them is heard, and settles once {@link Rollouts}
 * finds the generation running or failed, or its timeout passes on the cloud's clock.
 *
 * <p>What wakes a wait: the nodes' instance reports (heard here too, since a report may reach
 * the wait before the health manager has applied it, and stops and starts publish no event), the
 * app's events (instance RUNNING and CRASHED, placement failures, changes of the app, a cancelled
 * rollout), and node events (a dead node's instances are gone). The reports are subscribed to
 * only while a wait is open, so a cloud nobody waits on pays nothing for them. Looks at one wait
 * never overlap, and a burst of reports costs one look, on the executor.
 *
 * <p>Placement failures are remembered per app from the moment the controller is made: the
 * health manager publishes one only when its reason changes, possibly before anyone waits, so a
 * wait judges the latest one counted after its change began.
 *
 * <p>Thread-safe.
 */
final class DeploymentWatcher {
  private static final Logger log = LoggerFactory.getLogger(DeploymentWatcher.class);

  private final StateStore store;
  private final ActualState cluster;
  private final MessageBus bus;
  private final Clock clock;
  private final Executor executor;
  /** Events heard so far: a deployment counts as its own what is heard after its change. */
  private final AtomicLong eventsSeen = new AtomicLong();
  /** The latest placement failure of each app, by app name. */
  private final Map<String, PlacementFailure> placementFailures = new ConcurrentHashMap<>();
  /** Open waits by app id; changed under this object's lock, read without it. */
  private final Map<String, Set<Wait>> waits = new ConcurrentHashMap<>();
  /** The subscription to instance reports while any wait is open; guarded by this. */
  private Subscription reports;
  /** Set once the cloud closes; guarded by this. */
  private boolean closed;

  /** A placement failure event: its count among events, the index, and the explanation. */
  private record PlacementFailure(long seq, int index, String message) {}

  DeploymentWatcher(StateStore store, ActualState cluster, MessageBus bus, EventLog eventLog,
      Clock clock, Executor executor) {
    this.store = store;
    this.cluster = cluster;
    this.bus = bus;
    this.clock = clock;
    this.executor = executor;
    eventLog.addListener(this::onEvent, Runnable::run);
  }

  /** How many events have been heard; read before a change, it tells what came after. */
  long eventsSeen() {
    return eventsSeen.get();
  }

  /** Ids of the app's instances CRASHED or FAILED now. */
  Set<String> endedInstances(String appId) {
    return cluster.instancesOf(appId).stream()
        .filter(r -> r.state() == InstanceState.CRASHED || r.state() == InstanceState.FAILED)
        .map(InstanceReport::instanceId).collect(Collectors.toSet());
  }

  /** The target of a change that left the app as {@code app}. */
  DeploymentTarget target(App app, Set<String> endedBefore, long eventsBefore) {
    return new DeploymentTarget(app.id(), app.name(), app.generation(), endedBefore,
        eventsBefore);
  }

  /**
   * Where the target stands now.
   *
   * @throws NotFoundException if its app has been deleted
   */
  DeploymentStatus status(DeploymentTarget target) {
    AppRecord app = record(target.appId());
    if (app == null) {
      throw new NotFoundException("app", target.appName());
    }
    return Rollouts.status(target, app, cluster.instancesOf(target.appId()));
  }

  /**
   * Completes {@code future} once the target's generation runs, or fails it once it will not or
   * {@code timeout} has passed. Nothing is started when {@code future} is already done; the wait
   * ends when {@code future} completes, however (cancelled, say).
   */
  void watch(DeploymentTarget target, Duration timeout,
      CompletableFuture<DeploymentStatus> future) {
    if (future.isDone()) {
      return;
    }
    Wait wait = new Wait(target, timeout, future);
    try {
      if (!register(wait)) {
        future.completeExceptionally(closed(target));
        return;
      }
      future.whenComplete((status, error) -> unregister(wait));
      PlacementFailure seen = placementFailures.get(target.appName());
      if (seen != null && seen.seq() > target.eventsBefore()) {
        wait.placementFailed(seen);
      }
      wait.timer = clock.schedule(timeout, () -> wait.run(wait::timeOut));
      if (future.isDone()) {
        wait.timer.cancel();
        return;
      }
      wait.wake();
    } catch (RuntimeException e) {
      // A bus or clock that refuses (closed, say) must not leave the caller waiting for ever.
      future.completeExceptionally(e);
    }
  }

  private AppRecord record(String appId) {
    return store.get(StoreKeys.app(appId)).map(e -> Json.read(e.value(), AppRecord.class))
        .orElse(null);
  }

  /** Adds the wait; false once the cloud closed. */
  private synchronized boolean register(Wait wait) {
    if (closed) {
      return false;
    }
    if (reports == null) {
      // Before the wait is added: a bus that refuses leaves no wait behind.
      reports = bus.subscribe(Subjects.INSTANCE_STATE, this::onReport);
    }
    waits.computeIfAbsent(wait.target.appId(), id -> new CopyOnWriteArraySet<>()).add(wait);
    return true;
  }

  /**
   * Ends every wait under way, failing it with an {@link IllegalStateException} that says the
   * cloud closed; later waits fail the same way at once. Called when the cloud closes, so that no
   * caller waits out its timeout on a cloud that is gone. Idempotent.
   */
  void close() {
    List<Wait> open = new ArrayList<>();
    synchronized (this) {
      closed = true;
      waits.values().forEach(open::addAll);
    }
    for (Wait w : open) {
      w.future.completeExceptionally(closed(w.target));
    }
  }

  private static IllegalStateException closed(DeploymentTarget target) {
    return new IllegalStateException("the cloud closed before " + target.appName() + " ran");
  }

  private void unregister(Wait wait) {
    Subscription unused = null;
    synchronized (this) {
      waits.computeIfPresent(wait.target.appId(), (id, set) -> {
        set.remove(wait);
        return set.isEmpty() ? null : set;
      });
      if (waits.isEmpty() && reports != null) {
        unused = reports;
        reports = null;
      }
    }
    if (wait.timer != null) {
      wait.timer.cancel();
    }
    if (unused != null) {
      unused.close();
    }
  }

  private void onReport(Message message) {
    if (waits.isEmpty()) {
      return;
    }
    InstanceReport report = Json.read(message, InstanceReport.class);
    Set<Wait> mine = waits.get(report.appId());
    if (mine != null) {
      mine.forEach(w -> w.heard(report));
    }
  }

  private void onEvent(Event event) {
    long seq = eventsSeen.incrementAndGet();
    PlacementFailure failure = null;
    if (event.type() == EventType.PLACEMENT_FAILED) {
      try {
        failure = new PlacementFailure(seq, Integer.parseInt(event.attributes().get("index")),
            event.message());
        placementFailures.put(event.subject(), failure);
      } catch (NumberFormatException e) {
        log.warn("a placement failure of {} names no index: {}", event.subject(), event);
      }
    } else if (event.type() == EventType.APP_DELETED) {
      placementFailures.remove(event.subject());
    }
    if (waits.isEmpty()) {
      return;
    }
    boolean node = event.subject().startsWith(HealthManager.NODE_EVENT_PREFIX);
    for (Set<Wait> set : waits.values()) {
      for (Wait w : set) {
        if (node) {
          w.wake();
        } else if (w.target.appName().equals(event.subject())) {
          if (failure != null) {
            w.placementFailed(failure);
          } else {
            w.wake();
          }
        }
      }
    }
  }

  /** One open wait. */
  /** How long a router may take to confirm a deployment's routes before it is asked again. */
  static final Duration ROUTE_CONFIRM_WAIT = Duration.ofSeconds(5);
  /** How long to wait before asking again when the bus refused the question. */
  static final Duration ROUTE_CONFIRM_RETRY = Duration.ofSeconds(1);

  private final class Wait {
    final DeploymentTarget target;
    final Duration timeout;
    final CompletableFuture<DeploymentStatus> future;
    /** Reports heard for the app that the health manager may not have applied yet. */
    private final Map<String, InstanceReport> heard = new HashMap<>();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final AtomicBoolean looking = new AtomicBoolean();
    private final AtomicReference<PlacementFailure> placement = new AtomicReference<>();
    /** The instances a route confirmation is asked for now, or null when none is. */
    private final AtomicReference<Set<String>> confirming = new AtomicReference<>();
    volatile Cancellable timer;

    Wait(DeploymentTarget target, Duration timeout, CompletableFuture<DeploymentStatus> future) {
      this.target = target;
      this.timeout = timeout;
      this.future = future;
    }

    void heard(InstanceReport report) {
      synchronized (heard) {
        InstanceReport known = heard.get(report.instanceId());
        if (known == null || report.seq() > known.seq()) {
          heard.put(report.instanceId(), report);
        }
      }
      wake();
    }

    void placementFailed(PlacementFailure failure) {
      placement.set(failure);
      wake();
    }

    /** Asks for a look; at most one runs at a time, and it looks again if asked meanwhile. */
    void wake() {
      wanted.set(true);
      if (looking.compareAndSet(false, true)) {
        run(this::looks);
      }
    }

    /** Runs {@code task} on the executor; a wait the executor refuses fails, it never hangs. */
    void run(Runnable task) {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        future.completeExceptionally(new IllegalStateException("the wait for generation "
            + target.generation() + " of " + target.appName() + " ended: the cloud's executor "
            + "refused it, the cloud is stopping", e));
      }
    }

    private void looks() {
      try {
        while (!future.isDone() && wanted.getAndSet(false)) {
          look();
        }
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      } finally {
        looking.set(false);
        if (wanted.get() && !future.isDone() && looking.compareAndSet(false, true)) {
          run(this::looks);
        }
      }
    }

    private void look() {
      Rollouts.Verdict verdict = judge();
      if (settle(verdict)) {
        return;
      }
      PlacementFailure failure = placement.get();
      if (failure != null) {
        Rollouts.notPlaced(verdict.status(), failure.index(), failure.message())
            .ifPresentOrElse(future::completeExceptionally,
                () -> placement.compareAndSet(failure, null));
      }
    }

    private Rollouts.Verdict judge() {
      AppRecord app = record(target.appId());
      List<InstanceReport> known = cluster.instancesOf(target.appId());
      synchronized (heard) {
        return Rollouts.judge(target, app, Rollouts.merge(known, heard));
      }
    }

    private boolean settle(Rollouts.Verdict verdict) {
      if (verdict.failure() != null) {
        future.completeExceptionally(verdict.failure());
        return true;
      }
      if (verdict.complete()) {
        confirmRouted(verdict.status());
        return true;
      }
      return false;
    }

    /**
     * Completes once the routers route to the generation's running instances: nodes register a
     * route before they report RUNNING, but routers apply registrations on their own time. A
     * cloud without a router (no responders) completes at once; a router that does not answer
     * within {@link #ROUTE_CONFIRM_WAIT} is asked again on the next look.
     */
    private void confirmRouted(DeploymentStatus status) {
      Set<String> ids = status.current().stream()
          .filter(i -> i.index() < status.wanted() && i.state() == InstanceState.RUNNING)
          .map(InstanceStatus::instanceId).collect(Collectors.toSet());
      Set<String> before = confirming.get();
      if (ids.equals(before) || !confirming.compareAndSet(before, ids)) {
        return;
      }
      CompletableFuture<Message> reply;
      try {
        reply = Json.request(bus, Subjects.ROUTE_CONFIRM, new RouteConfirm(List.copyOf(ids)),
            ROUTE_CONFIRM_WAIT);
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      reply.whenComplete((answer, error) -> {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        if (cause == null || cause instanceof NoRespondersException) {
          future.complete(status);
          return;
        }
        confirming.compareAndSet(ids, null);
        if (cause instanceof TimeoutException) {
          wake();
        } else {
          // The bus refused (away, say): ask again a little later, not in a tight loop.
          clock.schedule(ROUTE_CONFIRM_RETRY, this::wake);
        }
      });
    }

    void timeOut() {
      if (future.isDone()) {
        return;
      }
      try {
        Rollouts.Verdict verdict = judge();
        if (verdict.failure() != null) {
          future.completeExceptionally(verdict.failure());
        } else {
          // Also when every instance runs but no router confirmed their routes in time.
          future.completeExceptionally(
              DeploymentFailedException.timedOut(verdict.status(), timeout));
        }
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
  }
}
