package dev.paaskit.core.internal.health;

import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.Lifecycle;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.health.RestartPolicy;
import dev.paaskit.core.internal.events.Events;
import dev.paaskit.core.internal.health.Plan.RolloutStatus;
import dev.paaskit.core.internal.health.Reconciler.Crashes;
import dev.paaskit.core.internal.health.Reconciler.Desired;
import dev.paaskit.core.internal.health.Reconciler.Instance;
import dev.paaskit.core.internal.health.Reconciler.Observed;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.CrashReport;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.SpecRecord;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.StoreKeys;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.util.StoreMirror;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level-based reconciler's effects: compares what the store says should run with what nodes
 * report, and sends the starts and stops that close the gap. A pass runs after every reported
 * change and every {@link HealthOptions#sweepInterval()} as a backstop; passes never overlap.
 *
 * <p>For each app a pass looked at, the {@link Reconciler} decides from plain inputs (the app's
 * record, its instances, crashes, dead and draining nodes, the time) what to start and stop; this
 * class gathers those inputs, places the starts, sends them in batches and the stops one by one,
 * records crashes as the {@link RestartPolicy} counts them, cancels stalled rollouts and publishes
 * events.
 */
public final class HealthManager extends AbstractRole implements ActualState, ReconnectAware {
  private static final Logger log = LoggerFactory.getLogger(HealthManager.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STOP_RESEND = Duration.ofSeconds(10);
  /** Node events have subject {@code node:<id>}; no app name holds a colon. */
  public static final String NODE_EVENT_PREFIX = "node:";

  private final CloudContext context;
  private final MessageBus bus;
  private final StateStore store;
  private final PlacementStrategy placement;
  private final HealthOptions options;
  private final Events events;
  private final Executor executor;
  private final ClusterState cluster;
  private final Reconciler reconciler;
  private final Map<String, AppRecord> desired = new ConcurrentHashMap<>();
  /** Crash history by app id, then index; each history is read and written under its own lock. */
  private final Map<String, Map<Integer, CrashHistory>> crashes = new ConcurrentHashMap<>();
  /** Passes booked for an app at the end of a crash back-off: app id to nanoTime. */
  private final Map<String, Long> looksBooked = new ConcurrentHashMap<>();
  /** Stops sent and not yet confirmed: instance id to the nanoTime they may be resent. */
  private final Map<String, Long> stopsSent = new ConcurrentHashMap<>();
  private final Map<String, String> lastPlacementFailure = new ConcurrentHashMap<>();
  /** Nodes that failed a start: node id to the nanoTime until which no start is sent there. */
  private final Map<String, Long> avoid = new ConcurrentHashMap<>();
  /** Starts chosen by the pass under way, by node; touched only by the pass thread. */
  private final Map<String, List<StartInstance>> outbox = new LinkedHashMap<>();
  private int outboxSize;
  /**
   * Starts collected before a pass sends them on, without waiting for its end: enough that on
   * thousands of nodes each request carries several, since each costs a round trip; few enough
   * that in a pass placing a million instances nodes start work after the first 2% of it.
   */
  private static final int OUTBOX_FLUSH = 16_384;
  private final java.util.SplittableRandom ids =
      new java.util.SplittableRandom(new java.security.SecureRandom().nextLong());
  private final AtomicBoolean passWanted = new AtomicBoolean();
  private final AtomicBoolean fullPassWanted = new AtomicBoolean();
  /** A sweep checks node liveness; every this many sweeps it also asks for a full pass. */
  private static final int FULL_PASS_EVERY_SWEEPS = 10;
  /** Sweeps run; touched only by the sweep timer. */
  private long sweeps;
  /** Apps changed since the last pass; a pass that is not full looks at these only. */
  private final Set<String> dirtyApps = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean passRunner = new AtomicBoolean();
  private final Object passLock = new Object();
  private StoreMirror<AppRecord> apps;
  private StoreMirror<Boolean> drains;
  /** Nodes being emptied: their instances are replaced elsewhere, then stopped. */
  private final Set<String> draining = ConcurrentHashMap.newKeySet();
  /** Rollouts watched, by app id: when its generation was first seen not all running. */
  private final Map<String, RolloutWatch> rollouts = new ConcurrentHashMap<>();
  private Cancellable sweep;
  /** Time ticked since the last sweep; touched by the sweep timer only. */
  private long sinceSweepNanos;

  /** An index's crashes in a row; guarded by its own lock. */
  static final class CrashHistory {
    long generation;
    int count;
    long lastCrashNanos;
    boolean failed;
    /** The crash that made the index FAILED. */
    InstanceReport last;

    synchronized Crashes snapshot() {
      return new Crashes(generation, count, lastCrashNanos);
    }
  }

  /** The rollout of {@code generation} seen not all running since {@code sinceNanos}. */
  private record RolloutWatch(long generation, long sinceNanos) {}

  /**
   * A health manager that hears nodes on the context's bus, reads desired state from its store
   * and runs passes on its executor, timed by its clock. Nothing runs before {@link #start()}.
   *
   * @param placement chooses a node for each start
   * @param options heartbeat, sweep, restart and rollout settings
   */
  public HealthManager(CloudContext context, PlacementStrategy placement, HealthOptions options) {
    this.context = context;
    this.bus = context.bus();
    this.store = context.stateStore();
    this.placement = placement;
    this.options = options;
    this.events = new Events(bus, context.clock());
    this.executor = context.executor();
    this.cluster = new ClusterState(bus, context.clock(), options, new ClusterListener());
    this.reconciler = new Reconciler(options.restartPolicy(), options.rolloutTimeout());
  }

  @Override
  public String name() {
    return "health-manager";
  }

  /** {@link Phase#RECONCILER}: places instances once nodes are up; stops first. */
  @Override
  public Phase phase() {
    return Phase.RECONCILER;
  }

  @Override
  protected void startUp() {
    apps = StoreMirror.open(store, StoreKeys.APPS, b -> Json.read(b, AppRecord.class),
        new StoreMirror.Listener<>() {
          @Override
          public void put(String key, AppRecord app) {
            desired.put(app.id(), app);
            requestPass(app.id());
          }

          @Override
          public void deleted(String key) {
            String id = key.substring(StoreKeys.APPS.length());
            desired.remove(id);
            requestPass(id);
          }
        });
    drains = StoreMirror.open(store, StoreKeys.DRAINS, b -> Boolean.TRUE,
        new StoreMirror.Listener<>() {
          @Override
          public void put(String key, Boolean value) {
            String node = key.substring(StoreKeys.DRAINS.length());
            draining.add(node);
            cluster.setDraining(node, true);
            requestPass();
          }

          @Override
          public void deleted(String key) {
            String node = key.substring(StoreKeys.DRAINS.length());
            draining.remove(node);
            cluster.setDraining(node, false);
            requestPass();
          }
        });
    cluster.start();
    scheduleSweep();
    requestPass();
  }

  @Override
  protected void shutDown() {
    if (sweep != null) {
      sweep.cancel();
    }
    // A pass under way finishes first (it sees active() false and sends nothing more), so no
    // start goes out once the nodes, which stop after the health manager, may take it.
    synchronized (passLock) {
      outbox.clear();
      outboxSize = 0;
    }
    if (apps != null) {
      apps.close();
    }
    if (drains != null) {
      drains.close();
    }
    cluster.close();
  }

  @Override
  public void busReconnected() {
    cluster.busReconnected();
  }

  /**
   * Whether passes and sweeps may run: from the start of {@link #startUp()}, whose store mirrors
   * ask for passes, until {@link #shutDown()} begins.
   */
  private boolean active() {
    Lifecycle state = state();
    return state == Lifecycle.STARTING || state == Lifecycle.RUNNING;
  }

  private void scheduleSweep() {
    if (!active()) {
      return;
    }
    // Liveness is checked four times a heartbeat, so that a node is found dead within a quarter
    // beat of its deadline rather than up to a whole sweep after it.
    Duration tick = options.heartbeatInterval().dividedBy(4);
    if (tick.isZero() || tick.compareTo(options.sweepInterval()) > 0) {
      tick = options.sweepInterval();
    }
    long tickNanos = tick.toNanos();
    sweep = context.clock().schedule(tick, () -> {
      try {
        cluster.checkLiveness();
        sinceSweepNanos += tickNanos;
        if (sinceSweepNanos >= options.sweepInterval().toNanos()) {
          sinceSweepNanos = 0;
          // Changes reconcile the apps they touch at once; the full pass is only a backstop.
          if (sweeps++ % FULL_PASS_EVERY_SWEEPS == 0) {
            requestPass();
          }
        }
      } catch (RuntimeException e) {
        log.error("health sweep failed; the next one runs as usual", e);
      } finally {
        scheduleSweep();
      }
    });
  }

  /**
   * Asks for a full pass, over every app: after a node's change, a drain, and on the sweep.
   * At most one task runs passes at a time: it keeps passing while requests come in, so every
   * request is covered by a pass that starts after it, and requests never pile up threads.
   */
  void requestPass() {
    fullPassWanted.set(true);
    wakeRunner();
  }

  /** Asks for a pass over one app, whose desired or actual state changed. */
  void requestPass(String appId) {
    dirtyApps.add(appId);
    wakeRunner();
  }

  private void wakeRunner() {
    if (!active()) {
      return;
    }
    passWanted.set(true);
    if (passRunner.compareAndSet(false, true)) {
      executor.execute(this::runPasses);
    }
  }

  private void runPasses() {
    try {
      while (active() && passWanted.getAndSet(false)) {
        synchronized (passLock) {
          try {
            pass();
          } catch (RuntimeException e) {
            log.error("reconcile pass failed", e);
          }
        }
      }
    } finally {
      passRunner.set(false);
      // A request that came after the loop's last check but before the flag was cleared.
      if (active() && passWanted.get() && passRunner.compareAndSet(false, true)) {
        executor.execute(this::runPasses);
      }
    }
  }

  private void pass() {
    long now = context.clock().nanoTime();
    stopsSent.values().removeIf(until -> until - now < 0);
    avoid.values().removeIf(until -> until - now < 0);
    Set<String> appIds;
    if (fullPassWanted.getAndSet(false)) {
      dirtyApps.clear();
      appIds = new HashSet<>(desired.keySet());
      appIds.addAll(cluster.appIds());
    } else {
      appIds = new HashSet<>(dirtyApps);
      dirtyApps.removeAll(appIds);
    }
    if (appIds.isEmpty()) {
      return;
    }
    List<NodeView> nodes = cluster.nodeViews();
    Candidates candidates = new Candidates(cluster, nodes, avoid.keySet());
    Set<String> dead = new HashSet<>();
    for (NodeView v : nodes) {
      if (v.state == NodeState.DEAD) {
        dead.add(v.id());
      }
    }
    Set<String> deadNodes = Set.copyOf(dead);
    Set<String> drainingNodes = Set.copyOf(draining);
    for (String appId : appIds) {
      if (!active()) {
        return;
      }
      AppRecord app = desired.get(appId);
      try {
        List<InstanceReport> reports = cluster.instancesOf(appId);
        Plan plan = reconciler.plan(app == null ? Desired.deletedApp() : Desired.of(app),
            observe(appId, app, reports, deadNodes, drainingNodes), now);
        apply(appId, app, reports, plan, candidates, now);
      } catch (RuntimeException e) {
        // One app's failure, a placement plugin's say, must not stop every other app converging.
        log.error("reconciling {} failed", app == null ? appId : app.spec().name(), e);
      }
    }
    if (active()) {
      sendStarts();
    }
  }

  /**
   * What the reconciler is told of one app. Reads the crash histories after {@code reports}: a
   * crash is recorded while the cluster state applies its report, so an instance seen crashed
   * has its crash counted.
   */
  private Observed observe(String appId, AppRecord app, List<InstanceReport> reports,
      Set<String> deadNodes, Set<String> drainingNodes) {
    List<Instance> instances = new ArrayList<>(reports.size());
    for (InstanceReport r : reports) {
      instances.add(Instance.of(r, stopsSent.containsKey(r.instanceId())));
    }
    Map<Integer, Crashes> crashed = Map.of();
    OptionalLong rolloutSince = OptionalLong.empty();
    if (app != null) {
      Map<Integer, CrashHistory> histories = crashes.get(appId);
      if (histories != null && !histories.isEmpty()) {
        crashed = new HashMap<>();
        for (Map.Entry<Integer, CrashHistory> e : histories.entrySet()) {
          crashed.put(e.getKey(), e.getValue().snapshot());
        }
      }
      RolloutWatch watch = rollouts.get(appId);
      if (watch != null && watch.generation() == app.generation()) {
        rolloutSince = OptionalLong.of(watch.sinceNanos());
      }
    }
    return new Observed(instances, crashed, deadNodes, drainingNodes, rolloutSince);
  }

  /** Carries out {@code plan} for one app: stops, then the rollout's fate, then starts. */
  private void apply(String appId, AppRecord app, List<InstanceReport> reports, Plan plan,
      Candidates candidates, long now) {
    long generation = app == null ? 0 : app.generation();
    String appName = app != null ? app.spec().name()
        : reports.isEmpty() ? appId : reports.get(0).appName();
    for (Plan.Stop stop : plan.stops()) {
      sendStop(appName, stop, stop.reason().describe(stop.index(), generation));
    }
    if (app == null) {
      crashes.remove(appId);
      rollouts.remove(appId);
      lastPlacementFailure.remove(appId);
      return;
    }
    Plan.Rollout rollout = plan.rollout();
    if (rollout.status() == RolloutStatus.WATCHED) {
      rollouts.put(appId, new RolloutWatch(app.generation(), rollout.sinceNanos()));
    } else {
      rollouts.remove(appId);
      if (rollout.status() == RolloutStatus.STALLED) {
        cancelRollout(app, rollout.running());
      }
    }
    for (Plan.Start start : plan.starts()) {
      place(app, start, candidates);
    }
    plan.lookAgainAtNanos().ifPresent(at -> lookAgain(appId, at, now));
  }

  /**
   * Books a pass over the app at {@code atNanos}, when a back-off ends: not at the next sweep,
   * which may be much later. A pass already booked no later than that, and still to come, does.
   */
  private void lookAgain(String appId, long atNanos, long now) {
    Long booked = looksBooked.get(appId);
    if (booked != null && booked - now > 0 && booked - atNanos <= 0) {
      return;
    }
    looksBooked.put(appId, atNanos);
    context.clock().schedule(Duration.ofNanos(Math.max(0, atNanos - now)), () -> {
      looksBooked.remove(appId, atNanos);
      requestPass(appId);
    });
  }

  /**
   * Cancels a rollout that has not become healthy within its timeout while the previous
   * generation still serves: the app goes back to what those instances run, so they stay, and
   * the new ones are stopped by the passes that follow.
   */
  private void cancelRollout(AppRecord app, int newRunning) {
    int want = app.desiredInstances();
    String why = "generation " + app.generation() + " did not become healthy within "
        + options.rolloutTimeout().toSeconds() + " s (" + newRunning + " of " + want
        + " running); generation " + app.previous().generation() + " keeps serving";
    store.get(StoreKeys.app(app.id())).ifPresent(entry -> {
      AppRecord stored = Json.read(entry.value(), AppRecord.class);
      if (stored.generation() == app.generation() && stored.previous() != null) {
        AppRecord back = stored.toBuilder().rollBackTo(stored.previous())
            .failure("rollout cancelled: " + why)
            .updatedMillis(context.clock().now().toEpochMilli()).build();
        if (store.compareAndSet(entry.key(), entry.revision(), Json.write(back)).isPresent()) {
          events.publish(EventType.ROLLOUT_CANCELLED, app.spec().name(),
              "rollout cancelled: " + why);
        }
      }
    });
  }

  /** What placement is asked for instance {@code index} of {@code app}. */
  private static PlacementRequest placementRequest(AppRecord app, int index,
      Map<String, Integer> zoneCounts) {
    SpecRecord spec = app.spec();
    return new PlacementRequest(spec.name(), index, spec.memoryBytes(), spec.diskBytes(),
        spec.cpuShares(), spec.stack(), spec.zones(), spec.tags(), spec.maxPerNode(), zoneCounts,
        spec.labels());
  }

  /**
   * Places one start and queues it for its node; a start nothing fits is reported once per
   * reason, generation and wanted count of the app.
   */
  private void place(AppRecord app, Plan.Start start, Candidates candidates) {
    int index = start.index();
    SpecRecord spec = app.spec();
    PlacementRequest request = placementRequest(app, index, candidates.zonesOf(app.id()));
    Placement chosen = placement.place(request, candidates.forApp(app.id()));
    if (!chosen.placed()) {
      String why = chosen.explain();
      // Once per reason, generation and count: a new push or scale that fits no node the same
      // way is told too.
      String seen = app.generation() + " " + app.spec().instances() + " " + why;
      if (!seen.equals(lastPlacementFailure.put(app.id(), seen))) {
        events.publish(EventType.PLACEMENT_FAILED, spec.name(),
            "cannot place instance " + index + ": " + why, Map.of("index", String.valueOf(index)));
      }
      return;
    }
    String nodeId = chosen.nodeId().get();
    NodeAdvertisement node = candidates.advertisement(nodeId);
    if (node == null) {
      throw new IllegalStateException(
          "placement chose node '" + nodeId + "', which is not a candidate");
    }
    lastPlacementFailure.remove(app.id());
    StartInstance cmd = startCommand(app, start);
    if (log.isDebugEnabled()) {
      log.debug("starting {}[{}] {} on {}: {}", spec.name(), index, cmd.instanceId(), nodeId,
          start.reason());
    }
    InstanceReport placeholder = new InstanceReport(cmd.instanceId(), nodeId, app.id(),
        spec.name(), start.generation(), index, app.droplet().sha256(), InstanceState.STARTING,
        node.address(), 0, spec.memoryBytes(), spec.diskBytes(),
        context.clock().now().toEpochMilli(), null, -1, spec.cpuShares());
    cluster.addPending(placeholder, options.startAckTimeout());
    candidates.reserve(nodeId, app.id(), request);
    outbox.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(cmd);
    if (++outboxSize >= OUTBOX_FLUSH && active()) {
      // Nodes start working while a long pass goes on.
      sendStarts();
    }
  }

  /** Sends each node the starts this pass chose for it, in one request per node. */
  private void sendStarts() {
    for (Map.Entry<String, List<StartInstance>> e : outbox.entrySet()) {
      String nodeId = e.getKey();
      List<StartInstance> starts = e.getValue();
      Json.request(bus, Subjects.nodeStart(nodeId), new StartBatch(starts), COMMAND_TIMEOUT)
          .whenComplete((reply, error) -> {
            List<Ack> acks = error == null
                ? Json.read(reply, StartBatch.Acks.class).acks() : List.of();
            boolean refused = false;
            for (int i = 0; i < starts.size(); i++) {
              Ack ack = i < acks.size() ? acks.get(i) : null;
              if (ack == null || !ack.ok()) {
                StartInstance cmd = starts.get(i);
                log.warn("node {} did not start {}[{}]: {}", nodeId, cmd.appName(), cmd.index(),
                    error != null ? error.toString() : ack == null ? "no answer" : ack.error());
                cluster.removePending(cmd.instanceId());
                refused = true;
              }
            }
            if (refused) {
              avoid.put(nodeId, context.clock().nanoTime() + options.heartbeatInterval().toNanos());
              starts.forEach(cmd -> requestPass(cmd.appId()));
            }
          });
    }
    outbox.clear();
    outboxSize = 0;
  }

  /**
   * A random (version 4) UUID from a fast generator: instance ids need to be unique, not secret,
   * and the JVM's SecureRandom takes a global lock on every call. Used by the pass thread only.
   */
  private String newInstanceId() {
    long hi = (ids.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lo = (ids.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  private StartInstance startCommand(AppRecord app, Plan.Start start) {
    SpecRecord spec = app.spec();
    Map<String, String> env = new LinkedHashMap<>(app.droplet().env());
    env.putAll(spec.env());
    env.putAll(spec.secretEnv());
    String command = withPreRunningHooks(spec.preRunning(),
        spec.command() != null ? spec.command() : app.droplet().command());
    return new StartInstance(newInstanceId(), app.id(), spec.name(),
        start.generation(), start.index(), app.droplet().sha256(), command, env,
        app.urls(context.domain()), spec.memoryBytes(), spec.diskBytes(),
        spec.healthCheckType(), spec.healthCheckEndpoint(), spec.startTimeoutMillis(),
        spec.cpuShares());
  }

  /**
   * Prefixes the app's command with its pre-running hooks: each runs in turn, and the first that
   * fails ends the instance with its exit code and a line on stderr naming it.
   */
  static String withPreRunningHooks(List<String> hooks, String command) {
    if (hooks.isEmpty()) {
      return command;
    }
    StringBuilder b = new StringBuilder();
    for (String hook : hooks) {
      String quoted = "'" + hook.replace("'", "'\\''") + "'";
      b.append("( ").append(hook).append(" ) || { rc=$?; printf 'pre-running hook %s failed with exit code %s\\n' ")
          .append(quoted).append(" \"$rc\" >&2; exit $rc; }\n");
    }
    return b.append(command).toString();
  }

  /** Sends one stop; until its node confirms, or {@link #STOP_RESEND} passes, none again. */
  private void sendStop(String appName, Plan.Stop stop, String reason) {
    String instanceId = stop.instanceId();
    String nodeId = stop.nodeId();
    stopsSent.put(instanceId, context.clock().nanoTime() + STOP_RESEND.toNanos());
    log.debug("stopping {}[{}] {} on {}: {}", appName, stop.index(), instanceId, nodeId, reason);
    Json.request(bus, Subjects.nodeStop(nodeId), new StopInstance(instanceId, reason),
        COMMAND_TIMEOUT).whenComplete((reply, error) -> {
          if (error != null) {
            log.warn("stop of {} on {} failed: {}", instanceId, nodeId, error.toString());
          }
        });
  }

  /**
   * Counts a crash for its index and publishes it; the reconciler reads the count to hold the
   * index during its back-off, or for good once the policy gives up.
   */
  private void onCrash(InstanceReport r) {
    CrashHistory h = crashes.computeIfAbsent(r.appId(), a -> new ConcurrentHashMap<>())
        .computeIfAbsent(r.index(), i -> new CrashHistory());
    synchronized (h) {
      if (h.generation != r.generation()) {
        h.generation = r.generation();
        h.count = 0;
        h.failed = false;
      }
      h.count++;
      h.lastCrashNanos = context.clock().nanoTime();
      RestartPolicy policy = options.restartPolicy();
      CrashReport crash = r.crash();
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("index", String.valueOf(r.index()));
      attrs.put("node", r.nodeId());
      attrs.put("crashes", String.valueOf(h.count));
      String reason = "crashed";
      if (crash != null) {
        attrs.put("exitCode", String.valueOf(crash.exitCode()));
        attrs.put("memoryLimitExceeded", String.valueOf(crash.memoryLimitExceeded()));
        attrs.put("diskLimitExceeded", String.valueOf(crash.diskLimitExceeded()));
        reason = crash.reason();
      }
      events.publish(EventType.INSTANCE_CRASHED, r.appName(),
          "instance " + r.index() + " " + reason, attrs);
      if (policy.givesUpAfter(h.count)) {
        h.failed = true;
        h.last = r;
        events.publish(EventType.INSTANCE_FAILED, r.appName(), "instance " + r.index()
            + " failed after " + h.count + " crashes in a row", attrs);
      }
    }
  }

  private void onRunning(InstanceReport r) {
    events.publish(EventType.INSTANCE_RUNNING, r.appName(), "instance " + r.index()
        + " running on " + r.nodeId(), Map.of("index", String.valueOf(r.index()), "node", r.nodeId()));
    Map<Integer, CrashHistory> histories = crashes.get(r.appId());
    CrashHistory h = histories == null ? null : histories.get(r.index());
    if (h != null) {
      Duration stable = options.restartPolicy().stableUptime();
      String instanceId = r.instanceId();
      context.clock().schedule(stable, () -> {
        if (cluster.stateOf(instanceId) == InstanceState.RUNNING) {
          synchronized (h) {
            h.count = 0;
          }
        }
      });
    }
  }

  private final class ClusterListener implements ClusterState.Listener {
    @Override
    public void instanceChanged(InstanceReport before, InstanceReport after) {
      if (after == null) {
        stopsSent.remove(before.instanceId());
      } else if (after.state() == InstanceState.CRASHED) {
        onCrash(after);
      } else if (after.state() == InstanceState.RUNNING) {
        onRunning(after);
      } else if (!after.state().isActive()) {
        stopsSent.remove(after.instanceId());
      }
      requestPass((after != null ? after : before).appId());
    }

    @Override
    public void nodeChanged(NodeView node, NodeState before) {
      String subject = NODE_EVENT_PREFIX + node.id();
      if (before == null) {
        events.publish(EventType.NODE_JOINED, subject, "node " + node.id() + " joined");
      } else if (node.state == NodeState.DEAD) {
        events.publish(EventType.NODE_DEAD, subject, "node " + node.id()
            + (node.goneFromBus ? " missed heartbeats and nobody listens on its subject"
                : " missed " + options.missedHeartbeats() + " heartbeats")
            + "; its instances move");
      } else if (node.state == NodeState.SUSPECT) {
        events.publish(EventType.NODE_SUSPECT, subject, "node " + node.id() + " missed a heartbeat");
      }
      requestPass();
    }
  }

  /**
   * Free resources per node for one pass, updated as the pass places instances. The candidates
   * of the app placed last are kept, each made when first looked at and made again after a
   * placement on its node, so placing many instances of one app costs what the placements look
   * at, not a list of every node per instance.
   */
  private static final class Candidates {
    private final List<NodeView> nodes;
    private final Map<String, Integer> positions = new HashMap<>();
    private final Map<String, long[]> used;
    private final Map<String, Map<String, Integer>> appCounts = new HashMap<>();
    private final Map<String, Map<String, Integer>> zoneCounts = new HashMap<>();
    private final ClusterState cluster;
    /** By position in {@link #nodes}: the node's usage array (shared with {@link #used}). */
    private final long[][] usedAt;
    /** By position in {@link #nodes}: the state placements see, avoided nodes SUSPECT. */
    private final NodeState[] stateAt;
    /** The candidates of the app being placed. */
    private CandidateView view;

    Candidates(ClusterState cluster, List<NodeView> nodes, Set<String> avoided) {
      this.cluster = cluster;
      this.nodes = nodes;
      this.used = cluster.usage();
      this.usedAt = new long[nodes.size()][];
      this.stateAt = new NodeState[nodes.size()];
      for (int i = 0; i < nodes.size(); i++) {
        NodeView v = nodes.get(i);
        positions.put(v.id(), i);
        usedAt[i] = used.computeIfAbsent(v.id(), n -> new long[4]);
        NodeState state = v.effectiveState();
        stateAt[i] = state == NodeState.ALIVE && avoided.contains(v.id()) ? NodeState.SUSPECT : state;
      }
    }

    /** The node's advertisement, or null when it is not a candidate. */
    NodeAdvertisement advertisement(String nodeId) {
      Integer at = positions.get(nodeId);
      return at == null ? null : nodes.get(at).advertisement;
    }

    private Map<String, Integer> countsOf(String appId) {
      return appCounts.computeIfAbsent(appId, id -> {
        Map<String, Integer> c = new HashMap<>();
        for (InstanceReport r : cluster.instancesOf(id)) {
          if (r.state().isActive()) {
            c.merge(r.nodeId(), 1, Integer::sum);
          }
        }
        return c;
      });
    }

    /** Active instances of the app in each zone, on the nodes this pass knows. */
    Map<String, Integer> zonesOf(String appId) {
      return zoneCounts.computeIfAbsent(appId, id -> {
        Map<String, Integer> z = new HashMap<>();
        countsOf(id).forEach((nodeId, count) -> {
          NodeAdvertisement ad = advertisement(nodeId);
          if (ad != null) {
            z.merge(zoneOf(ad), count, Integer::sum);
          }
        });
        return z;
      });
    }

    /**
     * The nodes as the app's candidates: a view whose elements are made when first asked for,
     * from what this pass has reserved so far, since sampling placements look at a few nodes of
     * thousands. The app's view is kept while its instances are placed one after another.
     */
    List<NodeCandidate> forApp(String appId) {
      if (view == null || !view.appId.equals(appId)) {
        view = new CandidateView(appId, countsOf(appId));
      }
      return view;
    }

    private final class CandidateView extends java.util.AbstractList<NodeCandidate>
        implements java.util.RandomAccess {
      private final String appId;
      /** By position in {@link #nodes}: the app's active instances on the node. */
      private final int[] countAt = new int[nodes.size()];
      private final NodeCandidate[] made = new NodeCandidate[nodes.size()];

      CandidateView(String appId, Map<String, Integer> counts) {
        this.appId = appId;
        counts.forEach((nodeId, count) -> {
          Integer at = positions.get(nodeId);
          if (at != null) {
            countAt[at] = count;
          }
        });
      }

      @Override
      public NodeCandidate get(int index) {
        NodeCandidate c = made[index];
        if (c == null) {
          c = make(index);
          made[index] = c;
        }
        return c;
      }

      private NodeCandidate make(int index) {
        NodeView v = nodes.get(index);
        NodeAdvertisement ad = v.advertisement;
        long[] u = usedAt[index];
        NodeState state = stateAt[index];
        // Advertisements come off the bus unchecked: a bad one must refuse its node, not fail
        // every placement with it.
        long memory = Math.max(0, ad.memoryBytes());
        return new NodeCandidate(v.id(), state, zoneOf(ad), ad.stack(), ad.tags(),
            memory - u[0], ad.diskBytes() - u[1], ad.cpuShares() - u[3],
            ad.maxInstances() - (int) u[2], memory, Math.max(0, ad.cpuShares()), countAt[index]);
      }

      @Override
      public int size() {
        return nodes.size();
      }
    }

    void reserve(String nodeId, String appId, PlacementRequest request) {
      long[] u = used.computeIfAbsent(nodeId, n -> new long[4]);
      u[0] += request.memoryBytes();
      u[1] += request.diskBytes();
      u[2]++;
      u[3] += request.cpuShares();
      countsOf(appId).merge(nodeId, 1, Integer::sum);
      NodeAdvertisement ad = advertisement(nodeId);
      zonesOf(appId).merge(zoneOf(ad), 1, Integer::sum);
      if (view != null) {
        if (view.appId.equals(appId)) {
          // The candidate on this node changed: made again when next asked for.
          int at = positions.get(nodeId);
          view.made[at] = null;
          view.countAt[at]++;
        } else {
          view = null;
        }
      }
    }

    private static String zoneOf(NodeAdvertisement ad) {
      return ad.zone() == null ? "" : ad.zone();
    }
  }

  @Override
  public List<dev.paaskit.api.NodeStatus> nodes() {
    return cluster.nodes();
  }

  /**
   * The app's instances as nodes report them, plus one FAILED entry for each index the restart
   * policy gave up on in the current generation (carrying its last crash).
   */
  @Override
  public List<InstanceReport> instancesOf(String appId) {
    List<InstanceReport> out = new ArrayList<>(cluster.instancesOf(appId));
    AppRecord app = desired.get(appId);
    if (app == null) {
      return out;
    }
    for (CrashHistory h : crashes.getOrDefault(appId, Map.of()).values()) {
      synchronized (h) {
        if (h.failed && h.generation == app.generation() && h.last != null
            && h.last.index() < app.desiredInstances()) {
          out.removeIf(r -> r.instanceId().equals(h.last.instanceId()));
          out.add(h.last.withState(InstanceState.FAILED, h.last.sinceMillis(), h.last.crash(), h.last.seq()));
        }
      }
    }
    out.sort(Comparator.comparingInt(InstanceReport::index).thenComparing(InstanceReport::instanceId));
    return out;
  }

}
