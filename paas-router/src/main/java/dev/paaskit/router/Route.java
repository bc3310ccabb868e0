package dev.paaskit.router;

import dev.paaskit.router.internal.Hosts;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A host name, the app it belongs to and the instances that serve it, as one immutable value.
 * A route with no backends is declared but has nothing to send requests to: the router answers
 * 503 for it, where a host with no route at all gets 404. The constructor normalizes the host
 * and refuses a value it could not serve.
 *
 * @param host the host name, stored lower-cased and without a port
 *     ({@code App.Example.com:8080} becomes {@code app.example.com})
 * @param appName the app the host was declared for; backends of other apps may share the host,
 *     as when one route is mapped to two apps during a blue-green deployment
 * @param backends the instances in round-robin order; instance ids are unique
 */
public record Route(String host, String appName, List<Backend> backends) {
  /**
   * Normalizes the host and copies the backends.
   *
   * @param host a host name, with or without a port and a trailing dot, in any case
   * @param appName not blank
   * @param backends no instance id twice, possibly empty; copied
   * @throws IllegalArgumentException if the host is blank or not a host name (it holds a space,
   *     a control character, non-ASCII, or one of {@code / ? # @ ,}), the app name is blank, or
   *     an instance id appears twice; the message names the value
   * @throws NullPointerException if an argument or a backend is null
   */
  public Route {
    host = Hosts.checked(host, "host");
    Hosts.requireNonBlank(appName, "appName");
    backends = List.copyOf(Objects.requireNonNull(backends, "backends"));
    Set<String> ids = new HashSet<>();
    for (Backend backend : backends) {
      if (!ids.add(backend.instanceId())) {
        throw new IllegalArgumentException(
            "instance " + backend.instanceId() + " appears twice in route " + host);
      }
    }
  }
}
