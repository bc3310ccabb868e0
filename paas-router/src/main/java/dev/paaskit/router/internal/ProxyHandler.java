package dev.paaskit.router.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.paaskit.router.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-request path: pick a backend for the Host, forward the request, relay the answer.
 *
 * <p>Small bodies are read whole first (see {@link #REPLAYABLE_BODY}); larger ones stream.
 *
 * <p>To abort a response whose headers are already sent (the backend failed mid-body), this
 * handler throws instead of closing the exchange: the JDK server then drops the connection, so
 * the client sees a truncated response rather than a chunked body that ends as if complete.
 */
final class ProxyHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  private static final int COPY_BUFFER = 16 * 1024;
  /**
   * Bodies up to this size are read before they are sent, so OkHttp can send them again on a
   * fresh connection when a pooled one turns out closed by the instance, as app servers with a
   * short keep-alive do. Larger and chunked bodies stream through and cannot be replayed.
   */
  private static final int REPLAYABLE_BODY = 64 * 1024;

  private final RouteTable table;
  private final OkHttpClient client;
  private volatile boolean stopping;

  ProxyHandler(RouteTable table, OkHttpClient client) {
    this.table = table;
    this.client = client;
  }

  /** From now on, failed calls are the router's own doing: drop them without a 502 or a log. */
  void stopping() {
    stopping = true;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      proxy(exchange);
    } catch (RuntimeException e) {
      LOG.error("router failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      if (exchange.getResponseCode() != -1) {
        throw new IOException("aborted after a router failure", e);
      }
      RouterError.INTERNAL_ERROR.send(exchange, exchange.getRequestMethod() + " request");
    }
  }

  private void proxy(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    URI uri = exchange.getRequestURI();
    Headers requestHeaders = exchange.getRequestHeaders();
    String authority = uri.isAbsolute() && uri.getRawAuthority() != null
        ? uri.getRawAuthority() : requestHeaders.getFirst("Host");
    String host = Hosts.normalize(authority);
    if (host == null) {
      RouterError.BAD_REQUEST.send(exchange, "missing Host header");
      return;
    }
    Pool pool = table.pool(host);
    if (pool == null) {
      RouterError.UNKNOWN_ROUTE.send(exchange, host);
      return;
    }
    List<Backend> backends = pool.backends();
    int size = backends.size();
    if (size == 0) {
      RouterError.NO_INSTANCES.send(exchange, host);
      return;
    }

    String target = target(uri);
    if (target == null) {
      RouterError.BAD_REQUEST.send(exchange, "request target is not a path: " + uri);
      return;
    }
    RequestBody body = null;
    StreamingBody streaming = null;
    long length = bodyLength(requestHeaders);
    if (length != 0 || requiresBody(method)) {
      if (method.equals("GET") || method.equals("HEAD")) {
        RouterError.BAD_REQUEST.send(exchange, method + " request with a body");
        return;
      }
      if (length >= 0 && length <= REPLAYABLE_BODY) {
        body = RequestBody.create(readBody(exchange, (int) length), null);
      } else {
        streaming = new StreamingBody(exchange.getRequestBody(), length);
        body = streaming;
      }
    }
    okhttp3.Headers headers;
    try {
      headers = ProxyHeaders.forRequest(requestHeaders, authority, clientAddress(exchange));
    } catch (IllegalArgumentException e) {
      RouterError.BAD_REQUEST.send(exchange, e.getMessage());
      return;
    }

    int first = pool.nextIndex(size);
    Backend backend = backends.get(first);
    Response response;
    for (int tries = 1; ; tries++) {
      Attempt attempt = new Attempt();
      try {
        response = call(method, target, headers, body, backend, attempt);
        break;
      } catch (IOException e) {
        boolean untouched = attempt.connectFailed() && (streaming == null || !streaming.started());
        if (tries > 1 || size == 1 || !untouched) {
          failed(exchange, host, backend, streaming, e);
          return;
        }
        LOG.debug("cannot connect to instance {} of {} at {}:{}, trying the next: {}",
            backend.instanceId(), host, backend.host(), backend.port(), e.toString());
        backend = backends.get(first + 1 == size ? 0 : first + 1);
      }
    }
    try (Response relayed = response) {
      relay(exchange, method, relayed);
    }
  }

  private Response call(String method, String target, okhttp3.Headers headers,
      RequestBody body, Backend backend, Attempt attempt) throws IOException {
    HttpUrl url = HttpUrl.parse(baseUrl(backend) + target);
    if (url == null) {
      throw new IOException("instance " + backend.instanceId() + " has an unusable address "
          + backend.host() + ":" + backend.port());
    }
    Request request = new Request.Builder()
        .url(url)
        .headers(headers)
        .method(method, body)
        .tag(Attempt.class, attempt)
        .build();
    try {
      return client.newCall(request).execute();
    } catch (RuntimeException e) {
      throw new IOException("request to instance " + backend.instanceId() + " failed", e);
    }
  }

  private static void relay(HttpExchange exchange, String method, Response response)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    ProxyHeaders.copyResponse(response.headers(), out);
    int status = response.code();
    boolean head = method.equals("HEAD");
    if (head || status == 304 || status == 204 || status < 200) {
      String length = response.header("Content-Length");
      if (length != null && (head || status == 304)) {
        out.set("Content-Length", length);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    ResponseBody body = response.body();
    long length = body == null ? 0 : body.contentLength();
    if (length == 0) {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
      return;
    }
    // 0 asks the JDK server for a chunked response: the length is unknown.
    exchange.sendResponseHeaders(status, length < 0 ? 0 : length);
    copy(body.byteStream(), exchange.getResponseBody());
    exchange.close();
  }

  /** Copies as bytes arrive, flushing whenever the backend has nothing more ready. */
  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    for (int read; (read = in.read(buffer)) != -1; ) {
      out.write(buffer, 0, read);
      if (in.available() == 0) {
        out.flush();
      }
    }
  }

  private void failed(HttpExchange exchange, String host, Backend backend,
      StreamingBody streaming, IOException failure) throws IOException {
    if (stopping || (streaming != null && streaming.clientFailed())) {
      throw failure;
    }
    LOG.warn("bad gateway for {}: instance {} at {}:{} failed: {}", host, backend.instanceId(),
        backend.host(), backend.port(), failure.toString());
    RouterError.BAD_GATEWAY.send(exchange, host);
  }

  /** The path and query to ask a backend for, or null when the request names no path. */
  private static String target(URI uri) {
    String path = uri.getRawPath();
    if (!uri.isAbsolute() && uri.getRawAuthority() != null) {
      // "//a/b" is an origin-form path, though java.net.URI reads "a" as an authority.
      path = "//" + uri.getRawAuthority() + (path == null ? "" : path);
    }
    if (path == null || path.isEmpty()) {
      path = "/";
    } else if (path.charAt(0) != '/') {
      return null;
    }
    String query = uri.getRawQuery();
    return query == null ? path : path + '?' + query;
  }

  /** A small body, read whole before it is sent; a client that goes away aborts the exchange. */
  private static byte[] readBody(HttpExchange exchange, int length) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(length);
    if (body.length != length) {
      throw new IOException("the client sent " + body.length + " of " + length + " bytes");
    }
    return body;
  }

  /** -1 for a chunked body, else its length; the JDK server has already checked both. */
  private static long bodyLength(Headers headers) {
    if (headers.getFirst("Transfer-Encoding") != null) {
      return -1;
    }
    String length = headers.getFirst("Content-Length");
    return length == null ? 0 : Long.parseLong(length.trim());
  }

  /** Methods OkHttp refuses to send without a body. */
  private static boolean requiresBody(String method) {
    switch (method) {
      case "POST":
      case "PUT":
      case "PATCH":
      case "PROPPATCH":
      case "REPORT":
        return true;
      default:
        return false;
    }
  }

  private static String baseUrl(Backend backend) {
    String host = backend.host();
    return host.indexOf(':') >= 0 && host.charAt(0) != '['
        ? "http://[" + host + "]:" + backend.port()
        : "http://" + host + ":" + backend.port();
  }

  private static String clientAddress(HttpExchange exchange) {
    InetSocketAddress remote = exchange.getRemoteAddress();
    return remote.getAddress() != null ? remote.getAddress().getHostAddress()
        : remote.getHostString();
  }
}
