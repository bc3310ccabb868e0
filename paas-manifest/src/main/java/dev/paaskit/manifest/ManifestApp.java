package dev.paaskit.manifest;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.Secret;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One app as a manifest describes it, before PaaSKit's own rules apply: an empty part was not
 * given. Top-level (global) Cloud Foundry attributes are already folded in, and {@code ((vars))}
 * already replaced. Immutable and thread-safe; its {@code toString} never shows a
 * {@link #secretEnv()} value.
 *
 * <p>Turn it into an {@link AppSpec} with {@link #toSpecBuilder()}. The parts an
 * {@code AppSpec} has no place for are left to the caller that pushes: {@link #path()}
 * (relative to the manifest's folder), {@link #services()} to bind, {@link #randomRoute()} and
 * {@link #ignores()} (files not to upload).
 *
 * @param name the app's name, a DNS label as {@link AppSpec#checkName} requires (the readers
 *     check it); empty when the manifest gives none (a command-line name applies)
 * @param path the folder or archive to push, as written in the manifest ({@code path:}, or
 *     Stackato's {@code app-dir:})
 * @param instances how many instances to run, 0 to {@link AppSpec#MAX_INSTANCES}
 * @param memory from {@code memory:} (Stackato's {@code mem:}); positive, a bare number is
 *     megabytes, and K, M, G and T (with or without B) count in 1024s
 * @param disk from {@code disk_quota} (or {@code disk-quota}, or Stackato's {@code disk}), read
 *     as {@code memory} is
 * @param command the start command as written; for a {@code stackato.yml},
 *     {@code processes: web:} when given, else {@code command:}
 * @param buildpacks stripped, in manifest order: {@code buildpacks}, the deprecated
 *     {@code buildpack} (where {@code default} or {@code null} gives an empty list), or
 *     Stackato's {@code buildpack}
 * @param cartridge the PaaSKit cartridge the last buildpack (or, with no buildpack, Stackato's
 *     {@code framework}) maps to: {@code python_buildpack} is {@code python}; a buildpack with no
 *     PaaSKit match keeps its name, for staging to report; empty for {@code default} or when
 *     neither is given (staging detects one)
 * @param env plain environment variables in manifest order; values are the text as written (a
 *     number stays its text). A name a process cannot read is kept, with a warning; {@code
 *     AppSpec}'s {@code build()} refuses it
 * @param secretEnv PaaSKit's {@code secret-env:} extension: variables whose values are never
 *     printed (not by this record, not in warnings or errors); no name is in both maps
 * @param services names of service instances to bind, without duplicates, in manifest order
 *     (global ones first)
 * @param routes host names, lower case and without duplicates, from {@code routes[].route}, the
 *     deprecated {@code host}/{@code domain} forms, or Stackato's {@code url}; a route's path
 *     part is dropped and a TCP route ({@code host:port}) left out, each with a warning
 * @param noRoute {@code no-route: true}, or a {@code stackato.yml}'s {@code processes: web: ~};
 *     {@link #toSpecBuilder()} ignores it when {@link #routes()} is not empty
 * @param randomRoute {@code random-route: true}: the pushing client picks a host name
 * @param healthCheckType from {@code health-check-type}; the legacy {@code none} is
 *     {@link HealthCheck.Type#PROCESS}, as is a {@code stackato.yml}'s {@code processes: web: ~}
 * @param healthCheckHttpEndpoint from {@code health-check-http-endpoint}: a path starting with
 *     {@code /}
 * @param timeout how long an instance may take to become healthy ({@code timeout:}, in
 *     seconds); positive, and the readers accept at most a day
 * @param processes Cloud Foundry {@code processes:} entries, in manifest order, one per type
 * @param ignores Stackato {@code ignores:} (also in a Cloud Foundry manifest's {@code stackato:}
 *     section): patterns of files not to upload, as written
 * @param hooks Stackato {@code hooks:} (also in a Cloud Foundry manifest's {@code stackato:}
 *     section); {@link Hooks#none()} when not given
 * @param placement Cloud Foundry's {@code stack:} and PaaSKit's {@code placement:} block;
 *     {@link PlacementConstraints#none()} when neither is given
 * @param labels Cloud Foundry's {@code metadata: labels:}, in manifest order; values are the
 *     text as written (a {@code true} stays its text). The reader checks each as {@link
 *     AppSpec#checkLabel} does, naming its line; the spec's {@code build()} checks them again.
 */
public record ManifestApp(Optional<String> name, Optional<String> path, Optional<Integer> instances,
    Optional<ByteSize> memory, Optional<ByteSize> disk, Optional<String> command,
    List<String> buildpacks, Optional<String> cartridge, Map<String, String> env,
    Map<String, Secret> secretEnv, List<String> services, List<String> routes, boolean noRoute,
    boolean randomRoute, Optional<HealthCheck.Type> healthCheckType,
    Optional<String> healthCheckHttpEndpoint, Optional<Duration> timeout,
    List<ManifestProcess> processes, List<String> ignores, Hooks hooks,
    PlacementConstraints placement, Map<String, String> labels) {

  /**
   * Checks the ranges and copies the collections, keeping the order of the maps. What the
   * readers check beyond this (the name a DNS label, routes host names, labels and env names
   * usable) is not checked here: {@code AppSpec}'s {@code build()} checks it.
   *
   * @param name not null
   * @param path not null
   * @param instances not null; when present, 0 to {@link AppSpec#MAX_INSTANCES}
   * @param memory not null
   * @param disk not null
   * @param command not null
   * @param buildpacks copied
   * @param cartridge not null
   * @param env copied in order
   * @param secretEnv copied in order; no key of {@code env}
   * @param services copied
   * @param routes copied; not checked here
   * @param noRoute as given, even with routes
   * @param randomRoute as given
   * @param healthCheckType not null
   * @param healthCheckHttpEndpoint not null; when present, starts with {@code /}
   * @param timeout not null; when present, positive
   * @param processes copied; no two of one type
   * @param ignores copied
   * @param hooks not null
   * @param placement null for {@link PlacementConstraints#none()}
   * @param labels copied in order; not checked here
   * @throws IllegalArgumentException when a value is out of range, a variable is both plain and
   *     secret, or two processes share a type; the message shows the value or the key
   * @throws NullPointerException when a part other than {@code placement} is null (use
   *     {@code Optional.empty()} or an empty collection), or a collection holds a null element,
   *     key or value
   */
  public ManifestApp {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    checkInstances(Objects.requireNonNull(instances, "instances"));
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(command, "command");
    buildpacks = List.copyOf(buildpacks);
    Objects.requireNonNull(cartridge, "cartridge");
    env = orderedCopy(env);
    secretEnv = orderedCopy(secretEnv);
    for (String key : secretEnv.keySet()) {
      if (env.containsKey(key)) {
        throw new IllegalArgumentException("'" + key + "' is both a plain and a secret variable");
      }
    }
    services = List.copyOf(services);
    routes = List.copyOf(routes);
    Objects.requireNonNull(healthCheckType, "healthCheckType");
    checkEndpoint(Objects.requireNonNull(healthCheckHttpEndpoint, "healthCheckHttpEndpoint"));
    checkTimeout(Objects.requireNonNull(timeout, "timeout"));
    processes = List.copyOf(processes);
    Set<String> types = new HashSet<>();
    for (ManifestProcess process : processes) {
      if (!types.add(process.type())) {
        throw new IllegalArgumentException("two processes of type '" + process.type() + "'");
      }
    }
    ignores = List.copyOf(ignores);
    Objects.requireNonNull(hooks, "hooks");
    placement = placement == null ? PlacementConstraints.none() : placement;
    labels = orderedCopy(labels);
  }

  /**
   * The process whose type is exactly {@code web} (lower case), which fills what the app leaves
   * out.
   *
   * @return that entry of {@link #processes()}, or empty when there is none
   */
  public Optional<ManifestProcess> webProcess() {
    return processes.stream().filter(ManifestProcess::isWeb).findFirst();
  }

  /**
   * A builder filled from this app, ready for command-line flags to override.
   *
   * <p>What the app does not give itself comes from its {@code web} process (command,
   * instances, memory, disk and the health check), and what neither gives keeps the
   * {@link AppSpec.Builder} default. The health check is set when a type, endpoint or timeout is
   * given; the others then default to {@code port}, {@code /} and
   * {@link HealthCheck#DEFAULT_START_TIMEOUT}. Without a {@link #name()} the builder has no name:
   * set one (for example the pushed folder's) before {@code build()}, which otherwise throws
   * naming the field {@code name}.
   *
   * <p>{@link #noRoute()} is set only when the app gives no routes: given with routes, the
   * routes win (an {@code AppSpec} cannot have both). {@link #buildpacks()} count only through
   * {@link #cartridge()}; processes other than {@code web} are not used.
   *
   * <p>Command-line flags override the manifest by being applied afterwards: a setter of one
   * value (such as {@code instances} or {@code memory}) and the setters {@code routes} and
   * {@code labels} replace what the manifest set; {@code env}, {@code secretEnv} and
   * {@code label} add to it, replacing only an entry of the same key, and {@code route} adds a
   * host to the manifest's routes:
   *
   * <pre>{@code
   * AppSpec spec = app.toSpecBuilder().instances(flagInstances).memory(flagMemory).build();
   * }</pre>
   *
   * <p>Nothing is validated here that {@code build()} checks: an env name that a process cannot
   * use (the parser warned about it) fails there, naming the field {@code env}.
   *
   * @return a new builder on each call, so that changing one leaves this app as it is
   */
  public AppSpec.Builder toSpecBuilder() {
    AppSpec.Builder builder = AppSpec.builder(name.orElse(null));
    Optional<ManifestProcess> web = webProcess();
    instances.or(() -> web.flatMap(ManifestProcess::instances)).ifPresent(builder::instances);
    memory.or(() -> web.flatMap(ManifestProcess::memory)).ifPresent(builder::memory);
    disk.or(() -> web.flatMap(ManifestProcess::disk)).ifPresent(builder::disk);
    command.or(() -> web.flatMap(ManifestProcess::command)).ifPresent(builder::command);
    builder.env(env);
    secretEnv.forEach(builder::secretEnv);
    builder.routes(routes);
    builder.hooks(hooks);
    builder.placement(placement);
    builder.labels(labels);
    builder.noRoute(noRoute && routes.isEmpty());
    Optional<HealthCheck.Type> type =
        healthCheckType.or(() -> web.flatMap(ManifestProcess::healthCheckType));
    Optional<String> endpoint =
        healthCheckHttpEndpoint.or(() -> web.flatMap(ManifestProcess::healthCheckHttpEndpoint));
    Optional<Duration> startTimeout = timeout.or(() -> web.flatMap(ManifestProcess::timeout));
    if (type.isPresent() || endpoint.isPresent() || startTimeout.isPresent()) {
      builder.healthCheck(new HealthCheck(type.orElse(HealthCheck.Type.PORT),
          endpoint.orElse("/"), startTimeout.orElse(HealthCheck.DEFAULT_START_TIMEOUT)));
    }
    cartridge.ifPresent(builder::cartridge);
    return builder;
  }

  static void checkInstances(Optional<Integer> instances) {
    instances.ifPresent(n -> {
      if (n < 0 || n > AppSpec.MAX_INSTANCES) {
        throw new IllegalArgumentException(
            "instances must be between 0 and " + AppSpec.MAX_INSTANCES + ": " + n);
      }
    });
  }

  static void checkEndpoint(Optional<String> endpoint) {
    endpoint.ifPresent(e -> {
      if (!e.startsWith("/")) {
        throw new IllegalArgumentException("a health check endpoint starts with /: " + e);
      }
    });
  }

  static void checkTimeout(Optional<Duration> timeout) {
    timeout.ifPresent(t -> {
      if (t.isNegative() || t.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + t);
      }
    });
  }

  private static <V> Map<String, V> orderedCopy(Map<String, V> map) {
    Map<String, V> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"),
        Objects.requireNonNull(v, () -> "value of " + k)));
    return Collections.unmodifiableMap(copy);
  }
}
