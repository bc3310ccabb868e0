package dev.paaskit.router;

import dev.paaskit.router.internal.Hosts;

/**
 * One running instance that a route sends requests to. The constructor refuses a blank name or
 * host and a port outside 1 to 65535.
 *
 * @param instanceId unique for each start of an instance; the key the route table knows it by
 * @param appName the app the instance belongs to
 * @param host the address the router connects to, such as {@code 127.0.0.1}
 * @param port the instance's port, from 1 to 65535
 */
public record Backend(String instanceId, String appName, String host, int port) {
  /**
   * Checks the components.
   *
   * @param instanceId not blank
   * @param appName not blank
   * @param host not blank; a name is not resolved here but when the router connects
   * @param port from 1 to 65535
   * @throws IllegalArgumentException if a name or the host is blank or the port is out of
   *     range, naming the value and the instance
   * @throws NullPointerException if a name or the host is null
   */
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
