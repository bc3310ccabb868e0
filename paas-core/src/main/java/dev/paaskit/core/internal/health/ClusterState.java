package dev.paaskit.core.internal.health;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.protocol.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actual state of the cloud as nodes report it over the bus: which nodes live, which
 * instances run where. Starts requested but not yet reported are tracked as pending, so one
 * index is not started twice. Thread-safe: every method holds the instance's lock briefly.
 */
public final class ClusterState implements AutoCloseable {
  /** Hears changes, under the state's lock: implementations must be quick and not call back. */
  interface Listener {
    void instanceChanged(InstanceReport before, InstanceReport after);

    void nodeChanged(NodeView node, NodeState before);
  }

  /** Mass silence is judged only in clouds of at least this many live nodes. */
  static final int MASS_SILENCE_MIN_NODES = 10;
  /** More than this share of live nodes silent at once is mass silence. */
  static final double MASS_SILENCE_SHARE = 0.55;
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

  private final MessageBus bus;
  private final Clock clock;
  private final long heartbeatNanos;
  private final int missedBeforeDead;
  /** Missed beats after which a silent node is probed; 0 when probing is off. */
  private final int probeAfterMissed;
  private final Listener listener;
  private static final Comparator<InstanceReport> BY_INDEX_THEN_ID =
      Comparator.comparingInt(InstanceReport::index).thenComparing(InstanceReport::instanceId);
  private final Map<String, NodeView> nodes = new HashMap<>();
  private final Map<String, InstanceReport> instances = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  /**
   * {@link #pending} and {@link #instances} by app id, then instance id: an app's instances cost
   * what it has, not lookups in maps of the whole cloud.
   */
  private final Map<String, Map<String, InstanceReport>> pendingByApp = new HashMap<>();
  private final Map<String, Map<String, InstanceReport>> byApp = new HashMap<>();
  private final Set<String> drained = new HashSet<>();
  /** Memory, disk and count held on each node by active and pending instances, kept as they change. */
  private final Map<String, long[]> used = new HashMap<>();
  /** Instance ids by node, so a heartbeat costs what its node holds, not what the cloud holds. */
  private final Map<String, Set<String>> byNode = new HashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private long lastDiscoverNanos = Long.MIN_VALUE;
  private boolean holdingDeaths;
  /** No node is declared dead before this nanoTime: a TTL's grace after this side's own silence. */
  private long deathsHeldUntilNanos;
  /**
   * The longest any heartbeat handled in this window (one heartbeat interval) and the one before
   * waited on its way here, nanoseconds. When this side falls behind, every beat waits longer;
   * silences are judged against the time it has caught up to, so a backlog is not taken for dead
   * nodes. Beats of different nodes wait differently, hence the maximum over a recent window.
   */
  private long windowLagNanos;
  private long previousWindowLagNanos;
  private long lagWindowStartNanos;
  /** When the latest heartbeat from any node was handled, nanoTime. */
  private long lastBeatNanos;
  /**
   * Until when (nanoTime) no probe may find a node dead: after this side's bus reconnects, nodes
   * reconnect too, each in its own time, and one not yet back is absent without being dead.
   */
  private long probesTrustedFromNanos = Long.MIN_VALUE;

  /** A start sent to a node and not yet reported back. */
  record Pending(InstanceReport report, long deadlineNanos) {}

  ClusterState(MessageBus bus, Clock clock, HealthOptions options, Listener listener) {
    this.bus = bus;
    this.clock = clock;
    this.heartbeatNanos = options.heartbeatInterval().toNanos();
    this.missedBeforeDead = options.missedHeartbeats();
    this.probeAfterMissed = options.probeAfterMissed() < options.missedHeartbeats()
        ? options.probeAfterMissed() : 0;
    this.listener = listener;
  }

  void start() {
    subscriptions.add(bus.subscribe(Subjects.NODE_ADVERTISE,
        m -> onAdvertise(Json.read(m, NodeAdvertisement.class))));
    subscriptions.add(bus.subscribe(Subjects.NODE_HEARTBEAT,
        m -> onHeartbeat(Json.read(m, NodeHeartbeat.class))));
    subscriptions.add(bus.subscribe(Subjects.INSTANCE_STATE,
        m -> onInstanceReport(Json.read(m, InstanceReport.class))));
    lastBeatNanos = clock.nanoTime();
    deathsHeldUntilNanos = lastBeatNanos;
    bus.publish(Subjects.NODE_DISCOVER, new byte[0]);
  }

  synchronized void onAdvertise(NodeAdvertisement ad) {
    NodeView view = nodes.get(ad.nodeId());
    if (view == null || ad.epoch() != view.epoch()) {
      if (view != null) {
        dropInstancesOf(view.id());
      }
      NodeState before = view == null ? null : view.state;
      view = new NodeView(ad, clock.nanoTime(), clock.now().toEpochMilli());
      view.draining = drained.contains(ad.nodeId());
      nodes.put(ad.nodeId(), view);
      listener.nodeChanged(view, before);
    } else {
      view.advertisement = ad;
      heard(view);
    }
  }

  synchronized void onHeartbeat(NodeHeartbeat hb) {
    NodeView view = nodes.get(hb.nodeId());
    if (view == null || hb.epoch() != view.epoch()) {
      askNodesToAdvertise();
      return;
    }
    heard(view);
    lastBeatNanos = view.lastHeardNanos;
    if (hb.sentMillis() > 0) {
      long delta = view.lastHeardMillis - hb.sentMillis();
      view.minDeltaMillis = Math.min(view.minDeltaMillis, delta);
      long lagNanos = (delta - view.minDeltaMillis) * 1_000_000L;
      view.aliveNanos = view.lastHeardNanos - lagNanos;
      long at = view.lastHeardNanos;
      if (at - lagWindowStartNanos > heartbeatNanos) {
        previousWindowLagNanos = at - lagWindowStartNanos > 2 * heartbeatNanos ? 0 : windowLagNanos;
        windowLagNanos = 0;
        lagWindowStartNanos = at;
      }
      windowLagNanos = Math.max(windowLagNanos, lagNanos);
    }
    view.seq = Math.max(view.seq, hb.seq());
    hb.usage().forEach(u -> applyUsage(hb.nodeId(), u));
    if (!hb.full()) {
      if (!view.synced || missedReports(view, hb.seq())) {
        askForFullHeartbeat(view);
      }
      return;
    }
    Set<String> reported = new HashSet<>();
    for (InstanceReport r : hb.instances()) {
      reported.add(r.instanceId());
      apply(r);
    }
    // A full heartbeat is the node's whole state as of its seq: nothing before it is missing.
    view.reportSeq = Math.max(view.reportSeq, hb.seq());
    view.synced = true;
    List<String> gone = new ArrayList<>();
    for (String id : byNode.getOrDefault(hb.nodeId(), Set.of())) {
      InstanceReport known = instances.get(id);
      if (!reported.contains(id) && known.seq() <= hb.seq()) {
        gone.add(id);
      }
    }
    gone.forEach(this::remove);
  }

  synchronized void onInstanceReport(InstanceReport r) {
    NodeView view = nodes.get(r.nodeId());
    if (view == null || view.state == NodeState.DEAD) {
      return;
    }
    // A node that reports is alive, even if its heartbeat waits behind the report.
    heard(view);
    apply(r);
  }

  private void heard(NodeView view) {
    view.lastHeardNanos = clock.nanoTime();
    view.aliveNanos = view.lastHeardNanos;
    view.lastHeardMillis = clock.now().toEpochMilli();
    if (view.state == NodeState.SUSPECT || view.state == NodeState.DEAD) {
      NodeState before = view.state;
      if (before == NodeState.DEAD) {
        // Its instances were dropped when it died. A node cut off for a while may not have
        // changed since, so light beats would not show it: only a full one lists them again.
        view.synced = false;
      }
      view.state = NodeState.ALIVE;
      view.goneFromBus = false;
      listener.nodeChanged(view, before);
    }
  }

  private void apply(InstanceReport r) {
    NodeView view = nodes.get(r.nodeId());
    if (view != null) {
      view.reportSeq = Math.max(view.reportSeq, r.seq());
    }
    InstanceReport known = instances.get(r.instanceId());
    if (known != null && r.seq() < known.seq()) {
      return;
    }
    Pending wasPending = takePending(r.instanceId());
    if (wasPending != null) {
      count(wasPending.report(), -1);
    }
    if (known != null && known.state().isActive()) {
      count(known, -1);
    }
    if (r.state().isActive()) {
      count(r, 1);
    }
    if (known != null
        && !(Objects.equals(known.appId(), r.appId()) && Objects.equals(known.nodeId(), r.nodeId()))) {
      // An instance id taken up by another app or node: it is indexed under the new ones only.
      unindex(known);
    }
    instances.put(r.instanceId(), r);
    byApp.computeIfAbsent(r.appId(), a -> new HashMap<>()).put(r.instanceId(), r);
    byNode.computeIfAbsent(r.nodeId(), n -> new HashSet<>()).add(r.instanceId());
    if (known == null || known.state() != r.state()) {
      listener.instanceChanged(known, r);
    }
  }

  /**
   * Records a sample of an instance this side knows on that node and that still runs: no state
   * changes, so nobody hears of it, and the report keeps its seq.
   */
  private void applyUsage(String nodeId, UsageReport u) {
    InstanceReport known = instances.get(u.instanceId());
    if (known == null || !known.nodeId().equals(nodeId) || !known.state().isActive()) {
      return;
    }
    InstanceReport sampled = known.withUsage(u);
    instances.put(u.instanceId(), sampled);
    byApp.computeIfAbsent(known.appId(), a -> new HashMap<>()).put(u.instanceId(), sampled);
  }

  private void remove(String instanceId) {
    InstanceReport known = instances.remove(instanceId);
    if (known != null) {
      if (known.state().isActive()) {
        count(known, -1);
      }
      unindex(known);
      listener.instanceChanged(known, null);
    }
  }

  private void dropInstancesOf(String nodeId) {
    new ArrayList<>(byNode.getOrDefault(nodeId, Set.of())).forEach(this::remove);
    removePendingIf(p -> p.report().nodeId().equals(nodeId));
  }

  /**
   * Whether reports the node sent are missing: a beat announced changes up to a seq, and a
   * heartbeat interval later the reports applied still do not reach it. Reports and beats travel
   * apart, so reports behind the latest beat are only late until then; asking for a full
   * heartbeat at once would, under load, ask every node for all its instances every interval.
   */
  private boolean missedReports(NodeView view, long announcedSeq) {
    if (announcedSeq <= view.reportSeq) {
      view.gapSeq = -1;
      return false;
    }
    long now = clock.nanoTime();
    if (view.gapSeq < 0 || view.reportSeq >= view.gapSeq) {
      view.gapSeq = announcedSeq;
      view.gapSinceNanos = now;
      return false;
    }
    if (now - view.gapSinceNanos < heartbeatNanos) {
      return false;
    }
    view.gapSeq = -1;
    return true;
  }

  /** Asks one node for a full heartbeat, at most once per heartbeat interval. */
  private void askForFullHeartbeat(NodeView view) {
    long now = clock.nanoTime();
    if (view.syncAskedNanos == Long.MIN_VALUE || now - view.syncAskedNanos > heartbeatNanos) {
      view.syncAskedNanos = now;
      bus.publish(Subjects.nodeSync(view.id()), new byte[0]);
    }
  }

  private void askNodesToAdvertise() {
    long now = clock.nanoTime();
    if (lastDiscoverNanos == Long.MIN_VALUE || now - lastDiscoverNanos > heartbeatNanos) {
      lastDiscoverNanos = now;
      bus.publish(Subjects.NODE_DISCOVER, new byte[0]);
    }
  }

  /**
   * Marks nodes SUSPECT after a missed heartbeat and DEAD after too many; drops expired starts.
   *
   * <p>Silence is judged as of the moment heartbeat handling has caught up to (see
   * {@link #lagNanos}), so a backlog on this side, or no beat handled at all, is not taken for
   * dead nodes. And when most nodes of a large cloud are past their deadline at once, the likelier
   * cause is still on this side (the health manager starved of CPU, or its own link down): no
   * node is declared dead, since moving every instance at once would overload the cloud further;
   * they stay SUSPECT (no new instances) until heard again or the silence becomes partial.
   * Kubernetes' node lifecycle controller stops evicting for the same reasons.
   */
  synchronized void checkLiveness() {
    long now = clock.nanoTime();
    // The moment heartbeat handling has caught up to: silences are judged as of then.
    long caughtUp = now - lagNanos(now);
    long measuredNow = now - Math.max(windowLagNanos, previousWindowLagNanos);
    int live = 0;
    int expired = 0;
    long longestTtl = heartbeatNanos * missedBeforeDead;
    for (NodeView view : nodes.values()) {
      if (view.state != NodeState.DEAD) {
        live++;
        longestTtl = Math.max(longestTtl, deadAfterNanos(view));
        if (caughtUp - view.aliveNanos > deadAfterNanos(view)) {
          expired++;
        }
      }
    }
    boolean massSilence = live >= MASS_SILENCE_MIN_NODES && expired > live * MASS_SILENCE_SHARE;
    // Two intervals, not one: the gap between two beats of a small cloud is an interval plus
    // jitter, which is no stall.
    if (live > 0 && (massSilence || now - lastBeatNanos > 2 * heartbeatNanos)) {
      // This side could not hear (almost) anyone: once it can again, beats queued meanwhile
      // arrive in bursts, node by node, and each node gets a whole TTL to be heard before its
      // silence counts. Otherwise the backlog would kill nodes in waves, each under the share.
      deathsHeldUntilNanos = now + longestTtl;
    }
    boolean hold = massSilence || now - deathsHeldUntilNanos < 0;
    if (hold != holdingDeaths && live > 0) {
      if (massSilence) {
        log.warn("{} of {} nodes are silent at once; assuming the health manager lags or is cut "
            + "off, and declaring none dead until fewer are", expired, live);
      } else if (hold) {
        log.warn("no heartbeat handled for {} ms; declaring no node dead until each has had {} "
            + "heartbeats' time to be heard again", (now - lastBeatNanos) / 1_000_000,
            missedBeforeDead);
      } else {
        log.info("nodes are heard again ({} of {} silent); dead nodes are declared as usual",
            expired, live);
      }
    }
    holdingDeaths = hold;
    List<NodeView> toProbe = new ArrayList<>();
    for (NodeView view : nodes.values()) {
      if (view.state == NodeState.DEAD) {
        continue;
      }
      long silent = caughtUp - view.aliveNanos;
      long interval = intervalNanos(view);
      NodeState before = view.state;
      if (silent > deadAfterNanos(view) && !hold) {
        view.state = NodeState.DEAD;
        dropInstancesOf(view.id());
      } else if (measuredNow - view.aliveNanos > interval * 3 / 2) {
        // Suspicion needs no certainty: it only keeps new instances off the node. It allows for
        // the lag beats showed, or a health manager behind on its beats would suspect every
        // node at once and place nothing; a silence of every node is suspect all the same.
        view.state = NodeState.SUSPECT;
      }
      if (view.state != before) {
        listener.nodeChanged(view, before);
      }
      if (view.state != NodeState.DEAD && !hold && probeDue(view, silent, now)) {
        toProbe.add(view);
      }
    }
    // A start's report waits on the same backlog as heartbeats: its deadline moves with the lag.
    removePendingIf(p -> p.deadlineNanos() - caughtUp < 0);
    // After the loop: an in-process bus may answer "no responders" before request() returns,
    // and the answer changes the map the loop walks.
    toProbe.forEach(this::probe);
  }

  private long intervalNanos(NodeView view) {
    return Math.max(heartbeatNanos, view.advertisement.heartbeatMillis() * 1_000_000L);
  }

  /** Whether a silent node has missed enough beats to be probed, and is not being probed now. */
  private boolean probeDue(NodeView view, long silentNanos, long now) {
    long interval = intervalNanos(view);
    return probeAfterMissed > 0 && view.probeSentNanos == Long.MIN_VALUE
        && silentNanos > interval * probeAfterMissed && probesTrustedAt(now);
  }

  private boolean probesTrustedAt(long nanos) {
    return probesTrustedFromNanos == Long.MIN_VALUE || nanos - probesTrustedFromNanos >= 0;
  }

  /**
   * Asks a silent node whether it is still on the bus. Only a "no responders" answer counts: a
   * reply or a timeout (a node slow, frozen or cut off, still subscribed) leaves it to its
   * missed heartbeats. The probe is the same request as a sync, so a node that hears it answers
   * with a full heartbeat too.
   */
  private void probe(NodeView view) {
    long sent = clock.nanoTime();
    view.probeSentNanos = sent;
    long epoch = view.epoch();
    try {
      bus.request(Subjects.nodeSync(view.id()), new byte[0], Duration.ofNanos(intervalNanos(view)))
          .whenComplete((reply, failure) -> probed(view.id(), epoch, sent,
              failure != null && unwrap(failure) instanceof NoRespondersException));
    } catch (RuntimeException e) {
      // A bus closing under us: the next check may probe again.
      view.probeSentNanos = Long.MIN_VALUE;
      log.debug("could not probe node {}: {}", view.id(), e.toString());
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause() : t;
  }

  private synchronized void probed(String nodeId, long epoch, long sentNanos, boolean absent) {
    NodeView view = nodes.get(nodeId);
    if (view == null || view.epoch() != epoch || view.probeSentNanos != sentNanos) {
      return;
    }
    view.probeSentNanos = Long.MIN_VALUE;
    if (!absent || view.state == NodeState.DEAD || holdingDeaths) {
      return;
    }
    long now = clock.nanoTime();
    long silent = now - lagNanos(now) - view.aliveNanos;
    // Heard from meanwhile, or this side's bus reconnected since the probe left: not evidence.
    if (silent <= intervalNanos(view) * probeAfterMissed || !probesTrustedAt(sentNanos)) {
      return;
    }
    log.info("node {} missed {} heartbeats and nobody listens on its subject: dead", nodeId,
        silent / intervalNanos(view));
    NodeState before = view.state;
    view.state = NodeState.DEAD;
    view.goneFromBus = true;
    dropInstancesOf(view.id());
    listener.nodeChanged(view, before);
  }

  /**
   * This side's bus came back after a cut: nodes are reconnecting in their own time, so for as
   * long as a node may stay silent before it is dead, probes prove nothing.
   */
  synchronized void busReconnected() {
    long now = clock.nanoTime();
    probesTrustedFromNanos = now + heartbeatNanos * missedBeforeDead;
    for (NodeView view : nodes.values()) {
      view.probeSentNanos = Long.MIN_VALUE;
    }
  }

  /**
   * How far heartbeat handling is behind, 0 or more: the longest lag the recent beats showed, or,
   * when no beat at all has been handled for longer than a heartbeat interval, at least that
   * long. A silence every node shares is this side's.
   */
  private long lagNanos(long now) {
    long measured = Math.max(windowLagNanos, previousWindowLagNanos);
    return Math.max(0, Math.max(measured, now - lastBeatNanos - heartbeatNanos));
  }

  private long deadAfterNanos(NodeView view) {
    return intervalNanos(view) * missedBeforeDead;
  }

  /** Whether nodes past their deadline are kept SUSPECT rather than declared dead. */
  synchronized boolean holdingDeaths() {
    return holdingDeaths;
  }

  private void removePendingIf(java.util.function.Predicate<Pending> gone) {
    pending.values().removeIf(p -> {
      if (gone.test(p)) {
        count(p.report(), -1);
        unindexPending(p.report());
        return true;
      }
      return false;
    });
  }

  /** Drops {@code known} from the by-app and by-node indexes. */
  private void unindex(InstanceReport known) {
    String instanceId = known.instanceId();
    Map<String, InstanceReport> ofApp = byApp.get(known.appId());
    if (ofApp != null) {
      ofApp.remove(instanceId);
      if (ofApp.isEmpty()) {
        byApp.remove(known.appId());
      }
    }
    Set<String> onNode = byNode.get(known.nodeId());
    if (onNode != null) {
      onNode.remove(instanceId);
      if (onNode.isEmpty()) {
        byNode.remove(known.nodeId());
      }
    }
  }

  private Pending takePending(String instanceId) {
    Pending p = pending.remove(instanceId);
    if (p != null) {
      unindexPending(p.report());
    }
    return p;
  }

  private void unindexPending(InstanceReport report) {
    Map<String, InstanceReport> ofApp = pendingByApp.get(report.appId());
    if (ofApp != null && ofApp.remove(report.instanceId()) != null && ofApp.isEmpty()) {
      pendingByApp.remove(report.appId());
    }
  }

  private void count(InstanceReport r, int sign) {
    long[] u = used.computeIfAbsent(r.nodeId(), n -> new long[4]);
    u[0] += sign * r.memoryBytes();
    u[1] += sign * r.diskBytes();
    u[2] += sign;
    u[3] += sign * r.cpuShares();
  }

  /** Marks a node as being emptied, or not; a node not yet known takes it when it joins. */
  synchronized void setDraining(String nodeId, boolean draining) {
    if (draining) {
      drained.add(nodeId);
    } else {
      drained.remove(nodeId);
    }
    NodeView view = nodes.get(nodeId);
    if (view != null) {
      view.draining = draining;
    }
  }

  synchronized void addPending(InstanceReport report, Duration timeout) {
    Pending before = takePending(report.instanceId());
    if (before != null) {
      count(before.report(), -1);
    }
    pending.put(report.instanceId(), new Pending(report, clock.nanoTime() + timeout.toNanos()));
    pendingByApp.computeIfAbsent(report.appId(), a -> new HashMap<>()).put(report.instanceId(), report);
    count(report, 1);
  }

  synchronized void removePending(String instanceId) {
    Pending gone = takePending(instanceId);
    if (gone != null) {
      count(gone.report(), -1);
    }
  }

  /** The app's reported and pending instances. */
  public synchronized List<InstanceReport> instancesOf(String appId) {
    Map<String, InstanceReport> reported = byApp.getOrDefault(appId, Map.of());
    Map<String, InstanceReport> placed = pendingByApp.getOrDefault(appId, Map.of());
    List<InstanceReport> out = new ArrayList<>(reported.size() + placed.size());
    out.addAll(reported.values());
    out.addAll(placed.values());
    out.sort(BY_INDEX_THEN_ID);
    return out;
  }

  /** Ids of apps that have instances reported or pending. */
  synchronized Set<String> appIds() {
    Set<String> ids = new HashSet<>(byApp.keySet());
    ids.addAll(pendingByApp.keySet());
    return ids;
  }

  synchronized List<NodeView> nodeViews() {
    return new ArrayList<>(nodes.values());
  }

  /**
   * Memory, disk, count and CPU shares reserved on each node by its active and pending instances:
   * a copy.
   */
  synchronized Map<String, long[]> usage() {
    Map<String, long[]> copy = new HashMap<>(used.size() * 2);
    used.forEach((node, u) -> copy.put(node, u.clone()));
    return copy;
  }

  /** Every known node, sorted by id. */
  public List<NodeStatus> nodes() {
    Map<String, long[]> used = usage();
    List<NodeStatus> out = new ArrayList<>();
    for (NodeView v : nodeViews()) {
      NodeAdvertisement ad = v.advertisement;
      long[] u = used.getOrDefault(v.id(), new long[4]);
      out.add(new NodeStatus(v.id(), v.effectiveState(), ad.zone(), ad.stack(),
          new NodeCapacity(ByteSize.ofBytes(ad.memoryBytes()), ByteSize.ofBytes(ad.diskBytes()),
              ad.maxInstances()),
          u[0], u[1], (int) u[2], Instant.ofEpochMilli(v.lastHeardMillis)));
    }
    out.sort(Comparator.comparing(NodeStatus::nodeId));
    return out;
  }

  /** The state of {@code instanceId}, or null when unknown. */
  synchronized InstanceState stateOf(String instanceId) {
    InstanceReport r = instances.get(instanceId);
    return r == null ? null : r.state();
  }

  @Override
  public void close() {
    subscriptions.forEach(Subscription::close);
    subscriptions.clear();
  }
}
