package dev.paaskit.manifest;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.Secret;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads of the app keys that Cloud Foundry manifests and stackato.yml files share. */
final class AppKeys {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Stackato's service types, to tell its older {@code type: name} from {@code name: type}. */
  private static final Set<String> SERVICE_TYPES = Set.of("mysql", "postgresql", "mongodb",
      "redis", "rabbitmq", "filesystem", "memcached", "harbor", "elasticsearch", "oracledb",
      "mssql");

  private AppKeys() {
  }

  /** The app name, which must be usable as a PaaSKit app name (a DNS label). */
  static Optional<String> name(YamlNode value, String path) {
    Optional<String> name = Fields.text(value, path).map(String::strip);
    name.ifPresent(n -> {
      try {
        AppSpec.checkName(n);
      } catch (InvalidSpecException e) {
        throw Fields.invalid(path, value, "must be a DNS label: 1 to 63 lower-case letters, "
            + "digits or '-', not starting or ending with '-'");
      }
    });
    return name;
  }

  /** Adds the {@code env:} mapping to {@code env}, values as written (a number stays its text). */
  static void env(YamlNode value, String path, Map<String, String> env, Warnings warnings) {
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      checkEnvName(e, path, warnings);
      env.put(e.key(), envValue(e.value(), path + "." + e.key(), false));
    }
  }

  /** Adds PaaSKit's {@code secret-env:} mapping; no message ever shows one of its values. */
  static void secretEnv(YamlNode value, String path, AppDraft draft, Warnings warnings) {
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      checkEnvName(e, path, warnings);
      draft.secretEnv.put(e.key(), Secret.of(envValue(e.value(), path + "." + e.key(), true)));
      draft.secretEnvLines.put(e.key(), e.line());
    }
  }

  private static String envValue(YamlNode value, String path, boolean secret) {
    if (value instanceof YamlNode.Scalar s && !s.isNull()) {
      return s.text();
    }
    String problem = Fields.isNull(value)
        ? "needs a value; write '' for an empty one"
        : "must be text, a number or a boolean, not " + value.describe();
    if (secret) {
      throw new InvalidSpecException(YamlDocuments.at(path, value.line()), "******", problem);
    }
    throw Fields.invalid(path, value, problem);
  }

  private static void checkEnvName(YamlNode.Entry e, String path, Warnings warnings) {
    if (!ENV_NAME.matcher(e.key()).matches()) {
      warnings.at(path + "." + e.key(), e.line(), "'" + e.key() + "' is not a name a process "
          + "can read (letters, digits and '_', not starting with a digit); PaaSKit will refuse "
          + "to push the app with it");
    }
  }

  /**
   * Adds the names of {@code services:}: a list of names, a list of {@code - name: x} mappings,
   * or Stackato's mapping of names to types (whose types PaaSKit does not use).
   */
  static void services(YamlNode value, String path, List<String> names, Warnings warnings) {
    if (Fields.isNull(value)) {
      return;
    }
    if (value instanceof YamlNode.Mapping mapping) {
      warnings.at(path, value.line(), "service names mapped to service types; PaaSKit binds "
          + "existing services by name and does not create them");
      for (YamlNode.Entry e : mapping.entries()) {
        String name = e.key();
        if (SERVICE_TYPES.contains(name.toLowerCase(Locale.ROOT))
            && e.value() instanceof YamlNode.Scalar s && !s.isNull()
            && !SERVICE_TYPES.contains(s.text().toLowerCase(Locale.ROOT))) {
          name = s.text();
        }
        names.add(name.strip());
      }
      return;
    }
    if (!(value instanceof YamlNode.Sequence sequence)) {
      throw Fields.invalid(path, value, "must be a list of service names");
    }
    for (int i = 0; i < sequence.items().size(); i++) {
      YamlNode item = sequence.items().get(i);
      String itemPath = path + "[" + i + "]";
      if (item instanceof YamlNode.Mapping m) {
        YamlNode.Entry nameEntry = m.get("name").orElseThrow(() ->
            Fields.invalid(itemPath, item, "a service entry needs a name: such as - name: db"));
        names.add(Fields.text(nameEntry.value(), itemPath + ".name").orElseThrow(() ->
            Fields.invalid(itemPath + ".name", nameEntry.value(), "needs a service name")).strip());
        for (YamlNode.Entry e : m.entries()) {
          switch (e.key()) {
            case "name" -> { }
            case "binding_name", "parameters" -> warnings.unsupportedKey(e.key(), itemPath,
                e.line(), "the service is bound by name only");
            default -> warnings.unknownKey(e.key(), itemPath, e.line());
          }
        }
      } else {
        names.add(Fields.text(item, itemPath).orElseThrow(() ->
            Fields.invalid(itemPath, item, "needs a service name")).strip());
      }
    }
  }

  /**
   * Cloud Foundry's {@code metadata:} block: its {@code labels} go into {@code labels}, each
   * checked as {@link AppSpec#checkLabel} does, an error naming the label's key path and line;
   * {@code annotations} are not kept, with a warning.
   */
  static void metadata(YamlNode value, String path, Map<String, String> labels,
      Warnings warnings) {
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      switch (e.key()) {
        case "labels" -> labels(e.value(), path + ".labels", labels);
        case "annotations" -> warnings.unsupportedKey(e.key(), path, e.line(),
            "only labels are kept");
        default -> warnings.unknownKey(e.key(), path, e.line());
      }
    }
  }

  private static void labels(YamlNode value, String path, Map<String, String> labels) {
    YamlNode.Mapping mapping = Fields.mapping(value, path);
    if (mapping.entries().size() > AppSpec.MAX_LABELS) {
      throw new InvalidSpecException(YamlDocuments.at(path, value.line()),
          mapping.entries().size() + " labels", "an app carries at most " + AppSpec.MAX_LABELS);
    }
    for (YamlNode.Entry e : mapping.entries()) {
      String keyPath = path + "." + e.key();
      String text = envValue(e.value(), keyPath, false);
      try {
        AppSpec.checkLabel(e.key(), text);
      } catch (InvalidSpecException bad) {
        throw new InvalidSpecException(YamlDocuments.at(keyPath, e.line()), bad.value(),
            problem(bad));
      }
      labels.put(e.key(), text);
    }
  }

  /** What {@code e} says is wrong, without the field and value it starts with. */
  private static String problem(InvalidSpecException e) {
    String start = "invalid " + e.field() + " '" + e.value() + "': ";
    String message = e.getMessage();
    return message.startsWith(start) ? message.substring(start.length()) : message;
  }

  /** {@code health-check-type}: port, process or http; the legacy none is process. */
  static Optional<HealthCheck.Type> healthCheckType(YamlNode value, String path, int line,
      Warnings warnings) {
    Optional<String> text = Fields.text(value, path).map(t -> t.strip().toLowerCase(Locale.ROOT));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(switch (text.get()) {
      case "port" -> HealthCheck.Type.PORT;
      case "process" -> HealthCheck.Type.PROCESS;
      case "http" -> HealthCheck.Type.HTTP;
      case "none" -> {
        warnings.at(path, line, "'none' is deprecated by Cloud Foundry; it means process");
        yield HealthCheck.Type.PROCESS;
      }
      default -> throw Fields.invalid(path, value, "must be port, process or http");
    });
  }

  /** {@code health-check-http-endpoint}: a path starting with {@code /}. */
  static Optional<String> endpoint(YamlNode value, String path) {
    Optional<String> endpoint = Fields.text(value, path).map(String::strip);
    if (endpoint.isPresent() && !endpoint.get().startsWith("/")) {
      throw Fields.invalid(path, value, "must be a path starting with /, such as /health");
    }
    return endpoint;
  }

  /** Stackato {@code hooks:}, each phase one command or a list of them. */
  static Hooks hooks(YamlNode value, String path, Warnings warnings) {
    List<String> preStaging = List.of();
    List<String> postStaging = List.of();
    List<String> preRunning = List.of();
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      String keyPath = path + "." + e.key();
      switch (e.key()) {
        case "pre-staging" -> preStaging = Fields.textList(e.value(), keyPath, true);
        case "post-staging" -> postStaging = Fields.textList(e.value(), keyPath, true);
        case "pre-running" -> preRunning = Fields.textList(e.value(), keyPath, true);
        case "pre-push" -> warnings.unsupportedKey(e.key(), path, e.line(),
            "it runs on the client before the upload");
        default -> warnings.unknownKey(e.key(), path, e.line());
      }
    }
    return new Hooks(preStaging, postStaging, preRunning);
  }

  /**
   * Stackato's {@code env:}: a value, or a mapping whose {@code default} is the value. Adds only
   * variables not already in {@code env}.
   */
  static void stackatoEnv(YamlNode value, String path, Map<String, String> env,
      Warnings warnings) {
    for (YamlNode.Entry e : Fields.mapping(value, path).entries()) {
      String keyPath = path + "." + e.key();
      if (!(e.value() instanceof YamlNode.Mapping options)) {
        checkEnvName(e, path, warnings);
        env.putIfAbsent(e.key(), envValue(e.value(), keyPath, false));
        continue;
      }
      Optional<String> fallback = Optional.empty();
      for (YamlNode.Entry option : options.entries()) {
        if (option.key().equals("default")) {
          fallback = Optional.of(envValue(option.value(), keyPath + ".default", false));
        } else {
          warnings.unsupportedKey(option.key(), keyPath, option.line(), "");
        }
      }
      if (fallback.isPresent()) {
        checkEnvName(e, path, warnings);
        env.putIfAbsent(e.key(), fallback.get());
      } else {
        warnings.at(keyPath, e.line(), "no default, and PaaSKit does not prompt for one; "
            + "the variable is not set");
      }
    }
  }
}
