package dev.paaskit.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's routes: a method and a path pattern such as {@code /v1/apps/{name}/scale}, whose
 * {@code {...}} segments match any one segment and are handed to the handler by name. A path
 * that no pattern matches is a 404 {@code unknown_route}; one that matches only for other
 * methods is a 405 {@code method_not_allowed} listing them in {@code Allow}. Not thread-safe
 * while routes are added; read-only afterwards.
 */
final class Routes {
  /** Answers one request; may throw any exception, which becomes an error answer. */
  @FunctionalInterface
  interface Handler {
    void handle(ApiRequest request) throws IOException;
  }

  private record Route(String method, List<String> pattern, Handler handler) {}

  /** A route that matched, with the values of its named segments. */
  record Match(Handler handler, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  Routes add(String method, String pattern, Handler handler) {
    routes.add(new Route(method, segments(pattern), handler));
    return this;
  }

  /**
   * The route for {@code method} and the decoded {@code segments} of a path.
   *
   * @throws HttpError 404 or 405 when none matches
   */
  Match match(String method, List<String> segments) {
    Set<String> allowed = new TreeSet<>();
    for (Route route : routes) {
      Map<String, String> params = bind(route.pattern, segments);
      if (params == null) {
        continue;
      }
      if (route.method.equals(method)) {
        return new Match(route.handler, params);
      }
      allowed.add(route.method);
    }
    String path = "/" + String.join("/", segments);
    if (allowed.isEmpty()) {
      throw new HttpError(404, "unknown_route", null, "no such route: " + printable(path)
          + "; the API's routes start with /v1, see docs/rest-api.md");
    }
    throw new HttpError(405, "method_not_allowed", null, printable(method) + " is not allowed on "
        + printable(path) + "; allowed: " + String.join(", ", allowed), String.join(", ", allowed));
  }

  private static Map<String, String> bind(List<String> pattern, List<String> segments) {
    if (pattern.size() != segments.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String p = pattern.get(i);
      if (p.startsWith("{") && p.endsWith("}")) {
        params.put(p.substring(1, p.length() - 1), segments.get(i));
      } else if (!p.equals(segments.get(i))) {
        return null;
      }
    }
    return params;
  }

  private static List<String> segments(String pattern) {
    List<String> out = new ArrayList<>();
    for (String s : pattern.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Text from the client, cut short and stripped of control characters for messages. */
  static String printable(String text) {
    int length = Math.min(text.length(), 200);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      out.append(c < ' ' || c == 0x7f ? '?' : c);
    }
    return text.length() > length ? out + "..." : out.toString();
  }
}
