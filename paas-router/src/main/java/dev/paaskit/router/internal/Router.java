package dev.paaskit.router.internal;

import com.sun.net.httpserver.HttpServer;
import dev.paaskit.core.internal.util.JdkHttpServers;
import dev.paaskit.router.Backend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP reverse proxy that routes each request by its Host header to an instance from a
 * {@link RouteTable}, like Cloud Foundry's gorouter.
 *
 * <pre>{@code
 * RouteTable table = new RouteTable();
 * Router router = Router.builder().routeTable(table).port(8080).build();
 * router.start();
 * table.register("hello.example.com", new Backend("i-1", "hello", "127.0.0.1", 61001));
 * // curl -H 'Host: hello.example.com' http://127.0.0.1:8080/ now reaches instance i-1
 * router.stop();
 * }</pre>
 *
 * <p>For each request:
 * <ul>
 *   <li>the host is the Host header (or the authority of an absolute request target),
 *       lower-cased, without its port;
 *   <li>an unknown host is answered 404, a host declared with no backend 503;
 *   <li>otherwise the next backend in round-robin order gets the request: method, path, query,
 *       end-to-end headers and body. Bodies stream both ways and are never held whole, except
 *       request bodies of at most 64 KiB with a Content-Length, which are read first so that
 *       they can be resent on a fresh connection when a pooled one turns out to have been
 *       closed by the instance (as app servers with a short keep-alive do). The Host header is
 *       kept; X-Forwarded-For gets the client's address appended; X-Forwarded-Proto
 *       ({@code http}) and X-Forwarded-Host are set unless a load balancer in front already set
 *       them. Hop-by-hop headers (Connection and the headers it names, Keep-Alive, Proxy-*, TE,
 *       Trailer, Transfer-Encoding, Upgrade) are dropped both ways;
 *   <li>when connecting to the backend fails (refused, unreachable, connect timeout), the next
 *       backend gets the request, once: nothing reached the first. Any other failure before the
 *       backend's answer, or a second failed connect, is answered 502; a timeout waiting for
 *       the answer is never retried elsewhere. The one resend besides: when a pooled connection
 *       fails before any answer, OkHttp sends a request without a body, or with a body read
 *       first, again on a fresh connection to the same backend, since an instance closing an
 *       idle connection looks just like that;
 *   <li>a failure after the answer started drops the client's connection, so a truncated body
 *       never looks complete.
 * </ul>
 * The router's own answers carry a short text/plain body naming the host and a header
 * {@code X-Paaskit-Router-Error}: {@code unknown_route}, {@code no_instances},
 * {@code bad_gateway}, or {@code bad_request} (no Host, a target that is not a path, a GET or
 * HEAD with a body). It adds no header naming the instance: like gorouter it keeps internal ids
 * from the public, and an app that wants to say which instance answered can do so itself.
 *
 * <p>Connections to clients are kept alive; connections to instances are pooled. WebSocket and
 * other Upgrade requests are not supported: the Upgrade header is hop-by-hop and is dropped.
 *
 * <p>The front is the JDK's {@code com.sun.net.httpserver} server, which leaves Nagle's algorithm
 * on unless the JVM runs with {@code -Dsun.net.httpserver.nodelay=true}; without it each small
 * response waits about 40 ms for the client's delayed ACK. {@link #start()} warns when it is not
 * set (see {@link JdkHttpServers}); it does not change the host's JVM-wide settings.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #stop()}, which may be called any number of
 * times, from any state. A router cannot be restarted. Thread-safe.
 */
public final class Router implements AutoCloseable {
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
  /** Threads of the executor a router makes when none is given. */
  public static final int DEFAULT_THREADS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final int BACKLOG = 1024;
  private static final int MAX_IDLE_BACKEND_CONNECTIONS = 256;
  /**
   * How long an idle connection to an instance is kept. Instances that close theirs sooner are
   * covered by OkHttp's resend on a fresh connection (see the class comment).
   */
  private static final Duration BACKEND_KEEP_ALIVE = Duration.ofSeconds(20);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private enum State { NEW, RUNNING, STOPPED, FAILED }

  private final String name;
  private final InetAddress bindAddress;
  private final int requestedPort;
  private final RouteTable routeTable;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final OkHttpClient client;

  private State state = State.NEW;
  private HttpServer server;
  private ProxyHandler handler;
  private int port;

  private Router(Builder builder, InetAddress bindAddress) {
    this.name = builder.name == null ? "router" : builder.name;
    this.bindAddress = bindAddress;
    this.requestedPort = builder.port == null ? 0 : builder.port;
    this.routeTable = builder.routeTable;
    if (builder.executor != null) {
      this.executor = builder.executor;
      this.ownedExecutor = null;
    } else {
      ExecutorService pool = RequestThreads.create(name, DEFAULT_THREADS);
      this.executor = pool;
      this.ownedExecutor = pool;
    }
    Duration connectTimeout = builder.connectTimeout == null
        ? DEFAULT_CONNECT_TIMEOUT : builder.connectTimeout;
    Duration readTimeout = builder.readTimeout == null ? DEFAULT_READ_TIMEOUT : builder.readTimeout;
    this.client = new OkHttpClient.Builder()
        .dispatcher(new Dispatcher())
        .connectionPool(new ConnectionPool(MAX_IDLE_BACKEND_CONNECTIONS,
            BACKEND_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .writeTimeout(readTimeout)
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(true)
        .proxy(Proxy.NO_PROXY)
        .protocols(List.of(Protocol.HTTP_1_1))
        .eventListenerFactory(Attempt.FACTORY)
        .build();
  }

  /** A builder with every option at its default; only the route table must be given. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds and starts serving; returns once the port accepts connections.
   *
   * @throws IOException if the address cannot be bound; the router is then failed and released
   * @throws IllegalStateException if the router was started or stopped before
   */
  public synchronized void start() throws IOException {
    if (state != State.NEW) {
      throw new IllegalStateException("router " + name + " cannot start: it is " + state);
    }
    JdkHttpServers.warnIfNagle(LOG, "router " + name);
    try {
      HttpServer created = HttpServer.create(
          new InetSocketAddress(bindAddress, requestedPort), BACKLOG);
      ProxyHandler proxy = new ProxyHandler(routeTable, client);
      created.createContext("/", proxy);
      created.setExecutor(executor);
      created.start();
      server = created;
      handler = proxy;
      port = created.getAddress().getPort();
      state = State.RUNNING;
      LOG.info("router {} listening on {}:{}", name, bindAddress.getHostAddress(), port);
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      releaseBackendSide();
      throw e;
    }
  }

  /**
   * The port the router listens on, the chosen one when the builder asked for any free port.
   *
   * @throws IllegalStateException if the router is not running
   */
  public synchronized int port() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("router " + name + " has no port: it is " + state);
    }
    return port;
  }

  /**
   * Stops listening, drops the connections of requests in flight, closes the connections to
   * instances and stops the executor the builder made (not one that was given). Returns within
   * a few seconds; calling it again does nothing.
   */
  public synchronized void stop() {
    if (state == State.STOPPED || state == State.FAILED) {
      return;
    }
    boolean wasRunning = state == State.RUNNING;
    state = State.STOPPED;
    if (wasRunning) {
      handler.stopping();
      server.stop(0);
    }
    releaseBackendSide();
    if (wasRunning) {
      LOG.info("router {} stopped", name);
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "Router[" + name + ", " + state + "]";
  }

  private void releaseBackendSide() {
    client.dispatcher().cancelAll();
    client.connectionPool().evictAll();
    if (ownedExecutor == null) {
      return;
    }
    ownedExecutor.shutdown();
    try {
      if (!ownedExecutor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        ownedExecutor.shutdownNow();
        LOG.warn("router {}: request threads still busy after {}", name, STOP_WAIT);
      }
    } catch (InterruptedException e) {
      ownedExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Options of a {@link Router}. Each option may be set once; {@link #build()} checks that a
   * route table was given.
   */
  public static final class Builder {
    private String name;
    private String bindAddress;
    private Integer port;
    private RouteTable routeTable;
    private Executor executor;
    private Duration connectTimeout;
    private Duration readTimeout;

    private Builder() {}

    /** A name for logs and thread names; default {@code router}. */
    public Builder name(String name) {
      once(this.name, "name");
      Hosts.requireNonBlank(name, "name");
      this.name = name;
      return this;
    }

    /**
     * The address to listen on, an IP literal or a host name resolved by {@link #build()};
     * default {@value Router#DEFAULT_BIND_ADDRESS}. {@code 0.0.0.0} listens on every interface.
     */
    public Builder bindAddress(String bindAddress) {
      once(this.bindAddress, "bindAddress");
      Hosts.requireNonBlank(bindAddress, "bindAddress");
      this.bindAddress = bindAddress;
      return this;
    }

    /** The port to listen on, from 0 to 65535; default 0, any free port. */
    public Builder port(int port) {
      once(this.port, "port");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** The table to route by, read on every request; required. */
    public Builder routeTable(RouteTable routeTable) {
      once(this.routeTable, "routeTable");
      this.routeTable = Objects.requireNonNull(routeTable, "routeTable");
      return this;
    }

    /**
     * Runs request handling. Each request holds a thread for as long as it is proxied, so the
     * executor bounds the requests in flight. The router does not shut a given executor down.
     * Default: the router's own pool of up to {@value Router#DEFAULT_THREADS} daemon threads,
     * started as needed, which queues requests beyond that and is stopped with the router.
     */
    public Builder executor(Executor executor) {
      once(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** How long to wait for a connection to an instance; default 1 s. */
    public Builder connectTimeout(Duration timeout) {
      once(this.connectTimeout, "connectTimeout");
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long an instance may stay silent, while answering or while taking a request body,
     * before the request fails; default 60 s.
     */
    public Builder readTimeout(Duration timeout) {
      once(this.readTimeout, "readTimeout");
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * A router that is not started yet.
     *
     * @throws IllegalStateException if no route table was given
     * @throws IllegalArgumentException if the bind address cannot be resolved
     */
    public Router build() {
      if (routeTable == null) {
        throw new IllegalStateException("a Router needs a routeTable");
      }
      String address = bindAddress == null ? DEFAULT_BIND_ADDRESS : bindAddress;
      try {
        return new Router(this, InetAddress.getByName(address));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bindAddress cannot be resolved: " + address, e);
      }
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " is already set to " + current);
      }
    }

    private static Duration positive(Duration timeout, String option) {
      Objects.requireNonNull(timeout, option);
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            option + " must be positive and at most " + Integer.MAX_VALUE + " ms: " + timeout);
      }
      return timeout;
    }
  }
}
