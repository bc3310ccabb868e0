package dev.paaskit.rest;

import dev.paaskit.core.internal.util.Redactor;
import dev.paaskit.api.App;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.rest.Dto.CurrentDropletJson;
import dev.paaskit.rest.Dto.ErrorBody;
import dev.paaskit.rest.Dto.LogJson;
import dev.paaskit.rest.Dto.PushJson;
import dev.paaskit.rest.Dto.ScaleJson;
import dev.paaskit.rest.Dto.SpecJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What each route does: reads the request, calls the controller, answers. Failures are thrown
 * and turned into error answers by the server. See {@link ApiServer} for the list of routes.
 */
final class Endpoints {
  /** The most lines {@code GET /v1/apps/{name}/logs?lines=N} returns per request. */
  static final int MAX_LOG_LINES = 100_000;
  static final int DEFAULT_LOG_LINES = 100;
  /** The longest {@code timeout_ms} a wait for a rollout may ask for: one day. */
  static final int MAX_WAIT_MS = 86_400_000;
  /** The header of a scale's answer naming its deployment, for {@code /rollout?deployment=}. */
  static final String DEPLOYMENT_HEADER = "PaasKit-Deployment";

  private final Controller controller;
  private final Map<String, Object> info;
  private final Uploads uploads;
  private final long maxUploadBytes;
  private final Executor executor;
  private final Clock clock;
  private final Duration heartbeat;
  private final OpenStreams follows;
  private final RecentDeployments recent;

  Endpoints(Controller controller, Map<String, Object> info, Uploads uploads,
      long maxUploadBytes, Executor executor, Clock clock, Duration heartbeat,
      OpenStreams follows) {
    this.controller = controller;
    this.info = info;
    this.uploads = uploads;
    this.maxUploadBytes = maxUploadBytes;
    this.executor = executor;
    this.clock = clock;
    this.heartbeat = heartbeat;
    this.follows = follows;
    this.recent = new RecentDeployments(clock);
  }

  Routes routes() {
    return new Routes()
        .add("GET", "/v1/info", this::info)
        .add("GET", "/v1/apps", r -> r.respond(200, Map.of("apps",
            controller.apps().stream().map(Dto::app).toList())))
        .add("POST", "/v1/apps", this::create)
        .add("GET", "/v1/apps/{name}",
            r -> r.respond(200, Dto.app(controller.get(r.param("name")))))
        .add("PUT", "/v1/apps/{name}", this::update)
        .add("DELETE", "/v1/apps/{name}", r -> {
          controller.delete(r.param("name"));
          r.respond(204, null);
        })
        .add("POST", "/v1/apps/{name}/start",
            r -> r.respond(200, Dto.app(controller.start(r.param("name")))))
        .add("POST", "/v1/apps/{name}/stop",
            r -> r.respond(200, Dto.app(controller.stop(r.param("name")))))
        .add("POST", "/v1/apps/{name}/restart",
            r -> r.respond(200, Dto.app(controller.restart(r.param("name")))))
        .add("POST", "/v1/apps/{name}/scale", this::scale)
        .add("PUT", "/v1/apps/{name}/package", this::uploadPackage)
        .add("POST", "/v1/apps/{name}/stage", this::stage)
        .add("POST", "/v1/apps/{name}/push", this::push)
        .add("GET", "/v1/apps/{name}/droplet", this::droplet)
        .add("GET", "/v1/apps/{name}/instances", this::instances)
        .add("GET", "/v1/apps/{name}/rollout", this::rollout)
        .add("GET", "/v1/apps/{name}/routes",
            r -> r.respond(200, Map.of("routes", controller.get(r.param("name")).urls())))
        .add("GET", "/v1/apps/{name}/events", this::events)
        .add("GET", "/v1/apps/{name}/env", r -> r.respond(200,
            Dto.env(controller.get(r.param("name")).spec(), r.flag("show_secrets"))))
        .add("GET", "/v1/apps/{name}/logs", this::logs)
        .add("POST", "/v1/uploads", this::upload)
        .add("GET", "/v1/nodes", r -> r.respond(200, Map.of("nodes",
            controller.nodes().stream().map(Dto::node).toList())))
        .add("POST", "/v1/nodes/{name}/drain", r -> {
          controller.drain(r.param("name"));
          r.respond(204, null);
        })
        .add("POST", "/v1/nodes/{name}/resume", r -> {
          controller.resume(r.param("name"));
          r.respond(204, null);
        });
  }

  private void info(ApiRequest r) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>(info);
    body.put("api_version", "v1");
    body.put("max_upload_bytes", maxUploadBytes);
    r.respond(200, body);
  }

  private void create(ApiRequest r) throws IOException {
    AppSpec spec = Dto.incoming(r.json(SpecJson.class), null, Map.of());
    App app = controller.create(spec);
    r.exchange().getResponseHeaders().set("Location", "/v1/apps/" + app.name());
    r.respond(201, Dto.app(app));
  }

  private void update(ApiRequest r) throws IOException {
    String name = r.param("name");
    SpecJson json = r.json(SpecJson.class);
    AppSpec spec = Dto.incoming(json, name, controller.get(name).spec().secretEnv());
    r.respond(200, Dto.app(controller.update(spec)));
  }

  private void scale(ApiRequest r) throws IOException {
    ScaleJson json = r.json(ScaleJson.class);
    if (json.instances() == null) {
      throw HttpError.badRequest("instances", "field 'instances' is required");
    }
    Deployment scaled = controller.scale(r.param("name"), json.instances());
    App app = scaled.staged().join();
    r.exchange().getResponseHeaders().set(DEPLOYMENT_HEADER, recent.keep(scaled));
    r.respond(200, Dto.app(app));
  }

  private void uploadPackage(ApiRequest r) throws IOException {
    String name = r.param("name");
    controller.get(name);
    Path file = UploadBody.receive(r, uploads.dir(), maxUploadBytes, "maxTotalBytes");
    try {
      r.respond(201, Dto.pkg(controller.upload(name, file)));
    } finally {
      Uploads.delete(file);
    }
  }

  private void upload(ApiRequest r) throws IOException {
    Path file = UploadBody.receive(r, uploads.dir(), maxUploadBytes, "maxTotalBytes");
    r.respond(201, uploads.keep(file));
  }

  private void push(ApiRequest r) throws IOException {
    String name = r.param("name");
    PushJson json = r.json(PushJson.class);
    if (json.spec() == null) {
      throw HttpError.badRequest("spec", "field 'spec' is required");
    }
    if (json.upload() == null) {
      throw HttpError.badRequest("upload",
          "field 'upload' is required: the id POST /v1/uploads answered");
    }
    Map<String, Secret> current = controller.find(name).map(a -> a.spec().secretEnv())
        .orElse(Map.of());
    AppSpec spec = Dto.incoming(json.spec(), name, current);
    Path file = uploads.take(json.upload());
    String[] deployment = new String[1];
    StagingStream.run(r, heartbeat, log -> {
      Deployment pushed;
      try {
        pushed = controller.push(spec, file, log);
      } catch (RuntimeException e) {
        Uploads.delete(file);
        throw e;
      }
      deployment[0] = recent.keep(pushed);
      pushed.staged().whenComplete((app, error) -> Uploads.delete(file));
      return pushed.staged();
    }, app -> {
      Map<String, Object> outcome = new LinkedHashMap<>();
      outcome.put("app", Dto.app(app));
      outcome.put("deployment", deployment[0]);
      return outcome;
    });
  }

  /**
   * Where the rollout of the app's generation stands: the deployment of a push or scale this
   * server answered ({@code ?deployment=}), or of the app as it is; {@code ?generation=} names the
   * generation the client expects. With {@code ?wait=true}, a stream that waits (at most
   * {@code timeout_ms}, on the server's clock) and ends with {@code {"rollout": ...}} once the
   * generation runs or {@code {"error": ...}} once it will not.
   */
  private void rollout(ApiRequest r) throws IOException {
    String name = r.param("name");
    App app = controller.get(name);
    Redactor redactor = Redactor.of(app.spec());
    long generation = r.longQuery("generation", -1, 0, Long.MAX_VALUE);
    boolean wait = r.flag("wait");
    Duration timeout = Duration.ofMillis(r.intQuery("timeout_ms",
        (int) Deployment.DEFAULT_TIMEOUT.toMillis(), 1, MAX_WAIT_MS));
    String id = r.query("deployment");
    Deployment deployment = (id == null ? Optional.<Deployment>empty() : recent.get(id, name))
        .orElseGet(() -> controller.deployment(name));
    DeploymentStatus now = deployment.status().orElseThrow(() -> new ConflictException(
        "the push of '" + name + "' is not stored yet"));
    DeploymentFailedException moved = null;
    if (generation >= 0 && generation != now.generation()) {
      if (generation > now.generation()) {
        throw new ConflictException("app '" + name + "' is at generation " + now.generation()
            + ", not " + generation);
      }
      DeploymentStatus then = regroup(now, generation);
      moved = DeploymentFailedException.ended(DeploymentFailedException.Reason.SUPERSEDED, then,
          "generation " + now.generation() + " replaced it");
      now = then;
    }
    if (!wait) {
      r.respond(200, Map.of("rollout", Dto.rollout(now, redactor)));
      return;
    }
    CompletableFuture<DeploymentStatus> running = moved != null
        ? CompletableFuture.failedFuture(moved) : deployment.running(timeout);
    String what = "GET " + r.exchange().getRequestURI();
    FollowStream<Void> stream = new FollowStream<>(name, r.exchange(), executor, clock,
        heartbeat, v -> Map.of(), n -> Map.of("dropped", n), follows::remove);
    running.whenComplete((status, error) -> stream.finish(error == null
        ? Map.of("rollout", Dto.rollout(status, redactor))
        : new ErrorBody(Errors.answer(error, what, redactor).error())));
    follow(r, stream, () -> running.cancel(false));
  }

  /** {@code status}, its instances sorted anew as those of {@code generation} and the others. */
  private static DeploymentStatus regroup(DeploymentStatus status, long generation) {
    List<InstanceStatus> mine = new ArrayList<>();
    List<InstanceStatus> others = new ArrayList<>();
    for (List<InstanceStatus> list : List.of(status.current(), status.others())) {
      for (InstanceStatus i : list) {
        (i.generation() == generation ? mine : others).add(i);
      }
    }
    return new DeploymentStatus(status.appName(), generation, status.wanted(), mine, others);
  }

  private void stage(ApiRequest r) throws IOException {
    String name = r.param("name");
    StagingStream.run(r, heartbeat, log -> controller.stage(name, log),
        droplet -> Map.of("droplet", Dto.droplet(droplet)));
  }

  private void droplet(ApiRequest r) throws IOException {
    App app = controller.get(r.param("name"));
    String sha = app.dropletSha256().orElseThrow(
        () -> new NotFoundException("droplet of app", app.name()));
    r.respond(200, new CurrentDropletJson(sha, app.packageSha256().orElse(null),
        app.packageState().name()));
  }

  private void instances(ApiRequest r) throws IOException {
    String name = r.param("name");
    Redactor redactor = Redactor.of(controller.get(name).spec());
    r.respond(200, Map.of("instances", controller.instances(name).stream()
        .map(i -> Dto.instance(i, redactor)).toList()));
  }

  private void events(ApiRequest r) throws IOException {
    String name = r.param("name");
    Redactor redactor = Redactor.of(controller.find(name).map(App::spec));
    if (r.flag("follow")) {
      // No existence check: a push follows the events of an app it is about to create.
      AppSpec.checkName(name);
      FollowStream<Event> stream = new FollowStream<>(name, r.exchange(), executor, clock,
          heartbeat, e -> Dto.event(e, redactor), n -> Map.of("dropped", n), follows::remove);
      follow(r, stream, followEvents(name, stream));
      return;
    }
    r.respond(200, Map.of("events", controller.events(name).stream()
        .map(e -> Dto.event(e, redactor)).toList()));
  }

  private void logs(ApiRequest r) throws IOException {
    String name = r.param("name");
    if (r.flag("follow")) {
      followLogs(r, name);
      return;
    }
    int lines = r.intQuery("lines", DEFAULT_LOG_LINES, 0, MAX_LOG_LINES);
    Redactor redactor = Redactor.of(controller.get(name).spec());
    List<Dto.LogJson> logs = controller.logs(name, lines).stream()
        .map(e -> Dto.log(e, redactor)).toList();
    r.respond(200, Map.of("logs", logs));
  }

  private void followLogs(ApiRequest r, String name) throws IOException {
    Redactor redactor = Redactor.of(controller.get(name).spec());
    FollowStream<LogEntry> stream = new FollowStream<>(name, r.exchange(), executor, clock,
        heartbeat, e -> Dto.log(e, redactor), n -> new LogJson(clock.now().toString(), name, -1,
            "API", n + " lines dropped: the client read too slowly"), follows::remove);
    follow(r, stream, controller.followLogs(name, stream));
  }

  private void follow(ApiRequest r, FollowStream<?> stream, AutoCloseable subscription)
      throws IOException {
    r.detach();
    follows.add(stream);
    stream.start(subscription, r);
  }

  /** Streams the app's events as they happen, until the client goes away. */
  private AutoCloseable followEvents(String name, Consumer<Event> listener) {
    return controller.followEvents(name, listener);
  }
}
