package dev.paaskit.rest;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One request as the endpoints see it: its path parameters, query, body and ways to answer. A
 * handler that keeps answering after it returns (a log stream) takes the exchange over with
 * {@link #detach()}; otherwise the server closes the exchange when the handler returns.
 */
final class ApiRequest {
  static final String JSON = "application/json; charset=utf-8";
  static final String NDJSON = "application/x-ndjson; charset=utf-8";
  /** The largest JSON body a request may carry. */
  static final int MAX_JSON_BYTES = 1 << 20;

  private final HttpExchange exchange;
  private final Map<String, String> params;
  private final Map<String, String> query;
  private boolean detached;

  ApiRequest(HttpExchange exchange, Map<String, String> params) {
    this.exchange = exchange;
    this.params = params;
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  HttpExchange exchange() {
    return exchange;
  }

  /** The value of the path segment named {@code {name}} in the route's pattern. */
  String param(String name) {
    return params.get(name);
  }

  /** Whether the query parameter {@code name} is {@code true}; absent is false. */
  boolean flag(String name) {
    String value = query.get(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true") || value.isEmpty()) {
      return true;
    }
    throw HttpError.badRequest(name, "query parameter '" + name + "' must be true or false, not '"
        + Routes.printable(value) + "'");
  }

  /** The query parameter {@code name} as it came, decoded; null when absent. */
  String query(String name) {
    return query.get(name);
  }

  /** The whole-number query parameter {@code name}, between {@code min} and {@code max}. */
  long longQuery(String name, long absent, long min, long max) {
    String value = query.get(name);
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Answered below, like a number out of range.
    }
    throw HttpError.badRequest(name, "query parameter '" + name + "' must be a whole number from "
        + min + " to " + max + ", not '" + Routes.printable(value) + "'");
  }

  /** The whole-number query parameter {@code name}, between {@code min} and {@code max}. */
  int intQuery(String name, int absent, int min, int max) {
    return (int) longQuery(name, absent, min, max);
  }

  /** The declared length of the body, or -1 when it is chunked or absent. */
  long declaredLength() {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(null, "Content-Length is not a number");
    }
  }

  InputStream body() {
    return exchange.getRequestBody();
  }

  /**
   * Reads the body, at most {@link #MAX_JSON_BYTES}, as JSON of {@code type}.
   *
   * @throws HttpError 400 naming what is malformed, 413 when the body is too large
   */
  <T> T json(Class<T> type) throws IOException {
    if (declaredLength() > MAX_JSON_BYTES) {
      throw tooLarge();
    }
    byte[] body = body().readNBytes(MAX_JSON_BYTES + 1);
    if (body.length > MAX_JSON_BYTES) {
      throw tooLarge();
    }
    return RestJson.readRequest(body, type);
  }

  private static HttpError tooLarge() {
    return new HttpError(413, "body_too_large", null,
        "a JSON body may hold at most " + MAX_JSON_BYTES + " bytes");
  }

  /** Answers {@code status} with {@code body} as JSON, or with no body when it is null. */
  void respond(int status, Object body) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Cache-Control", "no-store");
    if (body == null || "HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = RestJson.write(body);
    headers.set("Content-Type", JSON);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Sends 200 and the headers of an NDJSON stream, whose body then follows chunk by chunk. */
  OutputStream startStream() throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Cache-Control", "no-store");
    headers.set("Content-Type", NDJSON);
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  /** Hands the exchange to the caller, who closes it. */
  void detach() {
    detached = true;
  }

  boolean detached() {
    return detached;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(decode(key), decode(value));
    }
    return out;
  }

  /**
   * Decodes one percent-encoded path segment or query part.
   *
   * @throws HttpError 400 for a malformed escape
   */
  static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(null, "malformed percent-encoding in '" + Routes.printable(raw)
          + "'");
    }
  }
}
