package dev.paaskit.router;

import dev.paaskit.api.EventType;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.EventMessage;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.RouteConfirm;
import dev.paaskit.core.internal.protocol.RouteRegistration;
import dev.paaskit.core.internal.protocol.StoreKeys;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.util.StoreMirror;
import dev.paaskit.router.internal.RouteTable;
import dev.paaskit.router.internal.Router;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router as a role: keeps a {@link RouteTable} from the bus (instances registering and
 * unregistering) and from the store (which hosts belong to which app, so an app with no running
 * instance answers 503 and an unknown host 404), and serves it with a {@link Router}. On start it
 * asks every node to register what it runs, as Cloud Foundry's router.start does.
 *
 * <p>Registrations and unregistrations arrive on one subscription, so they are applied in the
 * order each node sent them; an instance once unregistered is remembered, so a late or replayed
 * registration cannot bring it back. A registration counts only for a host that a live app of
 * the same name declares: a deleted app cannot come back through an instance that was still
 * starting, and one app's instance cannot join another app's pool.
 *
 * <p>While the bus is down the table stays as it was and keeps serving. When it returns, or when
 * the health manager declares a node dead, the router {@linkplain #resync() resyncs}: nodes
 * register again what they run, and what none registers within the grace period is dropped, so
 * neither a lost unregistration nor a dead node leaves a stale route behind.
 */
public final class RouterRole extends AbstractRole implements ReconnectAware {
  private static final Logger log = LoggerFactory.getLogger(RouterRole.class);
  /** The default grace period of a resync: how long nodes get to register again. */
  public static final Duration DEFAULT_RESYNC_GRACE = Duration.ofSeconds(3);
  /** How many unanswered route confirmations are kept. */
  private static final int MAX_PENDING_CONFIRMS = 1_000;
  /** How many unregistered instance ids are remembered. */
  private static final int TOMBSTONES = 10_000;

  private final MessageBus bus;
  private final StateStore store;
  private final String domain;
  private final RouteTable table = new RouteTable();
  private final Router router;
  /** Host to the name of the app that declares it; guarded by this. */
  private final Map<String, String> declared = new HashMap<>();
  private final Map<String, Set<String>> hostsByKey = new HashMap<>();
  private final Map<String, Boolean> unregistered = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > TOMBSTONES;
    }
  };
  private final Clock clock;
  private final Duration resyncGrace;
  /** Registrations applied so far; guarded by this. */
  private long registrations;
  /** The value of {@link #registrations} when each instance in the table last registered. */
  private final Map<String, Long> registeredAt = new HashMap<>();
  /** The prunes of resyncs under way; guarded by this. */
  private final Set<Cancellable> prunes = new HashSet<>();
  private Subscription subscription;
  /** Answers deployments that wait until their instances are routed. */
  private Subscription confirms;
  /**
   * Confirmations asked for instances not all registered yet, answered as they register, oldest
   * first; at most {@link #MAX_PENDING_CONFIRMS}, the oldest dropped (its asker asks again).
   * Guarded by this.
   */
  private final java.util.ArrayDeque<PendingConfirm> pendingConfirms = new java.util.ArrayDeque<>();
  private Subscription nodeDeaths;
  private StoreMirror<AppRecord> apps;

  private RouterRole(CloudContext context, Builder b) {
    this.resyncGrace = b.resyncGrace;
    this.clock = context.clock();
    this.bus = context.bus();
    this.store = context.stateStore();
    this.domain = context.domain();
    this.router = Router.builder().name(context.cloudName() + "-router").routeTable(table)
        .bindAddress(b.bindAddress).port(b.port).executor(context.executor()).build();
  }

  /**
   * A builder of a cloud's router, to pass to
   * {@link dev.paaskit.core.PaasKit.Builder#addRole}: {@code .addRole(RouterRole.builder())}.
   *
   * @return a new builder with the defaults: {@code 127.0.0.1}, any free port, a resync grace of
   *     {@link #DEFAULT_RESYNC_GRACE}
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "router";
  }

  /** {@link Phase#EDGE}: up before instances register, serving while the rest stops. */
  @Override
  public Phase phase() {
    return Phase.EDGE;
  }

  /**
   * The port the router listens on. Thread-safe.
   *
   * @return the port given to the builder, or the one chosen when it asked for any free port
   * @throws IllegalStateException unless the role is running: before start and after stop
   */
  public int port() {
    return router.port();
  }

  /**
   * Every route the router serves now, sorted by host: what it would answer from. Thread-safe;
   * may be called in any state (before start the table is empty).
   *
   * @return an immutable snapshot, which later registrations do not change; routes without
   *     backends are hosts answered with 503
   */
  public List<Route> routes() {
    return table.snapshot();
  }

  @Override
  protected void startUp() throws Exception {
    router.start();
    apps = StoreMirror.open(store, StoreKeys.APPS, b -> Json.read(b, AppRecord.class),
        new StoreMirror.Listener<>() {
          @Override
          public void put(String key, AppRecord app) {
            declare(key, app);
          }

          @Override
          public void deleted(String key) {
            declare(key, null);
          }
        });
    subscription = bus.subscribe(Subjects.ROUTER_ALL, this::onRouteMessage);
    confirms = bus.subscribe(Subjects.ROUTE_CONFIRM, this::onConfirm);
    nodeDeaths = bus.subscribe(Subjects.EVENT, this::onEvent);
    bus.publish(Subjects.ROUTER_START, new byte[0]);
  }

  /**
   * Resyncs the table: registrations or unregistrations may have been lost while the bus was
   * away. The table keeps serving meanwhile; see {@link #resync()}.
   */
  @Override
  public void busReconnected() {
    resync();
  }

  /**
   * Asks every node to register what it runs ({@link Subjects#ROUTER_START}) and, once the grace
   * period has passed, drops every instance that has not registered since: its node is gone, or
   * its unregistration was lost. Until then the table serves as it was. Resyncs that overlap
   * each prune on their own, so a stream of them cannot put pruning off. When the request cannot
   * be published the resync is abandoned and the table kept. Called on {@link #busReconnected()}
   * and when the health manager declares a node dead.
   *
   * <p>Thread-safe and non-blocking: it publishes one message and schedules the prune on the
   * cloud's clock. Once the role is stopping or stopped it schedules nothing, and a stop cancels
   * the prunes still pending.
   */
  public void resync() {
    long started;
    synchronized (this) {
      started = registrations;
    }
    try {
      bus.publish(Subjects.ROUTER_START, new byte[0]);
    } catch (RuntimeException e) {
      // Nobody was asked, so nobody answers: pruning would empty the table.
      log.warn("router: resync not started, {}", e.toString());
      return;
    }
    synchronized (this) {
      if (stopRequested()) {
        return;
      }
      Cancellable[] prune = new Cancellable[1];
      prune[0] = clock.schedule(resyncGrace, () -> pruneRegisteredBefore(started, prune[0]));
      prunes.add(prune[0]);
    }
  }

  private synchronized void pruneRegisteredBefore(long started, Cancellable self) {
    prunes.remove(self);
    if (stopRequested()) {
      return;
    }
    Set<String> routed = new HashSet<>();
    int dropped = 0;
    for (Route route : table.snapshot()) {
      for (Backend backend : route.backends()) {
        Long at = registeredAt.get(backend.instanceId());
        if (at == null || at <= started) {
          table.unregister(route.host(), backend.instanceId());
          dropped++;
        } else {
          routed.add(backend.instanceId());
        }
      }
    }
    registeredAt.keySet().retainAll(routed);
    if (dropped > 0) {
      log.info("router: resync dropped {} route(s) no node registered again", dropped);
    }
  }

  private void onEvent(Message m) {
    EventMessage event = Json.read(m, EventMessage.class);
    if (EventType.NODE_DEAD.name().equals(event.type())) {
      resync();
    }
  }

  /** A confirmation asked for, and the instances it waits for. */
  private record PendingConfirm(Set<String> instanceIds, Message request) {}

  /** Answers at once when every instance named is routed, else once the last registers. */
  private synchronized void onConfirm(Message m) {
    Set<String> ids = Set.copyOf(Json.read(m, RouteConfirm.class).instanceIds());
    if (registeredAt.keySet().containsAll(ids)) {
      Json.reply(bus, m, Ack.accepted());
      return;
    }
    if (pendingConfirms.size() >= MAX_PENDING_CONFIRMS) {
      pendingConfirms.removeFirst();
    }
    pendingConfirms.addLast(new PendingConfirm(ids, m));
  }

  /** Answers the confirmations whose instances are all routed now. */
  private void answerConfirms() {
    for (java.util.Iterator<PendingConfirm> it = pendingConfirms.iterator(); it.hasNext(); ) {
      PendingConfirm p = it.next();
      if (registeredAt.keySet().containsAll(p.instanceIds())) {
        it.remove();
        try {
          Json.reply(bus, p.request(), Ack.accepted());
        } catch (RuntimeException e) {
          log.debug("router: a route confirmation could not be answered: {}", e.toString());
        }
      }
    }
  }

  private synchronized void onRouteMessage(Message m) {
    boolean register = m.subject().equals(Subjects.ROUTER_REGISTER);
    if (!register && !m.subject().equals(Subjects.ROUTER_UNREGISTER)) {
      return;
    }
    RouteRegistration r = Json.read(m, RouteRegistration.class);
    if (!register) {
      unregistered.put(r.instanceId(), Boolean.TRUE);
      registeredAt.remove(r.instanceId());
      r.hosts().forEach(host -> table.unregister(host, r.instanceId()));
      return;
    }
    if (unregistered.containsKey(r.instanceId())) {
      return;
    }
    Backend backend = new Backend(r.instanceId(), r.appName(), r.address(), r.port());
    for (String host : r.hosts()) {
      if (r.appName().equals(declared.get(host))) {
        table.register(host, backend);
        registeredAt.put(r.instanceId(), ++registrations);
      }
    }
    if (!pendingConfirms.isEmpty()) {
      answerConfirms();
    }
  }

  /** Makes the table's hosts for the app at {@code key} those of {@code app}, or none. */
  private synchronized void declare(String key, AppRecord app) {
    Set<String> now = app == null ? Set.of() : new HashSet<>(app.urls(domain));
    Set<String> before = hostsByKey.getOrDefault(key, Set.of());
    for (String host : before) {
      if (!now.contains(host)) {
        declared.remove(host);
        table.forget(host);
      }
    }
    if (app == null) {
      hostsByKey.remove(key);
      return;
    }
    hostsByKey.put(key, now);
    for (String host : now) {
      declared.put(host, app.spec().name());
      table.declare(host, app.spec().name());
    }
  }

  @Override
  protected void shutDown() {
    if (confirms != null) {
      confirms.close();
    }
    synchronized (this) {
      pendingConfirms.clear();
      prunes.forEach(Cancellable::cancel);
      prunes.clear();
    }
    if (nodeDeaths != null) {
      nodeDeaths.close();
    }
    if (subscription != null) {
      subscription.close();
    }
    if (apps != null) {
      apps.close();
    }
    router.stop();
  }

  /** Makes the router of a cloud. Setting an option twice is an error. Not thread-safe. */
  public static final class Builder implements RoleFactory {
    private final Set<String> set = new HashSet<>();
    private String bindAddress = Router.DEFAULT_BIND_ADDRESS;
    private int port;
    private Duration resyncGrace = DEFAULT_RESYNC_GRACE;

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Sets the address to listen on; default {@code 127.0.0.1}, reachable from this machine
     * only. {@code 0.0.0.0} listens on every interface.
     *
     * @param bindAddress an IP address or a host name, resolved when the role is created
     * @return this builder
     * @throws IllegalStateException if the address was set before
     * @throws NullPointerException if {@code bindAddress} is null
     */
    public Builder bindAddress(String bindAddress) {
      once("bindAddress");
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /**
     * Sets the port to listen on; default 0.
     *
     * @param port from 1 to 65535, or 0 for any free one ({@link RouterRole#port()} tells which)
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is outside 0 to 65535
     * @throws IllegalStateException if the port was set before
     */
    public Builder port(int port) {
      once("port");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("router port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long nodes get to register their instances again in a resync before what none
     * registered is dropped; default {@link #DEFAULT_RESYNC_GRACE}. Too short, and instances of
     * a slow node drop out of the table until it registers them again.
     *
     * @param resyncGrace more than zero, measured on the cloud's clock
     * @return this builder
     * @throws IllegalArgumentException if {@code resyncGrace} is zero or negative
     * @throws IllegalStateException if the grace was set before
     */
    public Builder resyncGrace(Duration resyncGrace) {
      once("resyncGrace");
      if (resyncGrace.isNegative() || resyncGrace.isZero()) {
        throw new IllegalArgumentException("resyncGrace must be positive, not " + resyncGrace);
      }
      this.resyncGrace = resyncGrace;
      return this;
    }

    /**
     * Makes the router of the cloud whose parts {@code context} holds; it listens only once
     * started.
     *
     * @param context the cloud's clock, bus, store and domain; requests are proxied on its
     *     executor
     * @return a new role in state NEW
     * @throws IllegalArgumentException if {@code bindAddress} is blank or cannot be resolved
     */
    @Override
    public RouterRole create(CloudContext context) {
      return new RouterRole(context, this);
    }
  }
}
