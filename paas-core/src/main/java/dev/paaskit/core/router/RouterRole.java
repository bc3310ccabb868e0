package dev.paaskit.core.router;

import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.protocol.AppRecord;
import dev.paaskit.core.protocol.Json;
import dev.paaskit.core.protocol.RouteRegistration;
import dev.paaskit.core.protocol.StoreKeys;
import dev.paaskit.core.protocol.Subjects;
import dev.paaskit.core.util.StoreMirror;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
 */
public final class RouterRole implements Role {
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
  private Subscription subscription;
  private StoreMirror<AppRecord> apps;

  public RouterRole(CloudContext context, String bindAddress, int port) {
    this.bus = context.bus();
    this.store = context.stateStore();
    this.domain = context.domain();
    this.router = Router.builder().routeTable(table).bindAddress(bindAddress).port(port)
        .executor(context.executor()).build();
  }

  @Override
  public String name() {
    return "router";
  }

  /** The port the router listens on; valid once started. */
  public int port() {
    return router.port();
  }

  @Override
  public void start() throws Exception {
    router.start();
    try {
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
      subscription = bus.subscribe("paaskit.router.*", this::onRouteMessage);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    bus.publish(Subjects.ROUTER_START, new byte[0]);
  }

  private synchronized void onRouteMessage(Message m) {
    boolean register = m.subject().equals(Subjects.ROUTER_REGISTER);
    if (!register && !m.subject().equals(Subjects.ROUTER_UNREGISTER)) {
      return;
    }
    RouteRegistration r = Json.read(m.data(), RouteRegistration.class);
    if (!register) {
      unregistered.put(r.instanceId(), Boolean.TRUE);
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
      }
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
  public void stop() {
    if (subscription != null) {
      subscription.close();
    }
    if (apps != null) {
      apps.close();
    }
    router.stop();
  }
}
