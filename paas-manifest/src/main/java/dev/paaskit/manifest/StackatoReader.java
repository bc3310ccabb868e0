package dev.paaskit.manifest;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a {@code stackato.yml} tree, which describes one app with top-level keys, into a
 * {@link Manifest}. One reader, one file.
 */
final class StackatoReader {
  private final String source;
  private final Warnings warnings = new Warnings();

  StackatoReader(String source) {
    this.source = source;
  }

  Manifest read(YamlNode root) {
    if (root == null) {
      warnings.add(0, source + " is empty: it describes no app");
      return new Manifest(source, List.of(), warnings.all());
    }
    if (!(root instanceof YamlNode.Mapping top)) {
      throw new InvalidSpecException(YamlDocuments.at(source, root.line()), root.excerpt(),
          "a stackato.yml is a mapping of keys such as name: and mem:");
    }
    AppDraft draft = new AppDraft("");
    YamlNode.Entry web = null;
    YamlNode.Entry command = null;
    for (YamlNode.Entry e : top.entries()) {
      String path = e.key();
      YamlNode value = e.value();
      switch (e.key()) {
        case "name" -> {
          draft.name = AppKeys.name(value, path);
          draft.nameLine = e.line();
        }
        case "mem" -> draft.memory = Fields.size(value, path);
        case "disk" -> draft.disk = Fields.size(value, path);
        case "instances" -> draft.instances =
            Fields.wholeNumber(value, path, 0, AppSpec.MAX_INSTANCES);
        case "env" -> AppKeys.stackatoEnv(value, path, draft.env, warnings);
        case "secret-env" -> AppKeys.secretEnv(value, path, draft, warnings);
        case "url", "urls" -> draft.routes = urls(value, path, draft.routes);
        case "ignores" -> draft.ignores = Fields.textList(value, path, false);
        case "processes" -> web = processes(value, path);
        case "command" -> command = e;
        case "hooks" -> draft.hooks = AppKeys.hooks(value, path, warnings);
        case "framework" -> draft.framework = framework(value, path);
        case "buildpack" -> {
          draft.buildpacks = Fields.text(value, path).map(String::strip).map(List::of)
              .orElse(List.of());
          draft.buildpacksLine = e.line();
        }
        case "services" -> AppKeys.services(value, path, draft.services, warnings);
        case "app-dir" -> draft.appPath = Fields.text(value, path);
        case "applications" -> throw Fields.invalid(path, value, "a stackato.yml with several "
            + "apps is not supported; describe them in a Cloud Foundry manifest.yml");
        case "cron", "requirements", "min_version", "description" ->
            warnings.unsupportedKey(e.key(), "", e.line(), "");
        default -> warnings.unknownKey(e.key(), "", e.line());
      }
    }
    command(draft, web, command);
    return new Manifest(source, List.of(draft.finish(warnings)), warnings.all());
  }

  /**
   * The web command: {@code processes.web} when given, else {@code command}. An explicit
   * {@code processes: web: ~} says the app serves no web traffic: no route, and a process health
   * check unless one is given.
   */
  private void command(AppDraft draft, YamlNode.Entry web, YamlNode.Entry command) {
    Optional<String> webCommand = web == null ? Optional.empty() : Fields.text(web.value(),
        "processes.web");
    Optional<String> plain = command == null ? Optional.empty() : Fields.text(command.value(),
        "command");
    if (webCommand.isPresent()) {
      draft.command = webCommand;
      if (plain.isPresent()) {
        warnings.at("command", command.line(), "ignored: processes.web at line " + web.line()
            + " gives the web command");
      }
    } else {
      draft.command = plain;
    }
    if (web != null && Fields.isNull(web.value())) {
      draft.noRoute = Optional.of(true);
      draft.healthCheckType = Optional.of(HealthCheck.Type.PROCESS);
    }
  }

  private YamlNode.Entry processes(YamlNode value, String path) {
    YamlNode.Entry web = null;
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      if (e.key().equals("web")) {
        web = e;
      } else {
        warnings.unsupportedKey(e.key(), path, e.line(), "PaaSKit runs only the web process");
      }
    }
    return web;
  }

  private List<AppDraft.RouteText> urls(YamlNode value, String path,
      List<AppDraft.RouteText> earlier) {
    List<AppDraft.RouteText> urls = new ArrayList<>(earlier == null ? List.of() : earlier);
    if (value instanceof YamlNode.Sequence list) {
      for (int i = 0; i < list.items().size(); i++) {
        String itemPath = path + "[" + i + "]";
        YamlNode item = list.items().get(i);
        String url = Fields.text(item, itemPath)
            .orElseThrow(() -> Fields.invalid(itemPath, item, "an empty url"));
        urls.add(new AppDraft.RouteText(url, itemPath, item.line()));
      }
    } else {
      Fields.text(value, path).ifPresent(u -> urls.add(new AppDraft.RouteText(u, path,
          value.line())));
    }
    return urls;
  }

  private Optional<String> framework(YamlNode value, String path) {
    if (!(value instanceof YamlNode.Mapping mapping)) {
      return Fields.text(value, path);
    }
    Optional<String> type = Optional.empty();
    for (YamlNode.Entry e : mapping.entries()) {
      switch (e.key()) {
        case "type" -> type = Fields.text(e.value(), path + ".type");
        case "runtime", "document-root", "start-file", "home-dir", "app-server" ->
            warnings.unsupportedKey(e.key(), path, e.line(), "");
        default -> warnings.unknownKey(e.key(), path, e.line());
      }
    }
    return type;
  }
}
