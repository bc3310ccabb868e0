package dev.paaskit.cartridges;

import dev.paaskit.api.InvalidSpecException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * What a Heroku-style buildpack's {@code bin/release} printed: a YAML mapping whose
 * {@code default_process_types} name the commands of process types ({@code web} among them)
 * and whose {@code config_vars} become environment variables of every instance.
 *
 * <pre>{@code
 * BuildpackRelease release = BuildpackRelease.parse("""
 *     config_vars:
 *       LEIN_NO_DEV: yes
 *     default_process_types:
 *       web: lein trampoline run
 *     """);
 * release.web();                          // Optional[lein trampoline run]
 * release.configVars().get("LEIN_NO_DEV"); // "yes", as written: values are never retyped
 * }</pre>
 *
 * <p>Every key may be missing or empty ({@code config_vars:} with nothing after it);
 * {@code addons} may be a list or a single name; other keys are ignored, as Heroku ignores them.
 *
 * @param defaultProcessTypes process type to command, in the order written
 * @param configVars variable name to value, in the order written
 * @param addons the add-ons the buildpack asks for; PaaSKit provisions none of them
 */
public record BuildpackRelease(Map<String, String> defaultProcessTypes,
    Map<String, String> configVars, List<String> addons) {
  /** The most characters of output {@link #parse} reads (64 Ki); longer output is refused. */
  public static final int MAX_CHARS = 64 * 1024;

  private static final String SOURCE = "bin/release output";
  private static final Pattern PROCESS_TYPE = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Copies the components, keeping their order. Names and commands are checked by
   * {@link #parse}, not here.
   *
   * @param defaultProcessTypes process type to command; copied
   * @param configVars variable name to value; copied
   * @param addons add-on names; copied
   * @throws NullPointerException if a component or an add-on name is null
   */
  public BuildpackRelease {
    defaultProcessTypes = Collections.unmodifiableMap(new LinkedHashMap<>(defaultProcessTypes));
    configVars = Collections.unmodifiableMap(new LinkedHashMap<>(configVars));
    addons = List.copyOf(addons);
  }

  /**
   * The release of a buildpack that printed nothing, or has no {@code bin/release}.
   *
   * @return a release with no process type, no variable and no add-on
   */
  public static BuildpackRelease empty() {
    return new BuildpackRelease(Map.of(), Map.of(), List.of());
  }

  /**
   * The command of the {@code web} process type, when the buildpack gave one.
   *
   * @return the command as written, never blank when it came from {@link #parse}; empty when
   *     the buildpack declared no {@code web} type
   */
  public Optional<String> web() {
    return Optional.ofNullable(defaultProcessTypes.get("web"));
  }

  /**
   * Parses what {@code bin/release} printed to its standard output. YAML aliases, nesting and
   * duplicate keys are bounded or refused, so hostile output cannot blow up the parser.
   *
   * @param text the whole standard output; blank text, or YAML {@code null}, is
   *     {@link #empty()}
   * @return the release, its maps in the order the keys were written
   * @throws InvalidSpecException naming the key (such as {@code default_process_types.web}) and
   *     the value when the text is not YAML, is longer than {@value #MAX_CHARS} characters, holds
   *     more than one document, is not a mapping, or a key has a value of the wrong shape: a
   *     process type or variable name that is not a plain name, a command that is blank or not
   *     text
   */
  public static BuildpackRelease parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new InvalidSpecException(SOURCE, text.length() + " characters",
          "longer than the limit of " + MAX_CHARS);
    }
    Node root = compose(text);
    if (root == null || isNull(root)) {
      return empty();
    }
    MappingNode mapping = mapping(root, SOURCE);
    Map<String, String> processTypes = Map.of();
    Map<String, String> configVars = Map.of();
    List<String> addons = List.of();
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = key(tuple, SOURCE);
      if (!seen.add(key)) {
        throw new InvalidSpecException(key, "line " + line(tuple.getKeyNode()), "given twice");
      }
      Node value = tuple.getValueNode();
      switch (key) {
        case "default_process_types" -> processTypes = names(value, key, PROCESS_TYPE, true);
        case "config_vars" -> configVars = names(value, key, VARIABLE, false);
        case "addons" -> addons = addons(value);
        default -> { }
      }
    }
    return new BuildpackRelease(processTypes, configVars, addons);
  }

  private static Node compose(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_CHARS);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      Iterator<Node> documents = yaml.composeAll(new StringReader(text)).iterator();
      Node first = documents.hasNext() ? documents.next() : null;
      if (documents.hasNext()) {
        Node second = documents.next();
        throw new InvalidSpecException(SOURCE + " (line " + line(second) + ")", "---",
            "holds more than one YAML document; bin/release prints one mapping");
      }
      return first;
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? SOURCE : SOURCE + " (line " + (mark.getLine() + 1) + ")";
      String shown = mark == null ? "" : lineAt(text, mark.getLine());
      throw new InvalidSpecException(where, shown, "not valid YAML: "
          + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (YAMLException e) {
      throw new InvalidSpecException(SOURCE, "", "not valid YAML: " + e.getMessage());
    }
  }

  /** A mapping of names to scalars; a null value is empty text where {@code required} is false. */
  private static Map<String, String> names(Node node, String key, Pattern names,
      boolean required) {
    if (isNull(node)) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping(node, key).getValue()) {
      String name = key(tuple, key);
      String field = key + "." + name;
      if (!names.matcher(name).matches()) {
        throw new InvalidSpecException(field, name, "not a valid name; expected "
            + names.pattern());
      }
      if (result.containsKey(name)) {
        throw new InvalidSpecException(field, name, "given twice (line " + line(tuple.getKeyNode())
            + ")");
      }
      Node value = tuple.getValueNode();
      if (isNull(value) && !required) {
        result.put(name, "");
        continue;
      }
      if (!(value instanceof ScalarNode scalar) || isNull(value)) {
        throw new InvalidSpecException(field, describe(value), "must be text");
      }
      if (required && scalar.getValue().isBlank()) {
        throw new InvalidSpecException(field, scalar.getValue(), "must not be blank");
      }
      result.put(name, scalar.getValue());
    }
    return result;
  }

  private static List<String> addons(Node node) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof ScalarNode scalar) {
      return List.of(scalar.getValue());
    }
    if (!(node instanceof SequenceNode sequence)) {
      throw new InvalidSpecException("addons", describe(node), "must be a list of add-on names");
    }
    List<String> addons = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar) || isNull(item)) {
        throw new InvalidSpecException("addons", describe(item), "must be an add-on name");
      }
      addons.add(scalar.getValue());
    }
    return addons;
  }

  private static MappingNode mapping(Node node, String field) {
    if (node instanceof MappingNode mapping) {
      return mapping;
    }
    throw new InvalidSpecException(field, describe(node), "must be a mapping");
  }

  private static String key(NodeTuple tuple, String field) {
    if (tuple.getKeyNode() instanceof ScalarNode scalar && !isNull(scalar)) {
      return scalar.getValue();
    }
    throw new InvalidSpecException(field + " (line " + line(tuple.getKeyNode()) + ")",
        describe(tuple.getKeyNode()), "keys must be plain names");
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  private static String describe(Node node) {
    if (node instanceof ScalarNode scalar) {
      return isNull(node) ? "null" : scalar.getValue();
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private static String lineAt(String text, int line) {
    String[] lines = text.split("\r\n|\r|\n", -1);
    String shown = line >= 0 && line < lines.length ? lines[line].strip() : "";
    return shown.length() <= 80 ? shown : shown.substring(0, 77) + "...";
  }
}
