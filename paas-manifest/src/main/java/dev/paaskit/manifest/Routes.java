package dev.paaskit.manifest;

import dev.paaskit.api.InvalidSpecException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Host names from route texts. PaaSKit routes by host only: a route {@code host.domain/path}
 * keeps {@code host.domain} and warns that the path is dropped; a TCP route
 * {@code domain:port} is dropped with a warning. Host names are compared in lower case.
 */
final class Routes {
  /** Same rule as {@code AppSpec} applies to its routes. */
  private static final Pattern HOST = Pattern.compile(
      "(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

  private Routes() {
  }

  /**
   * The host of {@code route}, or empty when the route cannot be served by host (a TCP route).
   *
   * @param path the key path of the value, for messages
   * @throws InvalidSpecException naming {@code path} and {@code line} when the host part is not
   *     a host name
   */
  static Optional<String> host(String route, String path, int line, Warnings warnings) {
    String text = route.strip();
    if (text.contains("://")) {
      throw new InvalidSpecException(YamlDocuments.at(path, line), route,
          "a route is host.domain or host.domain/path, without a scheme such as http://");
    }
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    if (slash >= 0 && slash < text.length() - 1) {
      warnings.at(path, line, "route '" + text + "' has a path '" + text.substring(slash)
          + "', which PaaSKit does not route by; the app gets all of '" + host + "'");
    }
    if (host.contains(":")) {
      warnings.at(path, line, "route '" + text + "' is a TCP route (host:port), which PaaSKit "
          + "does not support, ignored");
      return Optional.empty();
    }
    host = host.toLowerCase(Locale.ROOT);
    if (!HOST.matcher(host).matches()) {
      throw new InvalidSpecException(YamlDocuments.at(path, line), route,
          "not a host name: labels of letters, digits and '-' separated by dots");
    }
    return Optional.of(host);
  }
}
