package dev.paaskit.cartridges.openshift;

import dev.paaskit.cartridges.openshift.CartridgeManifest.Connector;
import dev.paaskit.cartridges.openshift.CartridgeManifest.Endpoint;
import dev.paaskit.cartridges.openshift.CartridgeManifest.GroupOverride;
import dev.paaskit.cartridges.openshift.CartridgeManifest.Mapping;
import dev.paaskit.cartridges.openshift.CartridgeManifest.Scaling;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads manifest YAML through SnakeYAML's node API rather than into numbers and booleans, so
 * a version keeps the text it was written with ({@code Version: 0.10} stays {@code 0.10}).
 */
final class ManifestParser {
  /** A manifest is a few KiB; downloads are cut at 20 KiB before they get here. */
  static final int MAX_CODE_POINTS = 256 * 1024;
  private static final int MAX_DEPTH = 30;
  private static final Pattern CONFLICT_MARKER = Pattern.compile("^(<{7}|={7}|>{7})( .*)?$");
  private static final Pattern SHORT_NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private ManifestParser() {}

  static CartridgeManifest parse(String yaml, String source) {
    Map<String, Object> raw = document(yaml, source);
    return new Reader(source).manifest(raw, null);
  }

  static CartridgeManifest withOverride(CartridgeManifest base, String softwareVersion) {
    Map<String, Object> raw = new LinkedHashMap<>(
        base.versionOverrides().getOrDefault(softwareVersion, Map.of()));
    raw.put("Version", softwareVersion);
    return new Reader("Version-Overrides of " + base.name() + " " + softwareVersion)
        .manifest(raw, base);
  }

  private static Map<String, Object> document(String yaml, String source) {
    String[] lines = yaml.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (CONFLICT_MARKER.matcher(lines[i]).matches()) {
        throw new InvalidCartridgeManifestException(source, "", "line " + (i + 1)
            + " is a git merge-conflict marker ('" + abbreviate(lines[i]) + "'): resolve the "
            + "conflict in the cartridge's repository and publish the manifest again");
      }
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMaxAliasesForCollections(20);
    options.setNestingDepthLimit(MAX_DEPTH);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new InvalidCartridgeManifestException(source, "", "not valid YAML at line " + line
          + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new InvalidCartridgeManifestException(source, "", "not valid YAML: "
          + e.getMessage());
    }
    if (root == null) {
      throw new InvalidCartridgeManifestException(source, "", "the manifest is empty");
    }
    Object value = plain(root, 0, source);
    if (!(value instanceof Map)) {
      throw new InvalidCartridgeManifestException(source, "", "a manifest is a mapping of "
          + "fields such as 'Name: mock', not " + describe(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return map;
  }

  /** Text (null for YAML null), lists and maps with text keys. */
  private static Object plain(Node node, int depth, String source) {
    if (depth > MAX_DEPTH) {
      throw new InvalidCartridgeManifestException(source, "", "nested deeper than " + MAX_DEPTH);
    }
    if (node instanceof ScalarNode s) {
      return s.getTag().equals(Tag.NULL) ? null : s.getValue();
    }
    if (node instanceof SequenceNode s) {
      List<Object> list = new ArrayList<>();
      for (Node item : s.getValue()) {
        list.add(plain(item, depth + 1, source));
      }
      return list;
    }
    MappingNode m = (MappingNode) node;
    Map<String, Object> map = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      Object key = plain(t.getKeyNode(), depth + 1, source);
      map.put(String.valueOf(key).strip(), plain(t.getValueNode(), depth + 1, source));
    }
    return map;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    return "'" + abbreviate(value.toString()) + "'";
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  /** Field readers for one manifest source. */
  private static final class Reader {
    private final String source;

    Reader(String source) {
      this.source = source;
    }

    CartridgeManifest manifest(Map<String, Object> raw, CartridgeManifest base) {
      String shortName = field(raw, "Cartridge-Short-Name", base, CartridgeManifest::shortName,
          v -> required(raw, "Cartridge-Short-Name"));
      if (!SHORT_NAME.matcher(shortName).matches()) {
        throw bad("Cartridge-Short-Name", "'" + abbreviate(shortName) + "' must be letters, "
            + "digits and underscores: it names the OPENSHIFT_" + "<SHORT>_* variables");
      }
      String name = field(raw, "Name", base, CartridgeManifest::name, v -> required(raw, "Name"));
      String vendor = field(raw, "Cartridge-Vendor", base, CartridgeManifest::cartridgeVendor,
          v -> required(raw, "Cartridge-Vendor"));
      for (String[] f : new String[][] {{"Name", name}, {"Cartridge-Vendor", vendor}}) {
        if (!NAME.matcher(f[1]).matches()) {
          throw bad(f[0], "'" + abbreviate(f[1]) + "' must be letters, digits, '.', '_' "
              + "and '-', starting with a letter or digit");
        }
      }
      String md5 = field(raw, "Source-Md5", base, CartridgeManifest::sourceMd5,
          v -> optional(raw, "Source-Md5").toLowerCase(Locale.ROOT));
      if (!md5.isEmpty() && !HEX32.matcher(md5).matches()) {
        throw bad("Source-Md5", "'" + abbreviate(md5) + "' is not 32 hex digits");
      }
      String sha = field(raw, "Source-Sha256", base, CartridgeManifest::sourceSha256,
          v -> optional(raw, "Source-Sha256").toLowerCase(Locale.ROOT));
      if (!sha.isEmpty() && !HEX64.matcher(sha).matches()) {
        throw bad("Source-Sha256", "'" + abbreviate(sha) + "' is not 64 hex digits");
      }
      try {
        return new CartridgeManifest(name, shortName,
            field(raw, "Display-Name", base, CartridgeManifest::displayName,
                v -> optional(raw, "Display-Name")),
            field(raw, "Description", base, CartridgeManifest::description,
                v -> optional(raw, "Description")),
            field(raw, "Version", base, CartridgeManifest::version, v -> required(raw, "Version")),
            field(raw, "Versions", base, CartridgeManifest::versions, v -> texts(raw, "Versions")),
            field(raw, "Version-Overrides", base, CartridgeManifest::versionOverrides,
                v -> overrides(raw)),
            field(raw, "Cartridge-Version", base, CartridgeManifest::cartridgeVersion,
                v -> required(raw, "Cartridge-Version")),
            field(raw, "Compatible-Versions", base, CartridgeManifest::compatibleVersions,
                v -> texts(raw, "Compatible-Versions")),
            vendor,
            field(raw, "License", base, CartridgeManifest::license, v -> optional(raw, "License")),
            field(raw, "Vendor", base, CartridgeManifest::vendor, v -> optional(raw, "Vendor")),
            field(raw, "Website", base, CartridgeManifest::website, v -> optional(raw, "Website")),
            field(raw, "Categories", base, CartridgeManifest::categories,
                v -> texts(raw, "Categories")),
            field(raw, "Provides", base, CartridgeManifest::provides, v -> texts(raw, "Provides")),
            field(raw, "Requires", base, CartridgeManifest::requires, v -> texts(raw, "Requires")),
            field(raw, "Publishes", base, CartridgeManifest::publishes,
                v -> connectors(raw, "Publishes")),
            field(raw, "Subscribes", base, CartridgeManifest::subscribes,
                v -> connectors(raw, "Subscribes")),
            field(raw, "Scaling", base, CartridgeManifest::scaling, v -> scaling(raw)),
            field(raw, "Group-Overrides", base, CartridgeManifest::groupOverrides,
                v -> groupOverrides(raw.get("Group-Overrides"), "Group-Overrides")),
            field(raw, "Endpoints", base, CartridgeManifest::endpoints, v -> endpoints(raw)),
            field(raw, "Source-Url", base, CartridgeManifest::sourceUrl,
                v -> optional(raw, "Source-Url")),
            md5, sha,
            field(raw, "Additional-Control-Actions", base,
                CartridgeManifest::additionalControlActions,
                v -> texts(raw, "Additional-Control-Actions")),
            field(raw, "Install-Build-Required", base, CartridgeManifest::installBuildRequired,
                v -> bool(raw.get("Install-Build-Required"), "Install-Build-Required")));
      } catch (IllegalArgumentException e) {
        throw new InvalidCartridgeManifestException(source, "", e.getMessage());
      }
    }

    /** The field from {@code raw} when it is there or there is no base, else the base's. */
    private <T> T field(Map<String, Object> raw, String key, CartridgeManifest base,
        Function<CartridgeManifest, T> inherited, Function<Void, T> read) {
      if (base != null && !raw.containsKey(key)) {
        return inherited.apply(base);
      }
      return read.apply(null);
    }

    private String required(Map<String, Object> raw, String field) {
      Object value = raw.get(field);
      if (value == null || (value instanceof String s && s.isBlank())) {
        throw new InvalidCartridgeManifestException(source, field, "required field "
            + (value == null ? "missing" : "blank") + ": every OpenShift cartridge manifest "
            + "names its Name, Cartridge-Short-Name, Version, Cartridge-Version and "
            + "Cartridge-Vendor");
      }
      return text(value, field);
    }

    private String optional(Map<String, Object> raw, String field) {
      Object value = raw.get(field);
      return value == null ? "" : text(value, field);
    }

    private String text(Object value, String field) {
      if (value instanceof String s) {
        return s.strip();
      }
      throw bad(field, "must be text, not " + describe(value));
    }

    /** One text or a list of texts (numbers keep their written form). */
    private List<String> texts(Map<String, Object> raw, String field) {
      return texts(raw.get(field), field);
    }

    private List<String> texts(Object value, String field) {
      if (value == null) {
        return List.of();
      }
      if (value instanceof String s) {
        return s.isBlank() ? List.of() : List.of(s.strip());
      }
      if (value instanceof List<?> list) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          Object item = list.get(i);
          if (item != null) {
            out.add(text(item, field + "[" + i + "]"));
          }
        }
        return out;
      }
      throw bad(field, "must be text or a list of texts, not " + describe(value));
    }

    private Map<String, Object> map(Object value, String field) {
      if (value == null) {
        return Map.of();
      }
      if (value instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
      }
      throw bad(field, "must be a mapping, not " + describe(value));
    }

    private Map<String, Map<String, Object>> overrides(Map<String, Object> raw) {
      Map<String, Map<String, Object>> out = new LinkedHashMap<>();
      map(raw.get("Version-Overrides"), "Version-Overrides").forEach((version, fields) ->
          out.put(version, map(fields, "Version-Overrides." + version)));
      return out;
    }

    private Map<String, Connector> connectors(Map<String, Object> raw, String field) {
      Map<String, Connector> out = new LinkedHashMap<>();
      map(raw.get(field), field).forEach((name, value) -> {
        String where = field + "." + name;
        if (value instanceof String s) {
          out.put(name, new Connector(s.strip(), false));
        } else {
          Map<String, Object> c = map(value, where);
          out.put(name, new Connector(c.get("Type") == null ? "" : text(c.get("Type"),
              where + ".Type"), bool(c.get("Required"), where + ".Required")));
        }
      });
      return out;
    }

    private Scaling scaling(Map<String, Object> raw) {
      Map<String, Object> s = map(raw.get("Scaling"), "Scaling");
      try {
        return new Scaling(integer(s.get("Min"), "Scaling.Min", 1),
            integer(s.get("Max"), "Scaling.Max", -1),
            integer(s.get("Multiplier"), "Scaling.Multiplier", 1));
      } catch (IllegalArgumentException e) {
        throw bad("Scaling", e.getMessage());
      }
    }

    private List<GroupOverride> groupOverrides(Object value, String field) {
      List<GroupOverride> out = new ArrayList<>();
      List<?> list = value instanceof List<?> l ? l : value == null ? List.of() : null;
      if (list == null) {
        throw bad(field, "must be a list of {components: [...]}, not " + describe(value));
      }
      for (int i = 0; i < list.size(); i++) {
        String where = field + "[" + i + "]";
        Map<String, Object> entry = map(list.get(i), where);
        out.add(new GroupOverride(texts(entry.get("components"), where + ".components")));
      }
      return out;
    }

    private List<Endpoint> endpoints(Map<String, Object> raw) {
      Object value = raw.get("Endpoints");
      if (value == null) {
        return List.of();
      }
      if (!(value instanceof List<?> list)) {
        throw bad("Endpoints", "must be a list, not " + describe(value));
      }
      List<Endpoint> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String where = "Endpoints[" + i + "]";
        Map<String, Object> e = map(list.get(i), where);
        String ipName = e.get("Private-IP-Name") == null ? ""
            : text(e.get("Private-IP-Name"), where + ".Private-IP-Name");
        String portName = e.get("Private-Port-Name") == null ? ""
            : text(e.get("Private-Port-Name"), where + ".Private-Port-Name");
        if (ipName.isEmpty() || portName.isEmpty()) {
          throw new InvalidCartridgeManifestException(source, where + "."
              + (ipName.isEmpty() ? "Private-IP-Name" : "Private-Port-Name"),
              "required field missing: an endpoint names its address and port variables");
        }
        for (String[] n : new String[][] {{"Private-IP-Name", ipName},
            {"Private-Port-Name", portName}}) {
          if (!SHORT_NAME.matcher(n[1]).matches()) {
            throw bad(where + "." + n[0], "'" + abbreviate(n[1]) + "' must be letters, digits "
                + "and underscores");
          }
        }
        int port = integer(e.get("Private-Port"), where + ".Private-Port", -1);
        if (port < 1 || port > 65535) {
          throw new InvalidCartridgeManifestException(source, where + ".Private-Port",
              e.get("Private-Port") == null ? "required field missing"
                  : "must be a port from 1 to 65535, not " + port);
        }
        List<Mapping> mappings = new ArrayList<>();
        Object rawMappings = e.get("Mappings");
        List<?> ml = rawMappings == null ? List.of()
            : rawMappings instanceof List<?> l ? l : null;
        if (ml == null) {
          throw bad(where + ".Mappings", "must be a list, not " + describe(rawMappings));
        }
        for (int j = 0; j < ml.size(); j++) {
          String mw = where + ".Mappings[" + j + "]";
          Map<String, Object> m = map(ml.get(j), mw);
          mappings.add(new Mapping(
              m.get("Frontend") == null ? "" : text(m.get("Frontend"), mw + ".Frontend"),
              m.get("Backend") == null ? "" : text(m.get("Backend"), mw + ".Backend"),
              options(m.get("Options"), mw + ".Options")));
        }
        out.add(new Endpoint(ipName, portName, port,
            e.get("Public-Port-Name") == null ? ""
                : text(e.get("Public-Port-Name"), where + ".Public-Port-Name"),
            e.containsKey("Protocols") ? texts(e.get("Protocols"), where + ".Protocols") : null,
            options(e.get("Options"), where + ".Options"), mappings));
      }
      return out;
    }

    private Map<String, String> options(Object value, String field) {
      Map<String, String> out = new LinkedHashMap<>();
      map(value, field).forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
      return out;
    }

    private int integer(Object value, String field, int absent) {
      if (value == null) {
        return absent;
      }
      String text = text(value, field);
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw bad(field, "must be a whole number, not '" + abbreviate(text) + "'");
      }
    }

    private boolean bool(Object value, String field) {
      if (value == null) {
        return false;
      }
      String text = text(value, field).toLowerCase(Locale.ROOT);
      switch (text) {
        case "true", "yes", "on", "1":
          return true;
        case "false", "no", "off", "0", "":
          return false;
        default:
          throw bad(field, "must be true or false, not '" + abbreviate(text) + "'");
      }
    }

    private InvalidCartridgeManifestException bad(String field, String problem) {
      return new InvalidCartridgeManifestException(source, field, problem);
    }
  }
}
