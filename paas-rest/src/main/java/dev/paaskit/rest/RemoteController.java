package dev.paaskit.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.App;
import dev.paaskit.api.AppPackage;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.rest.Dto.AppJson;
import dev.paaskit.rest.Dto.DropletJson;
import dev.paaskit.rest.Dto.ErrorJson;
import dev.paaskit.rest.Dto.EventJson;
import dev.paaskit.rest.Dto.InstanceJson;
import dev.paaskit.rest.Dto.LogJson;
import dev.paaskit.rest.Dto.NodeJson;
import dev.paaskit.rest.Dto.PackageJson;
import dev.paaskit.rest.Dto.PushJson;
import dev.paaskit.rest.Dto.RolloutJson;
import dev.paaskit.rest.Dto.ScaleJson;
import dev.paaskit.rest.Dto.UploadJson;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Controller} in another process, reached through its {@link ApiServer} over HTTP. Code
 * written against {@code Controller} behaves the same with either: the same exception types
 * ({@link dev.paaskit.api.InvalidSpecException} naming the field,
 * {@link dev.paaskit.api.InvalidArchiveException} naming the entry,
 * {@link NotFoundException}, {@link dev.paaskit.api.ConflictException},
 * {@link dev.paaskit.api.StagingException} with its output), thrown at the same moments (at the
 * call, or through the returned future), and staging lines arriving as they are written.
 *
 * <pre>{@code
 * try (RemoteController cloud = RemoteController.create("http://127.0.0.1:8443",
 *     Secret.of(System.getenv("PAASKIT_TOKEN")))) {
 *   cloud.push(AppSpec.builder("hello").build(), Path.of("hello"), System.out::println)
 *       .running(Duration.ofMinutes(2)).join();
 * }
 * }</pre>
 *
 * <p>Besides: failures to reach the server are {@link UncheckedIOException} (an
 * {@link IOException} from {@link #upload}), and refusals outside the domain (a wrong token, a
 * server of another version) are {@link ApiException}.
 *
 * <p><b>Secrets.</b> The server never sends secret values back: in the specs of apps read from
 * it, each secret value is a placeholder. Sending such a spec back ({@link #update},
 * {@link #push}) keeps the values the server has, so {@code get(name).spec().toBuilder()} is
 * safe to change and send; {@link #env(String, boolean)} shows the values.
 *
 * <p><b>Waits.</b> The {@link Deployment} of a push or scale waits on the server, in one
 * streamed request per {@link Deployment#running(Duration) running(timeout)}: the server follows
 * the very change this client made, its timeout runs on the server's clock, and it fails with
 * the same {@link dev.paaskit.api.DeploymentFailedException}, crash output masked as in
 * {@link #instances}. A timeout may be at most one day.
 *
 * <p><b>Bits.</b> {@link #upload} and {@link #push} send a folder as a tar.gz packed while it is
 * sent, and an archive file as it is, both streamed.
 *
 * <p>Thread-safe. {@link #close()} ends the log streams and releases the HTTP resources and
 * threads this client made (not an injected {@link OkHttpClient} or executor).
 */
public final class RemoteController implements Controller, AutoCloseable {
  /** How long connecting may take when the builder sets nothing: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long the server may stay silent in an answer when the builder sets nothing: 60 s. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(RemoteController.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  /** Stands for a secret value the server did not send; recognised by identity. */
  private static final Secret PLACEHOLDER = Secret.of(Dto.REDACTED_TEXT);
  private static final Duration FOLLOW_CLOSE_WAIT = Duration.ofSeconds(5);

  private final HttpUrl base;
  private final String authorization;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ThreadFactory followThreads;
  private final Set<Follow<?>> follows = ConcurrentHashMap.newKeySet();
  /** The requests of deployments' waits under way, cancelled by {@link #close()}. */
  private final Set<Call> waits = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private RemoteController(Builder b) {
    this.base = b.base;
    this.authorization = "Bearer " + b.token.reveal();
    OkHttpClient.Builder http = b.client == null
        ? new OkHttpClient.Builder() : b.client.newBuilder();
    if (b.client == null || b.connectTimeout != null) {
      http.connectTimeout(b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout);
    }
    if (b.client == null || b.readTimeout != null) {
      Duration read = b.readTimeout == null ? DEFAULT_READ_TIMEOUT : b.readTimeout;
      http.readTimeout(read).writeTimeout(read);
    }
    this.client = http.build();
    this.ownsClient = b.client == null;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newCachedThreadPool(new ThreadFactoryBuilder()
          .setDaemon(true).setNameFormat("paaskit-remote-%d").build());
      this.executor = ownedExecutor;
    }
    this.followThreads = new ThreadFactoryBuilder().setDaemon(true)
        .setNameFormat("paaskit-remote-follow-%d").build();
  }

  /**
   * A client of the API at {@code baseUrl}, such as {@code http://127.0.0.1:8443}, with default
   * timeouts, its own HTTP client and its own threads. Connects nothing yet.
   *
   * @param baseUrl the server's URL, without {@code /v1}
   * @param token the server's admin token, sent with every request
   * @return an open client; close it to release its threads
   * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
   */
  public static RemoteController create(String baseUrl, Secret token) {
    return builder(baseUrl, token).build();
  }

  /**
   * A builder of a client of the API at {@code baseUrl}, for timeouts, a shared HTTP client or
   * an executor.
   *
   * @param baseUrl the server's URL, without {@code /v1}
   * @param token the server's admin token, sent with every request
   * @return a new builder
   * @throws IllegalArgumentException if {@code baseUrl} is not an http or https URL
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(String baseUrl, Secret token) {
    return new Builder(baseUrl, token);
  }

  // ---- apps

  @Override
  public App create(AppSpec spec) {
    return app(call(post(url("apps"), Dto.outgoing(spec, PLACEHOLDER))));
  }

  @Override
  public App update(AppSpec spec) {
    return app(call(request(url("apps", spec.name())).put(json(Dto.outgoing(spec, PLACEHOLDER)))));
  }

  @Override
  public void delete(String name) {
    call(request(url("apps", name)).delete());
  }

  @Override
  public Optional<App> find(String name) {
    try {
      return Optional.of(get(name));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public App get(String name) {
    return app(call(request(url("apps", name)).get()));
  }

  @Override
  public List<App> apps() {
    return list(call(request(url("apps")).get()), "apps", AppJson.class,
        j -> Dto.app(j, PLACEHOLDER));
  }

  @Override
  public App start(String name) {
    return app(call(post(url("apps", name, "start"), Map.of())));
  }

  @Override
  public App stop(String name) {
    return app(call(post(url("apps", name, "stop"), Map.of())));
  }

  @Override
  public App restart(String name) {
    return app(call(post(url("apps", name, "restart"), Map.of())));
  }

  /**
   * Scales the app on the server; the handle waits on the server for the instances to run.
   */
  @Override
  public Deployment scale(String name, int instances) {
    Answer answer = send(post(url("apps", name, "scale"), new ScaleJson(instances)));
    return new RemoteDeployment(name, CompletableFuture.completedFuture(new Change(
        app(answer.json()), answer.headers().get(Endpoints.DEPLOYMENT_HEADER))));
  }

  /** A handle on the app's current generation, as the server reads it at each call. */
  @Override
  public Deployment deployment(String name) {
    return new RemoteDeployment(name, CompletableFuture.completedFuture(
        new Change(get(name), null)));
  }

  // ---- bits and staging

  /**
   * Sends {@code bits} (a folder, or a zip, tar or tar.gz file) as the app's next package.
   *
   * @throws dev.paaskit.api.InvalidArchiveException naming the entry, or naming the server's
   *     size limit when the upload is too large
   * @throws IOException when the server cannot be reached or the upload breaks off
   */
  @Override
  public AppPackage upload(String name, Path bits) throws IOException {
    RequestBody body = ArchiveBody.of(bits);
    JsonNode answer;
    try {
      answer = execute(request(url("apps", name, "package")).put(body).build());
    } catch (IOException e) {
      ArchiveBody.throwIfRefused(body);
      throw e;
    }
    return Dto.pkg(RestJson.convert(answer, PackageJson.class));
  }

  /**
   * Stages the app's package on the server, calling {@code log} on a thread of this client with
   * each staging line as the server streams it. An unknown app is thrown here; everything after
   * the server began staging completes the future.
   */
  @Override
  public CompletableFuture<Droplet> stage(String name, Consumer<String> log) {
    Objects.requireNonNull(log, "log");
    Response response = open(post(url("apps", name, "stage"), Map.of()).build());
    try {
      return CompletableFuture.supplyAsync(
          () -> readStaging(response, log, "droplet", j -> Dto.droplet(
              RestJson.convert(j.get("droplet"), DropletJson.class))), executor);
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
  }

  /**
   * Uploads {@code bits} and pushes them with {@code spec}: the server stores nothing unless
   * staging succeeds. Staging lines reach {@code log} as they are written, on a thread of this
   * client. The app's name is checked here; every other failure completes
   * {@link Deployment#staged()}.
   */
  @Override
  public Deployment push(AppSpec spec, Path bits, Consumer<String> log) {
    AppSpec.checkName(spec.name());
    Objects.requireNonNull(bits, "bits");
    Objects.requireNonNull(log, "log");
    Dto.SpecJson json = Dto.outgoing(spec, PLACEHOLDER);
    return new RemoteDeployment(spec.name(), CompletableFuture.supplyAsync(() -> {
      String upload = uploadForPush(bits);
      Response response = open(post(url("apps", spec.name(), "push"),
          new PushJson(json, upload)).build());
      return readStaging(response, log, "app", j -> new Change(
          Dto.app(RestJson.convert(j.get("app"), AppJson.class), PLACEHOLDER),
          j.hasNonNull("deployment") ? j.get("deployment").asText() : null));
    }, executor));
  }

  private String uploadForPush(Path bits) {
    RequestBody body = ArchiveBody.of(bits);
    try {
      JsonNode answer = execute(request(url("uploads")).post(body).build());
      return RestJson.convert(answer, UploadJson.class).id();
    } catch (IOException e) {
      ArchiveBody.throwIfRefused(body);
      throw new CompletionException(e);
    }
  }

  /**
   * Reads a stream of the server: {@code log} lines, then one line holding {@code outcome}, which
   * {@code parse} reads whole, or an error, thrown.
   */
  private <T> T readStaging(Response response, Consumer<String> log, String outcome,
      Function<JsonNode, T> parse) {
    try (response) {
      BufferedSource source = response.body().source();
      for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = RestJson.readAnswer(line.getBytes(StandardCharsets.UTF_8));
        if (node.hasNonNull("log")) {
          log.accept(node.get("log").asText());
        } else if (node.hasNonNull(outcome)) {
          return parse.apply(node);
        } else if (node.hasNonNull("error")) {
          throw Errors.exception(500, RestJson.convert(node.get("error"), ErrorJson.class));
        }
      }
      throw new CompletionException(new IOException(
          "the server's staging stream ended before its outcome"));
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  // ---- queries

  @Override
  public List<InstanceStatus> instances(String name) {
    return list(call(request(url("apps", name, "instances")).get()), "instances",
        InstanceJson.class, Dto::instance);
  }

  @Override
  public List<LogEntry> logs(String name, int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative: " + lines);
    }
    HttpUrl url = url("apps", name, "logs").newBuilder()
        .addQueryParameter("lines", Integer.toString(lines)).build();
    return list(call(request(url).get()), "logs", LogJson.class, Dto::log);
  }

  /**
   * Streams the app's output from the server, calling {@code listener} on a thread this client
   * starts for the stream, one line at a time, until the handle is closed (which stops that
   * thread) or the server ends the stream. An unknown app is thrown here.
   */
  @Override
  public AutoCloseable followLogs(String name, Consumer<LogEntry> listener) {
    HttpUrl url = url("apps", name, "logs").newBuilder()
        .addQueryParameter("follow", "true").build();
    return follow(name, url, node -> node.has("text") ? Dto.log(
        RestJson.convert(node, LogJson.class)) : null, listener);
  }

  @Override
  public List<Event> events(String name) {
    return list(call(request(url("apps", name, "events")).get()), "events", EventJson.class,
        Dto::event);
  }

  /**
   * Streams the app's events from the server as they happen, like {@link #followLogs}. Needs a
   * server whose controller can follow events.
   */
  public AutoCloseable followEvents(String name, Consumer<Event> listener) {
    HttpUrl url = url("apps", name, "events").newBuilder()
        .addQueryParameter("follow", "true").build();
    return follow(name, url, node -> node.has("type") ? Dto.event(
        RestJson.convert(node, EventJson.class)) : null, listener);
  }

  @Override
  public List<NodeStatus> nodes() {
    return list(call(request(url("nodes")).get()), "nodes", NodeJson.class, Dto::node);
  }

  @Override
  public void drain(String nodeId) {
    call(post(url("nodes", nodeId, "drain"), Map.of()));
  }

  @Override
  public void resume(String nodeId) {
    call(post(url("nodes", nodeId, "resume"), Map.of()));
  }

  /**
   * {@code GET /v1/info}: the API version, the upload limit, and what the server adds.
   *
   * @return the fields by name, such as {@code api_version} and {@code max_upload_bytes}, as
   *     JSON reads them (numbers, strings, lists, maps)
   * @throws ApiException when the server refuses the request, as for a wrong token
   * @throws UncheckedIOException when the server cannot be reached
   */
  public Map<String, Object> info() {
    @SuppressWarnings("unchecked")
    Map<String, Object> info = RestJson.convert(call(request(url("info")).get()), Map.class);
    return info;
  }

  /**
   * The app's environment as its spec sets it: {@code GET /v1/apps/{name}/env}.
   *
   * @param name the app's name
   * @param showSecrets whether the server sends the secret values, or {@code ******} for each
   * @return the plain and the secret variables
   * @throws NotFoundException if there is no such app
   */
  public Env env(String name, boolean showSecrets) {
    HttpUrl url = url("apps", name, "env").newBuilder()
        .addQueryParameter("show_secrets", Boolean.toString(showSecrets)).build();
    Dto.EnvJson json = RestJson.convert(call(request(url).get()), Dto.EnvJson.class);
    return new Env(json.env(), json.secretEnv());
  }

  /**
   * An app's environment variables.
   *
   * @param env the plain variables
   * @param secretEnv the secret variables: their values, or {@code ******} when not shown
   */
  public record Env(Map<String, String> env, Map<String, String> secretEnv) {
    /**
     * Copies the maps; a null map is read as empty.
     *
     * @param env copied, its order not kept; null for none
     * @param secretEnv copied, its order not kept; null for none
     * @throws NullPointerException if a map holds a null key or value
     */
    public Env {
      env = Map.copyOf(env == null ? Map.of() : env);
      secretEnv = Map.copyOf(secretEnv == null ? Map.of() : secretEnv);
    }
  }

  /**
   * Ends every log stream and every deployment's wait (which fails), then releases what this
   * client made. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    new ArrayList<>(follows).forEach(Follow::close);
    new ArrayList<>(waits).forEach(Call::cancel);
    if (ownsClient) {
      client.dispatcher().cancelAll();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "RemoteController[" + base + "]";
  }

  // ---- following

  private <T> AutoCloseable follow(String name, HttpUrl url, Function<JsonNode, T> parse,
      Consumer<T> listener) {
    Objects.requireNonNull(listener, "listener");
    Call call = client.newCall(request(url).get().build());
    Response response = open(call);
    Follow<T> follow = new Follow<>(name, call, response, parse, listener);
    follows.add(follow);
    if (closed) {
      follow.close();
      throw new IllegalStateException("this RemoteController is closed");
    }
    follow.thread.start();
    return follow;
  }

  /** One followed stream: its call, and the thread that reads it. */
  private final class Follow<T> implements AutoCloseable {
    private final String name;
    private final Call call;
    private final Response response;
    private final Function<JsonNode, T> parse;
    private final Consumer<T> listener;
    private final Thread thread;

    Follow(String name, Call call, Response response, Function<JsonNode, T> parse,
        Consumer<T> listener) {
      this.name = name;
      this.call = call;
      this.response = response;
      this.parse = parse;
      this.listener = listener;
      this.thread = followThreads.newThread(this::read);
    }

    private void read() {
      try (response) {
        BufferedSource source = response.body().source();
        for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
          if (line.isBlank()) {
            continue;
          }
          T item = parse.apply(RestJson.readAnswer(line.getBytes(StandardCharsets.UTF_8)));
          if (item != null) {
            listener.accept(item);
          } else {
            LOG.warn("stream of {}: {}", name, line);
          }
        }
        LOG.warn("the server ended the stream of {}", name);
      } catch (IOException e) {
        if (!call.isCanceled()) {
          LOG.warn("the stream of {} broke off", name, e);
        }
      } catch (RuntimeException e) {
        LOG.error("the stream of {} stopped: its listener or a line failed", name, e);
      } finally {
        follows.remove(this);
      }
    }

    /** Cancels the call and waits a few seconds for the reading thread to end. */
    @Override
    public void close() {
      call.cancel();
      follows.remove(this);
      if (Thread.currentThread() == thread || !thread.isAlive()) {
        return;
      }
      try {
        thread.join(FOLLOW_CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- deployments

  /**
   * A change this client made: the app as it left it, and the id the server gave its deployment
   * (null when it named none, as for {@link #deployment}).
   */
  private record Change(App app, String deployment) {}

  /** A {@link Deployment} whose waits run on the server. */
  private final class RemoteDeployment implements Deployment {
    private final String name;
    private final CompletableFuture<Change> change;
    private final CompletableFuture<App> staged;

    RemoteDeployment(String name, CompletableFuture<Change> change) {
      this.name = name;
      this.change = change;
      this.staged = change.thenApply(Change::app);
    }

    @Override
    public String appName() {
      return name;
    }

    @Override
    public CompletableFuture<App> staged() {
      return staged;
    }

    /**
     * Waits in one streamed request to the server, read on a thread of this client; cancelling
     * the future ends the request.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive or longer than a day
     */
    @Override
    public CompletableFuture<DeploymentStatus> running(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()
          || timeout.compareTo(Duration.ofMillis(Endpoints.MAX_WAIT_MS)) > 0) {
        throw new IllegalArgumentException("timeout must be positive and at most a day: "
            + timeout);
      }
      CompletableFuture<DeploymentStatus> running = new CompletableFuture<>();
      change.whenComplete((c, error) -> {
        if (error != null) {
          running.completeExceptionally(error instanceof CompletionException
              && error.getCause() != null ? error.getCause() : error);
          return;
        }
        HttpUrl url = rollout(c).addQueryParameter("wait", "true")
            .addQueryParameter("timeout_ms", Long.toString(timeout.toMillis())).build();
        Call call = client.newCall(request(url).get().build());
        waits.add(call);
        running.whenComplete((status, e) -> {
          waits.remove(call);
          if (running.isCancelled()) {
            call.cancel();
          }
        });
        if (closed) {
          call.cancel();
        }
        try {
          executor.execute(() -> waitFor(call, running));
        } catch (RejectedExecutionException e) {
          running.completeExceptionally(new IllegalStateException(
              "this RemoteController is closed", e));
        }
      });
      return running;
    }

    private void waitFor(Call call, CompletableFuture<DeploymentStatus> running) {
      try {
        Response response = open(call);
        running.complete(readStaging(response, line -> { }, "rollout",
            j -> Dto.rollout(RestJson.convert(j.get("rollout"), RolloutJson.class))));
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        running.completeExceptionally(cause instanceof IOException io ? unreachable(io) : cause);
      } catch (RuntimeException e) {
        running.completeExceptionally(e);
      }
    }

    /** Asks the server, on the calling thread. */
    @Override
    public Optional<DeploymentStatus> status() {
      if (!change.isDone() || change.isCompletedExceptionally()) {
        return Optional.empty();
      }
      JsonNode answer = call(request(rollout(change.join()).build()).get());
      return Optional.of(Dto.rollout(RestJson.convert(answer.get("rollout"),
          RolloutJson.class)));
    }

    private HttpUrl.Builder rollout(Change c) {
      HttpUrl.Builder url = url("apps", name, "rollout").newBuilder();
      if (c.app().generation() > 0) {
        url.addQueryParameter("generation", Long.toString(c.app().generation()));
      }
      if (c.deployment() != null) {
        url.addQueryParameter("deployment", c.deployment());
      }
      return url;
    }

    @Override
    public String toString() {
      return "Deployment[" + name + " at " + base + "]";
    }
  }

  // ---- HTTP

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = base.newBuilder().addPathSegment("v1");
    for (String s : segments) {
      b.addPathSegment(Objects.requireNonNull(s, "name"));
    }
    return b.build();
  }

  private Request.Builder request(HttpUrl url) {
    return new Request.Builder().url(url).header("Authorization", authorization)
        .header("Accept", "application/json");
  }

  private Request.Builder post(HttpUrl url, Object body) {
    return request(url).post(json(body));
  }

  private static RequestBody json(Object body) {
    return RequestBody.create(RestJson.write(body), JSON);
  }

  private JsonNode call(Request.Builder request) {
    return send(request).json();
  }

  /** A successful answer: its JSON, or null for none, and its headers. */
  private record Answer(JsonNode json, okhttp3.Headers headers) {}

  private Answer send(Request.Builder request) {
    try {
      return exchange(request.build());
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** Runs {@code request}; the answer's JSON, or null for none. */
  private JsonNode execute(Request request) throws IOException {
    return exchange(request).json();
  }

  private Answer exchange(Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      byte[] bytes = body == null ? new byte[0] : body.bytes();
      if (!response.isSuccessful()) {
        throw error(response.code(), bytes);
      }
      return new Answer(bytes.length == 0 ? null : RestJson.readAnswer(bytes), response.headers());
    }
  }

  /** Starts {@code request} and returns the answer once its status is known to be 2xx. */
  private Response open(Request request) {
    return open(client.newCall(request));
  }

  private Response open(Call call) {
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (!response.isSuccessful()) {
      try (response) {
        throw error(response.code(), response.body() == null ? new byte[0]
            : response.body().bytes());
      } catch (IOException e) {
        throw unreachable(e);
      }
    }
    return response;
  }

  private static RuntimeException error(int status, byte[] body) {
    try {
      JsonNode node = RestJson.readAnswer(body);
      if (node != null && node.hasNonNull("error")) {
        return Errors.exception(status, RestJson.convert(node.get("error"), ErrorJson.class));
      }
    } catch (IOException | IllegalArgumentException e) {
      // Not the API's JSON: a proxy's page, say. Answered below with the text itself.
    }
    String text = new String(body, StandardCharsets.UTF_8);
    return new ApiException(status, "http_" + status,
        text.length() > 300 ? text.substring(0, 300) + "..." : text);
  }

  private UncheckedIOException unreachable(IOException e) {
    String why = e instanceof InterruptedIOException ? "timed out" : "failed";
    return new UncheckedIOException("the PaaSKit API at " + base + " " + why + ": "
        + e.getMessage(), e);
  }

  private static App app(JsonNode node) {
    return Dto.app(RestJson.convert(node, AppJson.class), PLACEHOLDER);
  }

  private static <J, T> List<T> list(JsonNode node, String field, Class<J> type,
      Function<J, T> convert) {
    List<T> out = new ArrayList<>();
    for (JsonNode item : node.path(field)) {
      out.add(convert.apply(RestJson.convert(item, type)));
    }
    return out;
  }

  /**
   * Options of a {@link RemoteController}; each may be set once, a second call throwing
   * {@link IllegalStateException} naming the option. Not thread-safe.
   */
  public static final class Builder {
    private final HttpUrl base;
    private final Secret token;
    private Duration connectTimeout;
    private Duration readTimeout;
    private OkHttpClient client;
    private Executor executor;

    private Builder(String baseUrl, Secret token) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      this.base = HttpUrl.parse(baseUrl);
      if (base == null) {
        throw new IllegalArgumentException("not an http or https URL: " + baseUrl);
      }
      this.token = Objects.requireNonNull(token, "token");
    }

    /**
     * How long connecting may take; default 5 s, and with a shared {@link #client} that
     * client's own unless set here.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is 0 or negative
     */
    public Builder connectTimeout(Duration timeout) {
      once(connectTimeout, "connectTimeout");
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long the server may stay silent in an answer, and sending a body may stall; default
     * 60 s, and with a shared {@link #client} that client's own unless set here. Streams stay
     * open past it: the server sends a heartbeat every few seconds.
     *
     * @param timeout positive; longer than the server's heartbeat
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is 0 or negative
     */
    public Builder readTimeout(Duration timeout) {
      once(readTimeout, "readTimeout");
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * The client to share connection pool, dispatcher, TLS and proxy settings with; the timeouts
     * set here apply on top. {@link RemoteController#close()} leaves it open. Default: a client
     * of its own.
     *
     * @param client not null
     * @return this builder
     */
    public Builder client(OkHttpClient client) {
      once(this.client, "client");
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Runs the pushes, stagings and deployments' waits (one thread each while it waits), and
     * calls their {@code log} consumers. Default: a cached pool
     * of daemon threads, shut down by {@link RemoteController#close()}.
     *
     * @param executor runs several tasks at once; not null, and not shut down by the client
     * @return this builder
     */
    public Builder executor(Executor executor) {
      once(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Makes the client; connects nothing yet.
     *
     * @return an open client; close it to release what it made
     */
    public RemoteController build() {
      return new RemoteController(this);
    }

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " is already set");
      }
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
