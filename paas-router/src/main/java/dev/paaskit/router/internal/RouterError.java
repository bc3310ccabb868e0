package dev.paaskit.router.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The answers the router gives itself, when it does not forward a backend's. */
enum RouterError {
  BAD_REQUEST(400, "bad_request", "400 Bad Request: %s"),
  UNKNOWN_ROUTE(404, "unknown_route", "404 Not Found: Requested route ('%s') does not exist."),
  INTERNAL_ERROR(500, "internal_error", "500 Internal Server Error: router failed on %s"),
  BAD_GATEWAY(502, "bad_gateway",
      "502 Bad Gateway: no instance of route ('%s') could be reached."),
  NO_INSTANCES(503, "no_instances",
      "503 Service Unavailable: Requested route ('%s') has no available instances.");

  static final String HEADER = "X-Paaskit-Router-Error";
  private static final int MAX_DETAIL = 256;

  private final int status;
  private final String code;
  private final String format;

  RouterError(int status, String code, String format) {
    this.status = status;
    this.code = code;
    this.format = format;
  }

  int status() {
    return status;
  }

  /** The value of the {@value #HEADER} header. */
  String code() {
    return code;
  }

  /**
   * Answers {@code exchange} with this error and a one-line text/plain body naming
   * {@code detail}, then closes the exchange.
   */
  void send(HttpExchange exchange, String detail) throws IOException {
    byte[] body = (String.format(format, printable(detail)) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "text/plain; charset=utf-8");
    headers.set("Cache-Control", "no-cache, no-store");
    headers.set(HEADER, code);
    if ("HEAD".equals(exchange.getRequestMethod())) {
      headers.set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, body.length);
      OutputStream out = exchange.getResponseBody();
      out.write(body);
    }
    exchange.close();
  }

  /** {@code detail} comes from the client: keep it short and free of control characters. */
  private static String printable(String detail) {
    int length = Math.min(detail.length(), MAX_DETAIL);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = detail.charAt(i);
      out.append(c >= ' ' && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
