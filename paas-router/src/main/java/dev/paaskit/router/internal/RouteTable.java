package dev.paaskit.router.internal;

import dev.paaskit.router.Backend;
import dev.paaskit.router.Route;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which instances serve which host name: the state a router routes by.
 *
 * <p>Each host is in one of three states, which {@link #lookup} tells apart: unknown (no route:
 * the router answers 404), declared with no backend (the app exists but nothing runs: 503), or
 * declared with backends (requests go to them in turn). Host names are keyed lower-cased and
 * without a port, so {@code App.Example.com:8080} and {@code app.example.com} are one host.
 *
 * <p>Thread-safe. Reads ({@link #lookup}, {@link #next}, the router's per-request path) take no
 * lock and do not contend with each other: each host's route is an immutable list, replaced
 * whole on a change. Changes are serialized with one another and are visible to every read that
 * starts after they return. {@link #replaceAll} swaps the whole table at once, so no read sees a
 * mix of the old and the new table.
 *
 * <pre>{@code
 * RouteTable table = new RouteTable();
 * table.declare("hello.example.com", "hello");          // 503 until an instance registers
 * table.register("hello.example.com", new Backend("i-1", "hello", "127.0.0.1", 61001));
 * table.next("hello.example.com");                     // Optional[Backend[instanceId=i-1, ...]]
 * }</pre>
 */
public final class RouteTable {
  private final Object writeLock = new Object();
  private volatile ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();

  /** An empty table: every host is unknown. */
  public RouteTable() {}

  /**
   * Declares that {@code host} belongs to {@code appName}, keeping the backends it already has.
   *
   * @return whether the table changed
   * @throws IllegalArgumentException if {@code host} is not a host name or {@code appName} is
   *     blank
   */
  public boolean declare(String host, String appName) {
    String key = Hosts.checked(host, "host");
    Hosts.requireNonBlank(appName, "appName");
    synchronized (writeLock) {
      Pool old = pools.get(key);
      if (old == null) {
        put(new Route(key, appName, List.of()), null);
        return true;
      }
      if (old.route().appName().equals(appName)) {
        return false;
      }
      put(new Route(key, appName, old.backends()), old);
      return true;
    }
  }

  /**
   * Removes {@code host} and all its backends: requests for it are then unknown (404).
   *
   * @return whether the host was known
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public boolean forget(String host) {
    String key = Hosts.checked(host, "host");
    synchronized (writeLock) {
      return pools.remove(key) != null;
    }
  }

  /**
   * Adds {@code backend} to the rotation of {@code host}, declaring the host for the backend's
   * app if it was unknown. Registering an instance id the host already has replaces that entry
   * in place (its address may have changed); registering the same backend again does nothing.
   *
   * @return whether the table changed
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public boolean register(String host, Backend backend) {
    String key = Hosts.checked(host, "host");
    Objects.requireNonNull(backend, "backend");
    synchronized (writeLock) {
      Pool old = pools.get(key);
      if (old == null) {
        put(new Route(key, backend.appName(), List.of(backend)), null);
        return true;
      }
      List<Backend> backends = old.backends();
      int at = indexOf(backends, backend.instanceId());
      if (at >= 0 && backends.get(at).equals(backend)) {
        return false;
      }
      List<Backend> changed = new ArrayList<>(backends);
      if (at >= 0) {
        changed.set(at, backend);
      } else {
        changed.add(backend);
      }
      put(new Route(key, old.route().appName(), changed), old);
      return true;
    }
  }

  /**
   * Takes instance {@code instanceId} out of the rotation of {@code host}. No request chosen
   * after this returns goes to it. The host stays declared, with a 503 once its last backend is
   * gone.
   *
   * @return whether the table changed
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public boolean unregister(String host, String instanceId) {
    String key = Hosts.checked(host, "host");
    Objects.requireNonNull(instanceId, "instanceId");
    synchronized (writeLock) {
      Pool old = pools.get(key);
      if (old == null) {
        return false;
      }
      List<Backend> backends = old.backends();
      int at = indexOf(backends, instanceId);
      if (at < 0) {
        return false;
      }
      List<Backend> changed = new ArrayList<>(backends);
      changed.remove(at);
      put(new Route(key, old.route().appName(), changed), old);
      return true;
    }
  }

  /**
   * Replaces the whole table with {@code routes}, as after a resync with the controller. Reads
   * see either the old table or the new one, never a mix. Hosts that were known before keep
   * their place in the rotation.
   *
   * @throws IllegalArgumentException if two routes have the same host; the table is then left
   *     as it was
   */
  public void replaceAll(Collection<Route> routes) {
    Objects.requireNonNull(routes, "routes");
    Map<String, Route> byHost = new HashMap<>();
    for (Route route : routes) {
      Objects.requireNonNull(route, "route");
      if (byHost.putIfAbsent(route.host(), route) != null) {
        throw new IllegalArgumentException("host " + route.host() + " appears twice");
      }
    }
    synchronized (writeLock) {
      ConcurrentHashMap<String, Pool> current = pools;
      ConcurrentHashMap<String, Pool> next = new ConcurrentHashMap<>(
          Math.max(16, byHost.size() * 2));
      byHost.forEach((host, route) -> {
        Pool old = current.get(host);
        next.put(host, new Pool(route, old == null ? new AtomicInteger() : old.cursor()));
      });
      pools = next;
    }
  }

  /**
   * The route of {@code host}: empty when the host is unknown (404); present with no backends
   * when it is declared but nothing serves it (503); present with its backends otherwise.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public Optional<Route> lookup(String host) {
    Pool pool = pools.get(Hosts.checked(host, "host"));
    return pool == null ? Optional.empty() : Optional.of(pool.route());
  }

  /**
   * The backend the next request for {@code host} goes to, in round-robin order: over any
   * {@code n} consecutive calls on a host with {@code n} backends, each backend is returned
   * once, whichever threads make the calls. Empty when the host is unknown or has no backend.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public Optional<Backend> next(String host) {
    Pool pool = pools.get(Hosts.checked(host, "host"));
    if (pool == null) {
      return Optional.empty();
    }
    List<Backend> backends = pool.backends();
    int size = backends.size();
    return size == 0 ? Optional.empty() : Optional.of(backends.get(pool.nextIndex(size)));
  }

  /** Every route, sorted by host: a consistent copy of the table at one moment. */
  public List<Route> snapshot() {
    List<Route> routes = new ArrayList<>();
    synchronized (writeLock) {
      for (Pool pool : pools.values()) {
        routes.add(pool.route());
      }
    }
    routes.sort(Comparator.comparing(Route::host));
    return List.copyOf(routes);
  }

  /** The pool of an already normalized host, or null; the router's per-request read. */
  Pool pool(String normalizedHost) {
    return pools.get(normalizedHost);
  }

  private void put(Route route, Pool old) {
    pools.put(route.host(), new Pool(route, old == null ? new AtomicInteger() : old.cursor()));
  }

  private static int indexOf(List<Backend> backends, String instanceId) {
    for (int i = 0; i < backends.size(); i++) {
      if (backends.get(i).instanceId().equals(instanceId)) {
        return i;
      }
    }
    return -1;
  }
}
