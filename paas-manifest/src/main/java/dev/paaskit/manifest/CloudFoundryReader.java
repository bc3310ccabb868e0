package dev.paaskit.manifest;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.PlacementConstraints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Cloud Foundry {@code manifest.yml} tree (vars already interpolated) into a
 * {@link Manifest}. One reader, one manifest.
 */
final class CloudFoundryReader {
  /**
   * Keys Cloud Foundry knows and PaaSKit does not act on, with why when it helps. An app's own
   * {@code metadata} is read (its labels); this entry covers a process's.
   */
  private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
      Map.entry("metadata", ""),
      Map.entry("sidecars", ""),
      Map.entry("lifecycle", "apps are staged with cartridges"),
      Map.entry("docker", "apps are staged with cartridges"),
      Map.entry("log-rate-limit-per-second", ""),
      Map.entry("default-route", ""),
      Map.entry("health-check-invocation-timeout", ""),
      Map.entry("health-check-interval", ""),
      Map.entry("readiness-health-check-type", "no readiness checks"),
      Map.entry("readiness-health-check-http-endpoint", "no readiness checks"),
      Map.entry("readiness-health-check-invocation-timeout", "no readiness checks"),
      Map.entry("readiness-health-check-interval", "no readiness checks"));

  private final String source;
  private final Warnings warnings = new Warnings();

  CloudFoundryReader(String source) {
    this.source = source;
  }

  Manifest read(YamlNode root) {
    if (root == null) {
      warnings.add(0, source + " is empty: it describes no apps");
      return new Manifest(source, List.of(), warnings.all());
    }
    if (!(root instanceof YamlNode.Mapping top)) {
      throw new InvalidSpecException(YamlDocuments.at(source, root.line()), root.excerpt(),
          "a manifest is a mapping with an applications: list");
    }
    AppDraft global = new AppDraft("");
    List<String> globalKeys = new ArrayList<>();
    int firstGlobalLine = 0;
    YamlNode.Entry applications = null;
    for (YamlNode.Entry e : top.entries()) {
      switch (e.key()) {
        case "applications" -> applications = e;
        case "version" -> {
          String version = Fields.text(e.value(), "version").map(String::strip).orElse("1");
          if (!version.equals("1")) {
            throw Fields.invalid("version", e.value(), "only manifest version 1 is supported");
          }
        }
        case "inherit" -> warnings.at("inherit", e.line(), "not supported (Cloud Foundry CLI "
            + "v7 dropped it): the keys of '" + Fields.text(e.value(), "inherit").orElse("")
            + "' are not applied; copy them into this manifest");
        default -> {
          if (appKey(global, e, "")) {
            firstGlobalLine = globalKeys.isEmpty() ? e.line() : firstGlobalLine;
            globalKeys.add(e.key() + " (line " + e.line() + ")");
          } else {
            warnings.unknownKey(e.key(), "", e.line());
          }
        }
      }
    }
    List<ManifestApp> apps = new ArrayList<>();
    if (applications != null) {
      if (!globalKeys.isEmpty()) {
        warnings.add(firstGlobalLine, "top-level keys " + String.join(", ", globalKeys)
            + " apply to every app, a form Cloud Foundry has deprecated; give them under each "
            + "app instead");
      }
      apps.addAll(applications(applications.value(), global));
    } else if (!global.isEmpty()) {
      apps.add(global.finish(warnings));
    }
    return new Manifest(source, apps, warnings.all());
  }

  private List<ManifestApp> applications(YamlNode value, AppDraft global) {
    if (Fields.isNull(value)) {
      return List.of();
    }
    if (!(value instanceof YamlNode.Sequence list)) {
      throw Fields.invalid("applications", value,
          "must be a list of apps, each starting with - name: ...");
    }
    List<ManifestApp> apps = new ArrayList<>();
    Map<String, Integer> nameLines = new HashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      String path = "applications[" + i + "]";
      YamlNode item = list.items().get(i);
      if (!(item instanceof YamlNode.Mapping mapping)) {
        throw Fields.invalid(path, item, "an app is a mapping of keys such as name: and memory:");
      }
      AppDraft draft = new AppDraft(path);
      for (YamlNode.Entry e : mapping.entries()) {
        if (!appKey(draft, e, path)) {
          warnings.unknownKey(e.key(), path, e.line());
        }
      }
      draft.withDefaults(global);
      if (draft.name.isPresent()) {
        Integer first = nameLines.putIfAbsent(draft.name.get(), draft.nameLine);
        if (first != null) {
          throw new InvalidSpecException(YamlDocuments.at(path + ".name", draft.nameLine),
              draft.name.get(), "another app has this name, on line " + first);
        }
      }
      apps.add(draft.finish(warnings));
    }
    return apps;
  }

  /** Reads one app key into {@code draft}; false when the key is unknown. */
  private boolean appKey(AppDraft draft, YamlNode.Entry e, String parent) {
    String path = YamlDocuments.join(parent, e.key());
    YamlNode value = e.value();
    switch (e.key()) {
      case "name" -> {
        draft.name = AppKeys.name(value, path);
        draft.nameLine = e.line();
      }
      case "path" -> draft.appPath = Fields.text(value, path);
      case "instances" -> draft.instances =
          Fields.wholeNumber(value, path, 0, AppSpec.MAX_INSTANCES);
      case "memory" -> draft.memory = Fields.size(value, path);
      case "disk_quota", "disk-quota" -> draft.disk = Fields.size(value, path);
      case "command" -> draft.command = Fields.text(value, path);
      case "buildpack" -> {
        requireOneBuildpackKey(draft, e, path);
        warnings.at(path, e.line(), "deprecated by Cloud Foundry; use buildpacks: [...]");
        draft.buildpacks = Fields.text(value, path).map(String::strip)
            .filter(b -> Buildpacks.cartridge(b).isPresent()).map(List::of).orElse(List.of());
        draft.buildpacksLine = e.line();
      }
      case "buildpacks" -> {
        requireOneBuildpackKey(draft, e, path);
        draft.buildpacks = Fields.textList(value, path, false).stream().map(String::strip)
            .toList();
        draft.buildpacksLine = e.line();
      }
      case "env" -> AppKeys.env(value, path, draft.env, warnings);
      case "secret-env" -> AppKeys.secretEnv(value, path, draft, warnings);
      case "services" -> AppKeys.services(value, path, draft.services, warnings);
      case "routes" -> {
        draft.routes = routes(value, path);
        draft.routesLine = e.line();
      }
      case "no-route" -> draft.noRoute = Fields.bool(value, path);
      case "random-route" -> draft.randomRoute = Fields.bool(value, path);
      case "host", "hosts" -> {
        draft.hosts.addAll(Fields.textList(value, path, true));
        legacyRoute(draft, e);
      }
      case "domain", "domains" -> {
        draft.domains.addAll(Fields.textList(value, path, true));
        legacyRoute(draft, e);
      }
      case "no-hostname" -> {
        draft.noHostname = Fields.bool(value, path).orElse(false);
        legacyRoute(draft, e);
      }
      case "health-check-type" ->
          draft.healthCheckType = AppKeys.healthCheckType(value, path, e.line(), warnings);
      case "health-check-http-endpoint" ->
          draft.healthCheckHttpEndpoint = AppKeys.endpoint(value, path);
      case "timeout" -> draft.timeout = Fields.seconds(value, path);
      case "processes" -> draft.processes = processes(value, path);
      case "stackato" -> stackatoSection(draft, value, path);
      case "stack" -> draft.stack = Fields.text(value, path).map(String::strip);
      case "placement" -> draft.placement = placement(value, path);
      case "metadata" -> AppKeys.metadata(value, path, draft.labels, warnings);
      default -> {
        String why = UNSUPPORTED.get(e.key());
        if (why == null) {
          return false;
        }
        warnings.unsupportedKey(e.key(), parent, e.line(), why);
      }
    }
    return true;
  }

  /**
   * PaaSKit's {@code placement:} block: {@code zones} and {@code tags} (a list, or one text),
   * {@code cpu-shares} and {@code max-per-node}. The stack is the app's own {@code stack:} key.
   */
  private static PlacementConstraints placement(YamlNode value, String path) {
    PlacementConstraints p = PlacementConstraints.none();
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      String keyPath = YamlDocuments.join(path, e.key());
      YamlNode v = e.value();
      try {
        p = switch (e.key()) {
          case "zones", "zone" -> p.withZones(Set.copyOf(Fields.textList(v, keyPath, true)));
          case "tags", "tag" -> p.withTags(Set.copyOf(Fields.textList(v, keyPath, true)));
          case "cpu-shares" -> p.withCpuShares(
              Fields.wholeNumber(v, keyPath, 0, 1 << 20).orElse(0));
          case "max-per-node" -> p.withMaxPerNode(
              Fields.wholeNumber(v, keyPath, 0, AppSpec.MAX_INSTANCES).orElse(0));
          default -> throw Fields.invalid(keyPath, v, "not a placement key; use zones, tags, "
              + "cpu-shares or max-per-node");
        };
      } catch (InvalidSpecException bad) {
        if (bad.field().startsWith(path)) {
          throw bad;
        }
        throw Fields.invalid(keyPath, v, bad.getMessage());
      }
    }
    return p;
  }

  private static void requireOneBuildpackKey(AppDraft draft, YamlNode.Entry e, String path) {
    if (draft.buildpacks != null) {
      throw Fields.invalid(path, e.value(), "give buildpacks or the deprecated buildpack, not "
          + "both (the other is on line " + draft.buildpacksLine + ")");
    }
  }

  private static void legacyRoute(AppDraft draft, YamlNode.Entry e) {
    if (draft.legacyRouteLine == 0) {
      draft.legacyRouteLine = e.line();
    }
  }

  private List<AppDraft.RouteText> routes(YamlNode value, String path) {
    if (Fields.isNull(value)) {
      return List.of();
    }
    if (!(value instanceof YamlNode.Sequence list)) {
      throw Fields.invalid(path, value, "must be a list such as - route: host.example.com");
    }
    List<AppDraft.RouteText> routes = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String itemPath = path + "[" + i + "]";
      YamlNode item = list.items().get(i);
      if (!(item instanceof YamlNode.Mapping mapping)) {
        throw Fields.invalid(itemPath, item,
            "a route is a mapping such as - route: host.example.com");
      }
      YamlNode.Entry route = mapping.get("route").orElseThrow(() ->
          Fields.invalid(itemPath, item, "a route needs route: host.domain"));
      String text = Fields.text(route.value(), itemPath + ".route").orElseThrow(() ->
          Fields.invalid(itemPath + ".route", route.value(), "needs a host name"));
      routes.add(new AppDraft.RouteText(text, itemPath + ".route", route.value().line()));
      for (YamlNode.Entry e : mapping.entries()) {
        switch (e.key()) {
          case "route" -> { }
          case "protocol" -> {
            String protocol = Fields.text(e.value(), itemPath + ".protocol").orElse("http1");
            if (!protocol.strip().toLowerCase(Locale.ROOT).equals("http1")) {
              warnings.at(itemPath + ".protocol", e.line(), "'" + protocol + "' is not "
                  + "supported by PaaSKit; the route serves HTTP/1.1");
            }
          }
          case "options" -> warnings.unsupportedKey(e.key(), itemPath, e.line(), "");
          default -> warnings.unknownKey(e.key(), itemPath, e.line());
        }
      }
    }
    return routes;
  }

  private List<ManifestProcess> processes(YamlNode value, String path) {
    if (Fields.isNull(value)) {
      return List.of();
    }
    if (!(value instanceof YamlNode.Sequence list)) {
      throw Fields.invalid(path, value, "must be a list such as - type: web");
    }
    List<ManifestProcess> processes = new ArrayList<>();
    Set<String> types = new HashSet<>();
    for (int i = 0; i < list.items().size(); i++) {
      String itemPath = path + "[" + i + "]";
      YamlNode item = list.items().get(i);
      if (!(item instanceof YamlNode.Mapping mapping)) {
        throw Fields.invalid(itemPath, item, "a process is a mapping such as - type: web");
      }
      ManifestProcess process = process(mapping, itemPath);
      if (!types.add(process.type())) {
        YamlNode type = mapping.get("type").orElseThrow().value();
        throw Fields.invalid(itemPath + ".type", type, "another process has this type");
      }
      processes.add(process);
    }
    return processes;
  }

  private ManifestProcess process(YamlNode.Mapping mapping, String path) {
    AppDraft p = new AppDraft(path);
    String type = null;
    for (YamlNode.Entry e : mapping.entries()) {
      String keyPath = path + "." + e.key();
      YamlNode value = e.value();
      switch (e.key()) {
        case "type" -> type = Fields.text(value, keyPath).map(String::strip)
            .filter(t -> !t.isEmpty())
            .orElseThrow(() -> Fields.invalid(keyPath, value, "needs a type such as web"));
        case "command" -> p.command = Fields.text(value, keyPath);
        case "instances" -> p.instances =
            Fields.wholeNumber(value, keyPath, 0, AppSpec.MAX_INSTANCES);
        case "memory" -> p.memory = Fields.size(value, keyPath);
        case "disk_quota", "disk-quota" -> p.disk = Fields.size(value, keyPath);
        case "health-check-type" ->
            p.healthCheckType = AppKeys.healthCheckType(value, keyPath, e.line(), warnings);
        case "health-check-http-endpoint" ->
            p.healthCheckHttpEndpoint = AppKeys.endpoint(value, keyPath);
        case "timeout" -> p.timeout = Fields.seconds(value, keyPath);
        default -> {
          String why = UNSUPPORTED.get(e.key());
          if (why == null) {
            warnings.unknownKey(e.key(), path, e.line());
          } else {
            warnings.unsupportedKey(e.key(), path, e.line(), why);
          }
        }
      }
    }
    if (type == null) {
      throw Fields.invalid(path, mapping, "a process needs a type: such as type: web");
    }
    return new ManifestProcess(type, p.command, p.instances, p.memory, p.disk,
        p.healthCheckType, p.healthCheckHttpEndpoint, p.timeout);
  }

  /** The {@code stackato:} section of a Stackato 3 hybrid manifest. */
  private void stackatoSection(AppDraft draft, YamlNode value, String path) {
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      String keyPath = path + "." + e.key();
      switch (e.key()) {
        case "hooks" -> draft.hooks = AppKeys.hooks(e.value(), keyPath, warnings);
        case "env" -> AppKeys.stackatoEnv(e.value(), keyPath, draft.env, warnings);
        case "ignores" -> draft.ignores = Fields.textList(e.value(), keyPath, false);
        case "cron", "requirements", "min_version", "description" ->
            warnings.unsupportedKey(e.key(), path, e.line(), "");
        default -> warnings.unknownKey(e.key(), path, e.line());
      }
    }
  }
}
