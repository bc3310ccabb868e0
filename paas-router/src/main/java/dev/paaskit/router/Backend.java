package dev.paaskit.router;

import dev.paaskit.router.internal.Hosts;

/**
 * One running instance that a route sends requests to.
 *
 * @param instanceId unique for each start of an instance; the key the route table knows it by
 * @param appName the app the instance belongs to
 * @param host the address the router connects to, such as {@code 127.0.0.1}
 * @param port the instance's port, from 1 to 65535
 * @throws IllegalArgumentException if a name is blank or the port is out of range
 */
public record Backend(String instanceId, String appName, String host, int port) {
  public Backend {
    Hosts.requireNonBlank(instanceId, "instanceId");
    Hosts.requireNonBlank(appName, "appName");
    Hosts.requireNonBlank(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "port of instance " + instanceId + " must be between 1 and 65535: " + port);
    }
  }
}
