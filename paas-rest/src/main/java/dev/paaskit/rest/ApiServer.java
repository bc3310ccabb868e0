package dev.paaskit.rest;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.util.JdkHttpServers;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.generic.GenericServices;
import dev.paaskit.rest.Dto.ErrorBody;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud's REST API: a {@link Controller} served as JSON over HTTP under {@code /v1}, for the
 * CLI and other programs in other processes; {@link RemoteController} is its Java client.
 *
 * <p>As a role of a cloud, it serves that cloud's controller and its generic services, starts
 * once the rest of the cloud runs and stops first:
 *
 * <pre>{@code
 * PaasCloud cloud = PaasKit.builder()
 *     .addRole(ApiServer.builder().token(Secret.of(adminToken)).port(8443))
 *     ...
 *     .build().start();
 * // curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8443/v1/apps
 * }</pre>
 *
 * <p>On its own, for a controller from elsewhere:
 * {@code ApiServer.builder().controller(controller).token(token).build()}, then {@link #start()}
 * and {@link #stop()}.
 *
 * <p>The server is the JDK's own {@code com.sun.net.httpserver.HttpServer}, as the router's is:
 * it streams request and response bodies, serves chunked answers, and adds no dependency; a
 * control API with few, mostly small requests needs nothing more.
 *
 * <p><b>Routes.</b> Every request needs {@code Authorization: Bearer <admin token>}, compared in
 * constant time; without it the answer is 401 {@code unauthorized}, whatever the path.
 * docs/rest-api.md shows every JSON shape.
 * <ul>
 *   <li>{@code GET /v1/info}: {@code api_version}, {@code max_upload_bytes} and the builder's
 *       {@link Builder#info info} (version, domain, router port...);
 *   <li>{@code GET /v1/apps}: {@code {"apps": [app...]}}, sorted by name;
 *       {@code POST /v1/apps} with a spec: 201 and the new app, STOPPED and not staged;
 *   <li>{@code GET}, {@code PUT} (a whole spec, replacing the current one) and {@code DELETE}
 *       (204) {@code /v1/apps/{name}};
 *   <li>{@code POST /v1/apps/{name}/start}, {@code /stop}, {@code /restart}, and {@code /scale}
 *       with {@code {"instances": K}}: the app after the change;
 *   <li>{@code PUT /v1/apps/{name}/package} with a zip, tar or tar.gz body: 201 and the package;
 *   <li>{@code POST /v1/uploads} with an archive body: 201 and {@code {"id", "size_bytes",
 *       "expires_at"}}; the archive waits for one push, for at most the
 *       {@link Builder#uploadTtl upload TTL};
 *   <li>{@code POST /v1/apps/{name}/push} with {@code {"spec": {...}, "upload": "<id>"}} and
 *       {@code POST /v1/apps/{name}/stage}: 200 and an NDJSON stream of {@code {"log": "..."}}
 *       lines as staging writes them, blank heartbeat lines, and a last line
 *       {@code {"app": {...}}} (push), {@code {"droplet": {...}}} (stage) or
 *       {@code {"error": {...}}}. A push stores nothing unless staging succeeds;
 *   <li>{@code GET /v1/apps/{name}/droplet}: the droplet's sha256 and its package's;
 *       {@code /instances}, {@code /routes}, {@code /events};
 *   <li>{@code GET /v1/apps/{name}/rollout}: where the rollout of a push or scale
 *       ({@code ?deployment=} the id its answer named) or of the app as it is stands;
 *       {@code ?wait=true&timeout_ms=T}: a stream that ends with {@code {"rollout": ...}} once
 *       every wanted instance runs, or with a {@code deployment_failed} error;
 *   <li>{@code GET /v1/apps/{name}/env}: {@code {"env": {...}, "secret_env": {...}}}, secret
 *       values as {@code ******} unless {@code ?show_secrets=true};
 *   <li>{@code GET /v1/apps/{name}/logs?lines=N} (default 100): {@code {"logs": [...]}}, oldest
 *       first; {@code ?follow=true}: an NDJSON stream of log entries as they are written, with
 *       a blank heartbeat line every {@link Builder#heartbeat heartbeat}, until the client goes
 *       away (noticed by a failed write, which closes the subscription);
 *   <li>{@code GET /v1/apps/{name}/events}: {@code {"events": [...]}}; {@code ?follow=true}: an
 *       NDJSON stream of events as they happen, as for logs, also for an app not created yet;
 *   <li>{@code GET /v1/nodes}: {@code {"nodes": [...]}}; {@code POST /v1/nodes/{id}/drain} and
 *       {@code /resume}: 204;
 *   <li>{@code /v1/services...}: generic services, when the builder was given
 *       {@link Builder#genericServices GenericServices} (see {@link ServiceEndpoints}).
 *   <li>with {@link Builder#cartridges cartridges}: {@code GET /v1/cartridges},
 *       {@code POST /v1/cartridges} with {@code {"url": "..."}} and
 *       {@code DELETE /v1/cartridges/{name}}.
 * </ul>
 *
 * <p><b>Errors</b> are {@code {"error": {"code", "message", ...}}}: 422 {@code invalid_spec}
 * (with {@code field}, {@code value}), 422 {@code invalid_archive} (with {@code entry}), 422
 * {@code staging_failed} (with {@code output}), 422 {@code deployment_failed} (with
 * {@code deployment}), 404 {@code not_found} (with {@code kind},
 * {@code name}), 409 {@code conflict}, 400 {@code bad_request} (malformed JSON or query, naming
 * the problem and the {@code field}), 404 {@code unknown_route}, 405 {@code method_not_allowed},
 * 413 {@code upload_too_large} (naming the limit) or {@code body_too_large}, 500
 * {@code internal_error} (a generic message with an id; the details go to this class's log).
 * Bad input never stops the server.
 *
 * <p><b>Secrets.</b> Secret env values leave the server only from {@code /env?show_secrets=true}:
 * everywhere else they read {@code ******}, including in log lines, crash output and events
 * that quote them. A spec sent with a secret value of {@code null} keeps the app's stored value.
 * The token is never logged.
 *
 * <p><b>Uploads</b> stream to files in the {@link Builder#tempDir temp folder}, never into memory,
 * and are refused with 413 once larger than the upload limits' {@code maxTotalBytes}. Every file
 * is deleted when its request ends, when its push ends, or when it expires.
 *
 * <p>Lifecycle: that of every role ({@link AbstractRole}): {@link #start()} once, then
 * {@link #stop()}, idempotent; a server cannot be restarted. Its {@link #phase()} is
 * {@link Phase#API}. Thread-safe.
 */
public final class ApiServer extends AbstractRole implements AutoCloseable {
  /** The address a server listens on when the builder names none: the loopback interface. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  /** How often a quiet stream sends a blank line when the builder sets nothing: 5 seconds. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  /** How long an upload waits for its push when the builder sets nothing: 15 minutes. */
  public static final Duration DEFAULT_UPLOAD_TTL = Duration.ofMinutes(15);
  /** Threads of the executor a server makes when none is given. */
  public static final int DEFAULT_THREADS = 32;
  /** How many uploads may wait for their push at once. */
  public static final int MAX_PENDING_UPLOADS = 32;

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final int BACKLOG = 128;

  private final String name;
  private final Controller controller;
  private final InetAddress bindAddress;
  private final int requestedPort;
  private final byte[] tokenHash;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Clock clock;
  private final SystemClock ownedClock;
  private final ArchiveLimits limits;
  private final Path givenTempDir;
  private final Supplier<? extends Map<String, ?>> info;
  private final Duration heartbeat;
  private final Duration uploadTtl;
  /** The generic services to serve, or null; resolved from the cloud at start when not given. */
  private GenericServices genericServices;
  private final CloudContext context;
  private final OpenStreams follows = new OpenStreams();
  private final dev.paaskit.api.spi.CartridgeCatalog cartridges;

  private HttpServer server;
  private Uploads uploads;
  private Path ownedTempDir;
  private int port;

  private ApiServer(Builder b, InetAddress bindAddress, Controller controller,
      CloudContext context) {
    this.name = b.name == null ? "api" : b.name;
    this.controller = controller;
    this.context = context;
    this.bindAddress = bindAddress;
    this.requestedPort = b.port == null ? 0 : b.port;
    this.tokenHash = sha256(b.token.reveal());
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_THREADS, DEFAULT_THREADS, 30,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-%d").build());
      pool.allowCoreThreadTimeOut(true);
      this.executor = pool;
      this.ownedExecutor = pool;
    }
    if (b.clock != null) {
      this.clock = b.clock;
      this.ownedClock = null;
    } else if (context != null) {
      this.clock = context.clock();
      this.ownedClock = null;
    } else {
      this.ownedClock = SystemClock.create(name);
      this.clock = ownedClock;
    }
    this.limits = b.uploadLimits == null ? ArchiveLimits.defaults() : b.uploadLimits;
    this.givenTempDir = b.tempDir;
    this.info = b.info == null ? Map::of : b.info;
    this.heartbeat = b.heartbeat == null ? DEFAULT_HEARTBEAT : b.heartbeat;
    this.uploadTtl = b.uploadTtl == null ? DEFAULT_UPLOAD_TTL : b.uploadTtl;
    this.genericServices = b.genericServices;
    this.cartridges = b.cartridges;
  }

  /**
   * A builder; also the factory of the server as a role of a cloud.
   *
   * @return a new builder with no option set
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /** {@link Phase#API}: opens once the cloud behind it runs, closes first. */
  @Override
  public Phase phase() {
    return Phase.API;
  }

  /**
   * Binds and starts serving; returns once the port accepts connections. Called by
   * {@link #start()}.
   *
   * @throws IOException if the address cannot be bound or the temp folder not made; the server
   *     is then FAILED and has released what it made
   */
  @Override
  protected synchronized void startUp() throws IOException {
    JdkHttpServers.warnIfNagle(LOG, "API server " + name);
    if (genericServices == null && context != null) {
      genericServices = context.role(GenericServices.class).orElse(null);
    }
    Map<String, Object> infoNow = Builder.checkedInfo(info.get());
    Path dir;
    if (givenTempDir != null) {
      dir = Files.createDirectories(givenTempDir);
    } else {
      ownedTempDir = Files.createTempDirectory("paaskit-" + name + "-");
      dir = ownedTempDir;
    }
    uploads = new Uploads(dir, clock, uploadTtl, MAX_PENDING_UPLOADS);
    Routes routes = new Endpoints(controller, infoNow, uploads, limits.maxTotalBytes(), executor,
        clock, heartbeat, follows).routes();
    if (genericServices != null) {
      new ServiceEndpoints(genericServices, dir, limits.maxTotalBytes()).addTo(routes);
    }
    if (cartridges != null) {
      CartridgeEndpoints.addTo(routes, cartridges, controller);
    }
    HttpServer created = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort),
        BACKLOG);
    created.createContext("/", exchange -> handle(exchange, routes));
    created.setExecutor(executor);
    created.start();
    server = created;
    port = created.getAddress().getPort();
    LOG.info("API server {} listening on {}:{}", name, bindAddress.getHostAddress(), port);
  }

  /**
   * The port the server listens on, the chosen one when the builder asked for any free port.
   *
   * @return the bound port, 1 to 65535
   * @throws IllegalStateException if the server is not running
   */
  public synchronized int port() {
    if (!isRunning()) {
      throw new IllegalStateException("API server " + name + " has no port: it is " + state());
    }
    return port;
  }

  /**
   * Ends the log streams, stops listening, drops requests in flight (a push in flight goes on in
   * the cloud), deletes waiting uploads, and releases what the builder made: executor, clock,
   * temp folder. Called by {@link #stop()}, also after a start that failed.
   */
  @Override
  protected synchronized void shutDown() {
    follows.closeAll();
    if (server != null) {
      server.stop(0);
      LOG.info("API server {} stopped", name);
    }
    release();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "ApiServer[" + name + ", " + state() + "]";
  }

  private void release() {
    if (uploads != null) {
      uploads.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (ownedClock != null) {
      ownedClock.close();
    }
    if (ownedTempDir != null) {
      Trees.deleteQuietly(ownedTempDir);
    }
  }

  private void handle(HttpExchange exchange, Routes routes) {
    String what = exchange.getRequestMethod() + " "
        + Routes.printable(exchange.getRequestURI().getRawPath());
    ApiRequest request = null;
    try {
      checkToken(exchange);
      List<String> segments = new ArrayList<>();
      for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
        if (!raw.isEmpty()) {
          segments.add(ApiRequest.decode(raw.replace("+", "%2B")));
        }
      }
      Routes.Match match = routes.match(exchange.getRequestMethod(), segments);
      request = new ApiRequest(exchange, match.params());
      match.handler().handle(request);
    } catch (Exception e) {
      answerError(exchange, e, what);
    } finally {
      if (request == null || !request.detached()) {
        exchange.close();
      }
    }
  }

  private void checkToken(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String prefix = "bearer ";
    if (header == null || header.length() < prefix.length()
        || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"paaskit\"");
      throw new HttpError(401, "unauthorized", null,
          "this API needs the admin token: send the header 'Authorization: Bearer <token>'");
    }
    byte[] given = sha256(header.substring(prefix.length()).trim());
    if (!MessageDigest.isEqual(tokenHash, given)) {
      exchange.getResponseHeaders().set("WWW-Authenticate",
          "Bearer realm=\"paaskit\", error=\"invalid_token\"");
      throw new HttpError(401, "unauthorized", null,
          "the bearer token is not this server's admin token");
    }
  }

  private static void answerError(HttpExchange exchange, Throwable t, String what) {
    if (exchange.getResponseCode() != -1) {
      LOG.debug("{} failed after its answer began; the connection is dropped", what, t);
      return;
    }
    Errors.Answer answer = Errors.answer(t, what);
    UploadBody.discardRest(exchange);
    if (t instanceof HttpError e && e.allow() != null) {
      exchange.getResponseHeaders().set("Allow", e.allow());
    }
    try {
      byte[] body = RestJson.write(new ErrorBody(answer.error()));
      exchange.getResponseHeaders().set("Content-Type", ApiRequest.JSON);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(answer.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: the error answer could not be sent", what, e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Options of an {@link ApiServer}. Each may be set once: a second call of a setter throws
   * {@link IllegalStateException} naming the option. {@link #build()} checks that a controller
   * and a token were given. As a {@link RoleFactory}, it makes the server of a cloud: the
   * cloud's controller, clock and generic services unless given (never the cloud's executor:
   * the server makes its own unless given one). Not thread-safe.
   */
  public static final class Builder implements RoleFactory {
    private String name;
    private Controller controller;
    private String bindAddress;
    private Integer port;
    private Secret token;
    private Executor executor;
    private ArchiveLimits uploadLimits;
    private Path tempDir;
    private Supplier<? extends Map<String, ?>> info;
    private Clock clock;
    private Duration heartbeat;
    private Duration uploadTtl;
    private GenericServices genericServices;
    private dev.paaskit.api.spi.CartridgeCatalog cartridges;

    private Builder() {}

    /**
     * The cartridges to list, add and remove under {@code /v1/cartridges}; without one those
     * routes do not exist.
     *
     * @param cartridges the cloud's cartridge catalog; not null
     * @return this builder
     */
    public Builder cartridges(dev.paaskit.api.spi.CartridgeCatalog cartridges) {
      once(this.cartridges, "cartridges");
      this.cartridges = Objects.requireNonNull(cartridges, "cartridges");
      return this;
    }

    /**
     * A name for logs, thread names, the temp folder and the role; default {@code api}.
     *
     * @param name not blank; unique among the roles of a cloud
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder name(String name) {
      once(this.name, "name");
      this.name = requireNonBlank(name, "name");
      return this;
    }

    /**
     * The controller the API serves; required unless the server is a role of a cloud.
     *
     * @param controller not null; the server neither starts nor stops it
     * @return this builder
     */
    public Builder controller(Controller controller) {
      once(this.controller, "controller");
      this.controller = Objects.requireNonNull(controller, "controller");
      return this;
    }

    /**
     * The address to listen on, an IP literal or a host name resolved by {@link #build()};
     * default {@value ApiServer#DEFAULT_BIND_ADDRESS}. The API is plain HTTP: listen on other
     * interfaces only behind TLS.
     *
     * @param bindAddress not blank, such as {@code 0.0.0.0} for every interface
     * @return this builder
     * @throws IllegalArgumentException if {@code bindAddress} is blank
     */
    public Builder bindAddress(String bindAddress) {
      once(this.bindAddress, "bindAddress");
      this.bindAddress = requireNonBlank(bindAddress, "bindAddress");
      return this;
    }

    /**
     * The port to listen on; default 0, any free port ({@link ApiServer#port()} says which).
     *
     * @param port from 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder port(int port) {
      once(this.port, "port");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The admin token every request must carry as a bearer token; required. The server keeps
     * only its SHA-256 and never logs it.
     *
     * @param token not blank
     * @return this builder
     * @throws IllegalArgumentException if the token is blank
     */
    public Builder token(Secret token) {
      once(this.token, "token");
      Objects.requireNonNull(token, "token");
      if (token.reveal().isBlank()) {
        throw new IllegalArgumentException("the admin token must not be blank");
      }
      this.token = token;
      return this;
    }

    /**
     * Runs request handling and the writes of log streams. A push or a stage holds a thread
     * while it streams; a followed log does not. The server does not shut a given executor
     * down. Default: the server's own pool of {@value ApiServer#DEFAULT_THREADS} daemon threads,
     * which queues requests beyond that and stops with the server.
     *
     * @param executor runs several tasks at once; not null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      once(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Bounds uploads: a body larger than {@code maxTotalBytes} is refused with 413 while it
     * arrives. Default {@link ArchiveLimits#defaults()}. The controller applies its own limits
     * when it unpacks.
     *
     * @param limits not null; only {@code maxTotalBytes} applies here
     * @return this builder
     */
    public Builder uploadLimits(ArchiveLimits limits) {
      once(this.uploadLimits, "uploadLimits");
      this.uploadLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Where uploads are written while they are received and wait for a push; created if
     * missing, and left in place on stop. Default: a new temporary folder deleted on stop.
     *
     * @param tempDir a folder only this server writes in; not null
     * @return this builder
     */
    public Builder tempDir(Path tempDir) {
      once(this.tempDir, "tempDir");
      this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
      return this;
    }

    /**
     * Extra fields of {@code GET /v1/info}, such as {@code version}, {@code domain} and
     * {@code router_port}; values must be JSON-able (strings, numbers, booleans, lists, maps).
     *
     * @param info the fields by name, copied; not null
     * @return this builder
     * @throws IllegalArgumentException if {@code info} cannot be written as JSON
     */
    public Builder info(Map<String, ?> info) {
      once(this.info, "info");
      Map<String, Object> copy = checkedInfo(info);
      this.info = () -> copy;
      return this;
    }

    /**
     * As {@link #info(Map)}, with fields known only once the cloud runs, such as the port a
     * router listening on any free port got: {@code info} is read when the server starts.
     *
     * @param info called once, when the server starts; what it returns must be JSON-able, or the
     *     start fails with {@link IllegalArgumentException}
     * @return this builder
     */
    public Builder info(Supplier<? extends Map<String, ?>> info) {
      once(this.info, "info");
      this.info = Objects.requireNonNull(info, "info");
      return this;
    }

    static Map<String, Object> checkedInfo(Map<String, ?> info) {
      Map<String, Object> copy = new LinkedHashMap<>(Objects.requireNonNull(info, "info"));
      try {
        RestJson.write(copy);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("info cannot be written as JSON: " + e.getMessage(), e);
      }
      return copy;
    }

    /**
     * Times heartbeats, upload expiry and how long the deployments of recent pushes and scales
     * are kept for their clients (the waits themselves run on the controller's clock). Default:
     * the cloud's clock for a role of a cloud, else the system clock with its own timer thread,
     * stopped with the server.
     *
     * @param clock not null; the server does not close it
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How often a quiet stream (followed logs, staging output) sends a blank line, keeping the
     * connection open and noticing a client that left; default 5 s.
     *
     * @param heartbeat positive
     * @return this builder
     * @throws IllegalArgumentException if {@code heartbeat} is 0 or negative
     */
    public Builder heartbeat(Duration heartbeat) {
      once(this.heartbeat, "heartbeat");
      this.heartbeat = positive(heartbeat, "heartbeat");
      return this;
    }

    /**
     * How long an upload waits for its push before it is deleted; default 15 minutes.
     *
     * @param ttl positive
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is 0 or negative
     */
    public Builder uploadTtl(Duration ttl) {
      once(this.uploadTtl, "uploadTtl");
      this.uploadTtl = positive(ttl, "uploadTtl");
      return this;
    }

    /**
     * Serves {@code /v1/services} from {@code services}; without it those routes are 404, unless
     * the server is a role of a cloud that runs {@link GenericServices}, which it then serves.
     *
     * @param services not null
     * @return this builder
     */
    public Builder genericServices(GenericServices services) {
      once(this.genericServices, "genericServices");
      this.genericServices = Objects.requireNonNull(services, "services");
      return this;
    }

    /**
     * A server that is not started yet, on its own: start and stop it yourself.
     *
     * @return the server, NEW
     * @throws IllegalStateException if the controller or the token is missing
     * @throws IllegalArgumentException if the bind address cannot be resolved
     */
    public ApiServer build() {
      if (controller == null) {
        throw new IllegalStateException("an ApiServer needs a controller");
      }
      return make(controller, null);
    }

    /**
     * The server of the cloud {@code context} belongs to, serving its controller.
     *
     * @throws IllegalStateException if the token is missing, or no controller was given and the
     *     cloud runs no control plane
     * @throws IllegalArgumentException if the bind address cannot be resolved
     */
    @Override
    public ApiServer create(CloudContext context) {
      Controller served = controller != null ? controller : context.controller().orElseThrow(
          () -> new IllegalStateException("an ApiServer needs a controller, and cloud "
              + context.cloudName() + " runs no control plane"));
      return make(served, context);
    }

    private ApiServer make(Controller served, CloudContext context) {
      if (token == null) {
        throw new IllegalStateException("an ApiServer needs the admin token");
      }
      String address = bindAddress == null ? DEFAULT_BIND_ADDRESS : bindAddress;
      try {
        return new ApiServer(this, InetAddress.getByName(address), served, context);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bindAddress cannot be resolved: " + address, e);
      }
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " is already set");
      }
    }

    private static String requireNonBlank(String value, String option) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }

    private static Duration positive(Duration d, String option) {
      Objects.requireNonNull(d, option);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive: " + d);
      }
      return d;
    }
  }
}
