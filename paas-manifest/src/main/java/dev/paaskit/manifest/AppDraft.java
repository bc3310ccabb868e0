package dev.paaskit.manifest;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app while its manifest is read: what was given so far, with the lines that later checks
 * name. Readers fill it key by key; {@link #withDefaults} folds in top-level attributes and
 * {@link #finish} makes the {@link ManifestApp}. A null collection was not given. Mutable, one
 * parse only.
 */
final class AppDraft {
  /** A route as written, with where it was written. */
  record RouteText(String text, String path, int line) {
  }

  /** Where this app's keys live, such as {@code applications[2]}; empty for a stackato.yml. */
  final String path;
  Optional<String> name = Optional.empty();
  int nameLine;
  Optional<String> appPath = Optional.empty();
  Optional<Integer> instances = Optional.empty();
  Optional<ByteSize> memory = Optional.empty();
  Optional<ByteSize> disk = Optional.empty();
  Optional<String> command = Optional.empty();
  List<String> buildpacks;
  int buildpacksLine;
  Optional<String> framework = Optional.empty();
  final Map<String, String> env = new LinkedHashMap<>();
  final Map<String, Secret> secretEnv = new LinkedHashMap<>();
  final Map<String, Integer> secretEnvLines = new LinkedHashMap<>();
  final List<String> services = new ArrayList<>();
  List<RouteText> routes;
  int routesLine;
  final List<String> hosts = new ArrayList<>();
  final List<String> domains = new ArrayList<>();
  boolean noHostname;
  int legacyRouteLine;
  Optional<Boolean> noRoute = Optional.empty();
  Optional<Boolean> randomRoute = Optional.empty();
  Optional<HealthCheck.Type> healthCheckType = Optional.empty();
  Optional<String> healthCheckHttpEndpoint = Optional.empty();
  Optional<Duration> timeout = Optional.empty();
  List<ManifestProcess> processes;
  List<String> ignores;
  Hooks hooks;
  Optional<String> stack = Optional.empty();
  PlacementConstraints placement;
  final Map<String, String> labels = new LinkedHashMap<>();

  AppDraft(String path) {
    this.path = path;
  }

  /** Whether any key was given at all. */
  boolean isEmpty() {
    return name.isEmpty() && appPath.isEmpty() && instances.isEmpty() && memory.isEmpty()
        && disk.isEmpty() && command.isEmpty() && buildpacks == null && framework.isEmpty()
        && env.isEmpty() && secretEnv.isEmpty() && services.isEmpty() && routes == null
        && hosts.isEmpty() && domains.isEmpty() && !noHostname && noRoute.isEmpty()
        && randomRoute.isEmpty() && healthCheckType.isEmpty()
        && healthCheckHttpEndpoint.isEmpty() && timeout.isEmpty() && processes == null
        && ignores == null && hooks == null && stack.isEmpty() && placement == null
        && labels.isEmpty();
  }

  /**
   * Fills what this app leaves out from {@code global}, Cloud Foundry's legacy top-level
   * attributes: env and label maps are merged (this app's entries win), service lists joined,
   * anything else taken only where this app gives nothing.
   */
  AppDraft withDefaults(AppDraft global) {
    if (name.isEmpty()) {
      name = global.name;
      nameLine = global.nameLine;
    }
    appPath = appPath.or(() -> global.appPath);
    instances = instances.or(() -> global.instances);
    memory = memory.or(() -> global.memory);
    disk = disk.or(() -> global.disk);
    command = command.or(() -> global.command);
    if (buildpacks == null) {
      buildpacks = global.buildpacks;
      buildpacksLine = global.buildpacksLine;
    }
    framework = framework.or(() -> global.framework);
    Map<String, String> ownEnv = new LinkedHashMap<>(env);
    env.clear();
    env.putAll(global.env);
    env.putAll(ownEnv);
    global.secretEnv.forEach((k, v) -> {
      if (!secretEnv.containsKey(k)) {
        secretEnv.put(k, v);
        secretEnvLines.put(k, global.secretEnvLines.get(k));
      }
    });
    LinkedHashSet<String> allServices = new LinkedHashSet<>(global.services);
    allServices.addAll(services);
    services.clear();
    services.addAll(allServices);
    if (routes == null) {
      routes = global.routes;
      routesLine = global.routesLine;
    }
    if (hosts.isEmpty()) {
      hosts.addAll(global.hosts);
    }
    if (domains.isEmpty()) {
      domains.addAll(global.domains);
    }
    noHostname = noHostname || global.noHostname;
    if (legacyRouteLine == 0) {
      legacyRouteLine = global.legacyRouteLine;
    }
    noRoute = noRoute.or(() -> global.noRoute);
    randomRoute = randomRoute.or(() -> global.randomRoute);
    healthCheckType = healthCheckType.or(() -> global.healthCheckType);
    healthCheckHttpEndpoint = healthCheckHttpEndpoint.or(() -> global.healthCheckHttpEndpoint);
    timeout = timeout.or(() -> global.timeout);
    if (processes == null) {
      processes = global.processes;
    }
    if (ignores == null) {
      ignores = global.ignores;
    }
    if (hooks == null) {
      hooks = global.hooks;
    }
    stack = stack.or(() -> global.stack);
    if (placement == null) {
      placement = global.placement;
    }
    Map<String, String> ownLabels = new LinkedHashMap<>(labels);
    labels.clear();
    labels.putAll(global.labels);
    labels.putAll(ownLabels);
    return this;
  }

  /**
   * The finished app. Stackato's {@code ${name}} in service names and routes becomes the app's
   * name; routes become host names; the last buildpack picks the cartridge.
   *
   * @throws InvalidSpecException naming key and line when a route is not a host name, routes
   *     are given in both the current and the deprecated form, or a variable is both plain and
   *     secret
   */
  ManifestApp finish(Warnings warnings) {
    List<String> serviceNames = services.stream().map(this::substituteName).distinct().toList();
    for (Map.Entry<String, Integer> secret : secretEnvLines.entrySet()) {
      if (env.containsKey(secret.getKey())) {
        throw new InvalidSpecException(
            YamlDocuments.at(YamlDocuments.join(path, "secret-env." + secret.getKey()),
                secret.getValue()),
            secret.getKey(),
            "is also a plain env variable; give it in env or secret-env, not both");
      }
    }
    return new ManifestApp(name, appPath, instances, memory, disk, command,
        buildpacks == null ? List.of() : buildpacks, cartridge(warnings), env, secretEnv,
        serviceNames, hostNames(warnings), noRoute.orElse(false), randomRoute.orElse(false),
        healthCheckType, healthCheckHttpEndpoint, timeout,
        processes == null ? List.of() : processes, ignores == null ? List.of() : ignores,
        hooks == null ? Hooks.none() : hooks,
        (placement == null ? PlacementConstraints.none() : placement).withStack(stack.orElse("")),
        labels);
  }

  private Optional<String> cartridge(Warnings warnings) {
    if (buildpacks != null && !buildpacks.isEmpty()) {
      String last = buildpacks.get(buildpacks.size() - 1);
      if (buildpacks.size() > 1) {
        warnings.at(YamlDocuments.join(path, "buildpacks"), buildpacksLine, "PaaSKit stages "
            + "with one cartridge, picked by the last buildpack '" + last + "' (Cloud Foundry's "
            + "final buildpack); " + String.join(", ", buildpacks.subList(0, buildpacks.size() - 1))
            + " not used");
      }
      return Buildpacks.cartridge(last);
    }
    return framework.flatMap(Buildpacks::forFramework);
  }

  private List<String> hostNames(Warnings warnings) {
    LinkedHashSet<String> result = new LinkedHashSet<>();
    boolean legacy = !hosts.isEmpty() || !domains.isEmpty() || noHostname;
    if (routes != null && legacy) {
      throw new InvalidSpecException(YamlDocuments.at(YamlDocuments.join(path, "routes"),
          routesLine), "routes", "cannot be combined with the deprecated host, hosts, domain, "
          + "domains or no-hostname (line " + legacyRouteLine + "); use routes only");
    }
    if (routes != null) {
      for (RouteText route : routes) {
        Routes.host(substituteName(route.text()), route.path(), route.line(), warnings)
            .ifPresent(result::add);
      }
    }
    if (legacy) {
      String legacyPath = YamlDocuments.join(path, "host");
      warnings.at(legacyPath, legacyRouteLine, "host, hosts, domain, domains and no-hostname "
          + "are deprecated by Cloud Foundry; use routes: - route: host.domain");
      if (domains.isEmpty()) {
        warnings.at(legacyPath, legacyRouteLine, "a host without a domain makes no route; the "
            + "app keeps its default route");
      }
      List<String> labels = new ArrayList<>(hosts);
      if (labels.isEmpty() && !noHostname) {
        name.ifPresent(labels::add);
      }
      for (String domain : domains) {
        if (noHostname) {
          Routes.host(domain, legacyPath, legacyRouteLine, warnings).ifPresent(result::add);
        }
        for (String label : labels) {
          Routes.host(label + "." + domain, legacyPath, legacyRouteLine, warnings)
              .ifPresent(result::add);
        }
      }
    }
    return new ArrayList<>(result);
  }

  private String substituteName(String text) {
    return name.map(n -> text.replace("${name}", n)).orElse(text);
  }
}
