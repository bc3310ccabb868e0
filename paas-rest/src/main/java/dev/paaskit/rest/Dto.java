package dev.paaskit.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paaskit.api.App;
import dev.paaskit.api.AppPackage;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.api.PackageState;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.Secret;
import dev.paaskit.core.internal.util.Redactor;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON shapes of the REST API, one record per shape, and their conversions from and to the
 * API's records. Times are ISO-8601 strings, sizes of a spec are {@link ByteSize} texts such as
 * {@code 256M}, absent optionals are left out. Secret values leave the server only as
 * {@link #REDACTED_TEXT} unless the caller asked for them on {@code /env}.
 */
final class Dto {
  /** What a secret value looks like in every answer but {@code /env?show_secrets=true}. */
  static final String REDACTED_TEXT = Redactor.MASK;

  private Dto() {}

  record HealthCheckJson(String type, String endpoint, Long startTimeoutMs) {}

  /**
   * An app spec. On input every field but {@code name} may be left out for its default; a
   * {@code secret_env} value of {@code null} keeps the value the app already has. Answers show
   * {@code labels} always, sorted by key.
   */
  record SpecJson(String name, Integer instances, String memory, String disk, String command,
      Map<String, String> env, Map<String, String> secretEnv, List<String> routes,
      HealthCheckJson healthCheck, String cartridge, HooksJson hooks, Boolean noRoute,
      PlacementJson placement, Map<String, String> labels) {}

  /** Where instances may run; every field may be left out. Absent from answers when unset. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PlacementJson(String stack, Set<String> zones, Set<String> tags, Long cpuShares,
      Integer maxPerNode) {
    static PlacementJson of(PlacementConstraints p) {
      return p.isNone() ? null : new PlacementJson(p.stack(), p.zones(), p.tags(), p.cpuShares(),
          p.maxPerNode());
    }

    PlacementConstraints toConstraints() {
      return new PlacementConstraints(stack, zones, tags, cpuShares == null ? 0 : cpuShares,
          maxPerNode == null ? 0 : maxPerNode);
    }
  }

  /** Stackato hooks: shell commands per phase. */
  record HooksJson(List<String> preStaging, List<String> postStaging, List<String> preRunning) {
    static HooksJson of(Hooks h) {
      return new HooksJson(h.preStaging(), h.postStaging(), h.preRunning());
    }

    Hooks toHooks() {
      return new Hooks(orEmpty(preStaging, "pre_staging"), orEmpty(postStaging, "post_staging"),
          orEmpty(preRunning, "pre_running"));
    }

    private static List<String> orEmpty(List<String> commands, String field) {
      if (commands == null) {
        return List.of();
      }
      for (String c : commands) {
        if (c == null || c.isBlank()) {
          throw new InvalidSpecException("hooks." + field, String.valueOf(c), "a hook must be a command");
        }
      }
      return commands;
    }
  }

  /** An app; {@code generation} is absent from servers older than it. */
  record AppJson(String id, String name, SpecJson spec, String state, String packageState,
      String packageSha256, String dropletSha256, List<String> urls, long version,
      String createdAt, String updatedAt, Long generation) {}

  record PackageJson(String app, String sha256, long sizeBytes, String state, String failure,
      String uploadedAt) {}

  record DropletJson(String sha256, String packageSha256, String cartridge, String command,
      Map<String, String> env, long sizeBytes, String stagedAt, boolean cacheHit) {}

  /** What {@code GET /v1/apps/{name}/droplet} knows of the droplet an app runs. */
  record CurrentDropletJson(String sha256, String packageSha256, String packageState) {}

  /** A crash; {@code diskLimitExceeded} is absent (false) from servers older than it. */
  record CrashJson(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
      List<String> lastOutput, boolean diskLimitExceeded) {}

  /** What a running instance used when its node last sampled it ({@link InstanceUsage}). */
  record UsageJson(double cpuPercent, long memoryBytes, long memoryLimitBytes, long diskBytes,
      long diskQuotaBytes, String sampledAt) {}

  /**
   * An instance; {@code generation} is absent from servers older than it, {@code usage} from
   * those and whenever the instance has none.
   */
  record InstanceJson(String instanceId, String app, int index, String node,
      String dropletSha256, String state, String host, int port, String since, CrashJson crash,
      Long generation, UsageJson usage) {}

  /**
   * Where a generation of an app stands ({@link DeploymentStatus}); {@code running},
   * {@code complete} and {@code summary} are derived, for readers other than this client.
   */
  record RolloutJson(String app, long generation, int wanted, int running, boolean complete,
      String summary, List<InstanceJson> current, List<InstanceJson> others) {}

  /** What an error of code {@code deployment_failed} adds: {@link DeploymentFailedException}. */
  record DeploymentFailureJson(String reason, Integer index, InstanceJson instance,
      Map<String, Integer> rejections, RolloutJson rollout) {}

  record EventJson(String time, String type, String subject, String message,
      Map<String, String> attributes) {}

  record LogJson(String time, String app, int index, String source, String text) {}

  record CapacityJson(String memory, String disk, int maxInstances) {}

  record NodeJson(String id, String state, String zone, String stack, CapacityJson capacity,
      long memoryUsedBytes, long diskUsedBytes, int instances, String lastHeartbeat) {}

  record EnvJson(Map<String, String> env, Map<String, String> secretEnv) {}

  record ScaleJson(Integer instances) {}

  record PushJson(SpecJson spec, String upload) {}

  record UploadJson(String id, long sizeBytes, String expiresAt) {}

  /**
   * An error: its HTTP status (also inside a stream, whose own status was 200), a stable code, a
   * message for people, and the fields that apply to the code.
   */
  record ErrorJson(Integer status, String code, String message, String field, String value,
      String entry, String kind, String name, List<String> output,
      DeploymentFailureJson deployment) {
    static ErrorJson of(int status, String code, String message) {
      return new ErrorJson(status, code, message, null, null, null, null, null, null, null);
    }
  }

  record ErrorBody(ErrorJson error) {}

  // ---- specs

  /** The spec as answers show it: secret values as {@link #REDACTED_TEXT}. */
  static SpecJson redacted(AppSpec s) {
    Map<String, String> secrets = new TreeMap<>();
    s.secretEnv().keySet().forEach(k -> secrets.put(k, REDACTED_TEXT));
    return spec(s, secrets);
  }

  /**
   * The spec as the client sends it: secret values in full, except the placeholders an answer
   * gave ({@code placeholder}, compared by identity), sent as null to keep the stored value.
   */
  static SpecJson outgoing(AppSpec s, Secret placeholder) {
    Map<String, String> secrets = new TreeMap<>();
    s.secretEnv().forEach((k, v) -> secrets.put(k, v == placeholder ? null : v.reveal()));
    return spec(s, secrets);
  }

  private static SpecJson spec(AppSpec s, Map<String, String> secrets) {
    HealthCheck hc = s.healthCheck();
    return new SpecJson(s.name(), s.instances(), s.memory().toString(), s.disk().toString(),
        s.command().orElse(null), new TreeMap<>(s.env()), secrets, s.routes(),
        new HealthCheckJson(hc.type().name().toLowerCase(Locale.ROOT), hc.endpoint(),
            hc.startTimeout().toMillis()),
        s.cartridge().orElse(null), HooksJson.of(s.hooks()), s.noRoute(),
        PlacementJson.of(s.placement()), new TreeMap<>(s.labels()));
  }

  /**
   * The spec a request asks for.
   *
   * @param pathName the app named by the request's path, which the spec's name must match when
   *     given; null when the spec alone names the app
   * @param current the secrets the app has now, which a null secret value keeps
   * @throws InvalidSpecException naming the first field that cannot be used
   */
  static AppSpec incoming(SpecJson j, String pathName, Map<String, Secret> current) {
    String name = j.name() == null ? pathName : j.name();
    if (pathName != null && !pathName.equals(name)) {
      throw new InvalidSpecException("name", name,
          "does not match the app '" + pathName + "' named in the path");
    }
    AppSpec.Builder b = AppSpec.builder(name);
    if (j.instances() != null) {
      b.instances(j.instances());
    }
    if (j.memory() != null) {
      b.memory(j.memory());
    }
    if (j.disk() != null) {
      b.disk(j.disk());
    }
    b.command(j.command());
    if (j.env() != null) {
      j.env().forEach((k, v) -> {
        if (v == null) {
          throw new InvalidSpecException("env", k, "has no value");
        }
        b.env(k, v);
      });
    }
    if (j.secretEnv() != null) {
      j.secretEnv().forEach((k, v) -> {
        Secret secret = v != null ? Secret.of(v) : current.get(k);
        if (secret == null) {
          throw new InvalidSpecException("secret_env", k,
              "has no value, and the app has no such secret to keep");
        }
        b.secretEnv(k, secret);
      });
    }
    if (j.routes() != null) {
      b.routes(j.routes().stream().map(r -> {
        if (r == null) {
          throw new InvalidSpecException("routes", null, "not a host name");
        }
        return r;
      }).toList());
    }
    if (j.healthCheck() != null) {
      b.healthCheck(healthCheck(j.healthCheck()));
    }
    b.cartridge(j.cartridge());
    hooksAndRoute(j, b);
    return b.build();
  }

  /** Hooks, no-route, placement and labels, read alike from requests and answers. */
  private static void hooksAndRoute(SpecJson j, AppSpec.Builder b) {
    if (j.hooks() != null) {
      b.hooks(j.hooks().toHooks());
    }
    if (j.noRoute() != null) {
      b.noRoute(j.noRoute());
    }
    if (j.placement() != null) {
      b.placement(j.placement().toConstraints());
    }
    if (j.labels() != null) {
      b.labels(j.labels());
    }
  }

  private static HealthCheck healthCheck(HealthCheckJson j) {
    HealthCheck.Type type = HealthCheck.Type.PORT;
    if (j.type() != null) {
      try {
        type = HealthCheck.Type.valueOf(j.type().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException("health_check.type", j.type(),
            "must be port, process or http");
      }
    }
    Duration timeout = null;
    if (j.startTimeoutMs() != null) {
      if (j.startTimeoutMs() <= 0) {
        throw new InvalidSpecException("health_check.start_timeout_ms",
            String.valueOf(j.startTimeoutMs()), "must be positive");
      }
      timeout = Duration.ofMillis(j.startTimeoutMs());
    }
    return new HealthCheck(type, j.endpoint(), timeout);
  }

  /** The spec of an answer, secret values replaced by {@code placeholder}. */
  static AppSpec fromAnswer(SpecJson j, Secret placeholder) {
    AppSpec.Builder b = AppSpec.builder(j.name())
        .instances(j.instances() == null ? 1 : j.instances())
        .command(j.command())
        .cartridge(j.cartridge());
    if (j.memory() != null) {
      b.memory(j.memory());
    }
    if (j.disk() != null) {
      b.disk(j.disk());
    }
    if (j.env() != null) {
      b.env(j.env());
    }
    if (j.secretEnv() != null) {
      j.secretEnv().keySet().forEach(k -> b.secretEnv(k, placeholder));
    }
    if (j.routes() != null) {
      b.routes(j.routes());
    }
    if (j.healthCheck() != null) {
      b.healthCheck(healthCheck(j.healthCheck()));
    }
    hooksAndRoute(j, b);
    return b.build();
  }

  // ---- apps and packages

  static AppJson app(App a) {
    return new AppJson(a.id(), a.name(), redacted(a.spec()), a.state().name(),
        a.packageState().name(), a.packageSha256().orElse(null), a.dropletSha256().orElse(null),
        a.urls(), a.version(), text(a.createdAt()), text(a.updatedAt()), a.generation());
  }

  static App app(AppJson j, Secret placeholder) {
    return new App(j.id(), fromAnswer(j.spec(), placeholder), AppState.valueOf(j.state()),
        PackageState.valueOf(j.packageState()), Optional.ofNullable(j.packageSha256()),
        Optional.ofNullable(j.dropletSha256()), j.urls(), j.version(), instant(j.createdAt()),
        instant(j.updatedAt()), j.generation() == null ? 0 : j.generation());
  }

  static PackageJson pkg(AppPackage p) {
    return new PackageJson(p.appName(), p.sha256(), p.sizeBytes(), p.state().name(),
        p.failure().orElse(null), text(p.uploadedAt()));
  }

  static AppPackage pkg(PackageJson j) {
    return new AppPackage(j.app(), j.sha256(), j.sizeBytes(), PackageState.valueOf(j.state()),
        Optional.ofNullable(j.failure()), instant(j.uploadedAt()));
  }

  static DropletJson droplet(Droplet d) {
    return new DropletJson(d.sha256(), d.packageSha256(), d.cartridge(), d.command(),
        new TreeMap<>(d.env()), d.sizeBytes(), text(d.stagedAt()), d.cacheHit());
  }

  static Droplet droplet(DropletJson j) {
    return new Droplet(j.sha256(), j.packageSha256(), j.cartridge(), j.command(), j.env(),
        j.sizeBytes(), instant(j.stagedAt()), j.cacheHit());
  }

  // ---- instances, events, logs, nodes

  static InstanceJson instance(InstanceStatus s, Redactor redactor) {
    CrashJson crash = s.crash().map(c -> new CrashJson(c.exitCode(), c.signal(),
        c.memoryLimitExceeded(), redactor.redact(c.reason()),
        c.lastOutput().stream().map(redactor::redact).toList(), c.diskLimitExceeded()))
        .orElse(null);
    UsageJson usage = s.usage().map(u -> new UsageJson(u.cpuPercent(), u.memoryBytes(),
        u.memoryLimitBytes(), u.diskBytes(), u.diskQuotaBytes(), text(u.sampledAt())))
        .orElse(null);
    return new InstanceJson(s.instanceId(), s.appName(), s.index(), s.nodeId(), s.dropletSha256(),
        s.state().name(), s.host(), s.port(), text(s.since()), crash, s.generation(), usage);
  }

  static InstanceStatus instance(InstanceJson j) {
    Optional<CrashInfo> crash = Optional.ofNullable(j.crash()).map(c -> new CrashInfo(
        c.exitCode(), c.signal(), c.memoryLimitExceeded(), c.reason(), c.lastOutput(),
        c.diskLimitExceeded()));
    Optional<InstanceUsage> usage = Optional.ofNullable(j.usage()).map(u -> new InstanceUsage(
        u.cpuPercent(), u.memoryBytes(), u.memoryLimitBytes(), u.diskBytes(), u.diskQuotaBytes(),
        instant(u.sampledAt())));
    return new InstanceStatus(j.instanceId(), j.app(), j.index(), j.node(), j.dropletSha256(),
        InstanceState.valueOf(j.state()), j.host(), j.port(), instant(j.since()), crash,
        j.generation() == null ? 0 : j.generation(), usage);
  }

  // ---- rollouts and their failures

  static RolloutJson rollout(DeploymentStatus s, Redactor redactor) {
    return new RolloutJson(s.appName(), s.generation(), s.wanted(), s.running(), s.complete(),
        redactor.redact(s.describe()),
        s.current().stream().map(i -> instance(i, redactor)).toList(),
        s.others().stream().map(i -> instance(i, redactor)).toList());
  }

  static DeploymentStatus rollout(RolloutJson j) {
    return new DeploymentStatus(j.app(), j.generation(), j.wanted(),
        j.current() == null ? List.of() : j.current().stream().map(Dto::instance).toList(),
        j.others() == null ? List.of() : j.others().stream().map(Dto::instance).toList());
  }

  static DeploymentFailureJson failure(DeploymentFailedException e, Redactor redactor) {
    return new DeploymentFailureJson(e.reason().name(),
        e.index().isPresent() ? e.index().getAsInt() : null,
        e.instance().map(i -> instance(i, redactor)).orElse(null),
        e.rejections().isEmpty() ? null : new LinkedHashMap<>(e.rejections()),
        rollout(e.status(), redactor));
  }

  static DeploymentFailedException failure(String message, DeploymentFailureJson j) {
    return new DeploymentFailedException(DeploymentFailedException.Reason.valueOf(j.reason()),
        message, rollout(j.rollout()), Optional.ofNullable(j.instance()).map(Dto::instance),
        j.index() == null ? OptionalInt.empty() : OptionalInt.of(j.index()),
        j.rejections() == null ? Map.of() : j.rejections());
  }

  static EventJson event(Event e, Redactor redactor) {
    Map<String, String> attributes = new TreeMap<>();
    e.attributes().forEach((k, v) -> attributes.put(k, redactor.redact(v)));
    return new EventJson(text(e.time()), e.type().name(), e.subject(),
        redactor.redact(e.message()), attributes);
  }

  static Event event(EventJson j) {
    return new Event(instant(j.time()), EventType.valueOf(j.type()), j.subject(), j.message(),
        j.attributes());
  }

  static LogJson log(LogEntry e, Redactor redactor) {
    return new LogJson(text(e.time()), e.appName(), e.index(), e.source(),
        redactor.redact(e.text()));
  }

  static LogEntry log(LogJson j) {
    return new LogEntry(instant(j.time()), j.app(), j.index(), j.source(), j.text());
  }

  static NodeJson node(NodeStatus n) {
    NodeCapacity c = n.capacity();
    return new NodeJson(n.nodeId(), n.state().name(), n.zone(), n.stack(),
        new CapacityJson(c.memory().toString(), c.disk().toString(), c.maxInstances()),
        n.memoryUsedBytes(), n.diskUsedBytes(), n.instances(), text(n.lastHeartbeat()));
  }

  static NodeStatus node(NodeJson j) {
    CapacityJson c = j.capacity();
    return new NodeStatus(j.id(), NodeState.valueOf(j.state()), j.zone(), j.stack(),
        new NodeCapacity(ByteSize.parse("memory", c.memory()), ByteSize.parse("disk", c.disk()),
            c.maxInstances()),
        j.memoryUsedBytes(), j.diskUsedBytes(), j.instances(), instant(j.lastHeartbeat()));
  }

  /** The app's environment: plain values, and secret ones shown only when asked. */
  static EnvJson env(AppSpec s, boolean showSecrets) {
    Map<String, String> secrets = new TreeMap<>();
    s.secretEnv().forEach((k, v) -> secrets.put(k, showSecrets ? v.reveal() : REDACTED_TEXT));
    return new EnvJson(new TreeMap<>(s.env()), secrets);
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
