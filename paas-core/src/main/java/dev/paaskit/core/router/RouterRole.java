package dev.paaskit.core.router;

import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.core.protocol.AppRecord;
import dev.paaskit.core.protocol.Json;
import dev.paaskit.core.protocol.RouteRegistration;
import dev.paaskit.core.protocol.StoreKeys;
import dev.paaskit.core.protocol.Subjects;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router as a role: keeps a {@link RouteTable} from the bus (instances registering and
 * unregistering) and from the store (which hosts belong to apps, so an app with no running
 * instance answers 503 rather than 404), and serves it with a {@link Router}.
 * On start it asks every node to register what it runs, as Cloud Foundry's router.start does.
 */
public final class RouterRole implements Role {
  private final MessageBus bus;
  private final StateStore store;
  private final String domain;
  private final RouteTable table = new RouteTable();
  private final Router router;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final Map<String, Set<String>> hostsByApp = new ConcurrentHashMap<>();
  private StateStore.Watch watch;

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

  public RouteTable table() {
    return table;
  }

  @Override
  public void start() throws Exception {
    watch = store.watch(StoreKeys.APPS, this::onAppChange);
    for (StoreEntry e : store.list(StoreKeys.APPS)) {
      declare(e.key(), Json.read(e.value(), AppRecord.class));
    }
    subscriptions.add(bus.subscribe(Subjects.ROUTER_REGISTER, m -> {
      RouteRegistration r = Json.read(m.data(), RouteRegistration.class);
      for (String host : r.hosts()) {
        table.register(host, new Backend(r.instanceId(), r.appName(), r.address(), r.port()));
      }
    }));
    subscriptions.add(bus.subscribe(Subjects.ROUTER_UNREGISTER, m -> {
      RouteRegistration r = Json.read(m.data(), RouteRegistration.class);
      for (String host : r.hosts()) {
        table.unregister(host, r.instanceId());
      }
    }));
    router.start();
    bus.publish(Subjects.ROUTER_START, new byte[0]);
  }

  private void onAppChange(WatchEvent e) {
    if (e.kind() == WatchEvent.Kind.DELETE) {
      Set<String> hosts = hostsByApp.remove(e.key());
      if (hosts != null) {
        hosts.forEach(table::forget);
      }
    } else {
      declare(e.key(), Json.read(e.value(), AppRecord.class));
    }
  }

  private void declare(String key, AppRecord app) {
    Set<String> now = new HashSet<>(app.urls(domain));
    Set<String> before = hostsByApp.put(key, now);
    if (before != null) {
      for (String host : before) {
        if (!now.contains(host)) {
          table.forget(host);
        }
      }
    }
    for (String host : now) {
      table.declare(host, app.spec().name());
    }
  }

  @Override
  public void stop() {
    subscriptions.forEach(Subscription::close);
    subscriptions.clear();
    if (watch != null) {
      watch.close();
    }
    router.stop();
  }
}
