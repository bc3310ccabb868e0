package dev.paaskit.manifest;

import dev.paaskit.api.InvalidSpecException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Reads untrusted YAML text into a {@link YamlNode} tree with SnakeYAML's composer, which builds
 * nodes and never objects, so no type the document names is ever instantiated.
 *
 * <p>Limits, each refused with an {@link InvalidSpecException} naming the source: more than
 * {@value #MAX_CODE_POINTS} characters; more than {@value #MAX_ALIASES} aliases to lists or
 * mappings; a document that aliases would expand to more than {@value #MAX_VALUES} values (an
 * alias bomb stays small as text and grows only when expanded; the tree shares aliased parts, so
 * this is checked without expanding anything); nesting deeper than {@value #MAX_DEPTH}; an alias
 * inside the node it refers to; tags other than YAML's standard scalar, list and mapping tags.
 * A key given twice in one mapping is an error; keys merged with {@code <<} yield to the
 * mapping's own keys, and of several merged mappings the first wins, as the YAML merge key
 * specification says.
 */
final class YamlDocuments {
  static final int MAX_CODE_POINTS = 3 * 1024 * 1024;
  static final int MAX_ALIASES = 50;
  static final int MAX_VALUES = 100_000;
  static final int MAX_DEPTH = 50;

  private static final Pattern CONFLICT_MARKER = Pattern.compile("(<{7}|={7}|>{7})( .*)?");
  private static final Set<Tag> SCALAR_TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.BINARY);

  private YamlDocuments() {
  }

  /**
   * The one document in {@code text}, or null when it holds none (empty, or only comments).
   *
   * @param source names the text in messages, such as its file name
   * @throws InvalidSpecException naming {@code source} and the line when the text is not YAML or
   *     breaks a limit
   */
  static YamlNode parse(String text, String source) {
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints > MAX_CODE_POINTS) {
      throw new InvalidSpecException(source, codePoints + " characters",
          "larger than the limit of " + MAX_CODE_POINTS + " characters");
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setProcessComments(false);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    Node root;
    try {
      root = yaml.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw notYaml(e, text, source);
    } catch (YAMLException e) {
      throw refused(e, source);
    }
    return root == null ? null : new Converter(source, text).convert(root, "");
  }

  private static InvalidSpecException notYaml(MarkedYAMLException e, String text, String source) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem() : "not valid YAML";
    if (e.getContext() != null) {
      problem = problem + " (" + e.getContext() + ")";
    }
    if (mark == null) {
      return new InvalidSpecException(source, "", "not valid YAML: " + problem);
    }
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (CONFLICT_MARKER.matcher(lines[i]).matches()) {
        problem = problem + "; line " + (i + 1) + " looks like an unresolved git merge conflict";
        break;
      }
    }
    int line = mark.getLine();
    String shown = line >= 0 && line < lines.length ? lines[line].strip() : "";
    return new InvalidSpecException(at(source, line + 1), abbreviate(shown),
        "not valid YAML: " + problem);
  }

  private static InvalidSpecException refused(YAMLException e, String source) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Number of aliases")) {
      return new InvalidSpecException(source, "more than " + MAX_ALIASES + " aliases",
          "refused: a document may use at most " + MAX_ALIASES
              + " aliases to lists or mappings (this guards against alias bombs)");
    }
    if (message.contains("Nesting Depth")) {
      return new InvalidSpecException(source, "nesting deeper than " + MAX_DEPTH,
          "refused: lists and mappings may nest at most " + MAX_DEPTH + " deep");
    }
    return new InvalidSpecException(source, "", "not valid YAML: " + message);
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  static String at(String where, int line) {
    return where + " (line " + line + ")";
  }

  private static int lineOf(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  /** One conversion: remembers each converted node so that aliases share the result. */
  private static final class Converter {
    private final String source;
    private final String text;
    private final Map<Node, YamlNode> converted = new IdentityHashMap<>();
    /** How many values each converted node stands for once its aliases are expanded. */
    private final Map<YamlNode, Long> sizes = new IdentityHashMap<>();
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

    Converter(String source, String text) {
      this.source = source;
      this.text = text;
    }

    private YamlNode.Span span(Node node) {
      if (node.getStartMark() == null || node.getEndMark() == null) {
        return null;
      }
      return new YamlNode.Span(text, node.getStartMark().getIndex(), node.getEndMark().getIndex());
    }

    YamlNode convert(Node node, String path) {
      YamlNode done = converted.get(node);
      if (done != null) {
        return done;
      }
      if (!inProgress.add(node)) {
        throw new InvalidSpecException(at(where(path), lineOf(node)), "*alias",
            "an alias refers to the list or mapping that contains it");
      }
      YamlNode result;
      long size;
      if (node instanceof ScalarNode scalar) {
        result = scalar(scalar, path);
        size = 1;
      } else if (node instanceof SequenceNode sequence) {
        requireTag(node, Tag.SEQ, path);
        List<YamlNode> items = new ArrayList<>();
        size = 1;
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
          YamlNode item = convert(values.get(i), path + "[" + i + "]");
          items.add(item);
          size += sizes.get(item);
        }
        result = new YamlNode.Sequence(items, lineOf(node), span(node));
      } else if (node instanceof MappingNode mapping) {
        requireTag(node, Tag.MAP, path);
        YamlNode.Mapping m = mapping(mapping, path);
        size = 1;
        for (YamlNode.Entry e : m.entries()) {
          size += 1 + sizes.get(e.value());
        }
        result = m;
      } else {
        throw new IllegalStateException("unknown node " + node.getNodeId());
      }
      if (size > MAX_VALUES) {
        throw new InvalidSpecException(source, "more than " + MAX_VALUES + " values",
            "refused: through its aliases the document would expand to more than " + MAX_VALUES
                + " values (an alias bomb?)");
      }
      inProgress.remove(node);
      converted.put(node, result);
      sizes.put(result, size);
      return result;
    }

    private YamlNode.Scalar scalar(ScalarNode node, String path) {
      Tag tag = node.getTag();
      if (!SCALAR_TAGS.contains(tag)) {
        throw badTag(node, path);
      }
      YamlNode.Kind kind;
      if (tag.equals(Tag.NULL)) {
        kind = YamlNode.Kind.NULL;
      } else if (tag.equals(Tag.BOOL)) {
        kind = YamlNode.Kind.BOOL;
      } else if (tag.equals(Tag.INT)) {
        kind = YamlNode.Kind.INT;
      } else if (tag.equals(Tag.FLOAT)) {
        kind = YamlNode.Kind.FLOAT;
      } else {
        kind = YamlNode.Kind.STRING;
      }
      return new YamlNode.Scalar(node.getValue(), kind, lineOf(node));
    }

    private YamlNode.Mapping mapping(MappingNode node, String path) {
      Set<String> ownKeys = new HashSet<>();
      Map<String, Integer> ownLines = new LinkedHashMap<>();
      for (NodeTuple tuple : node.getValue()) {
        Node keyNode = tuple.getKeyNode();
        if (!keyNode.getTag().equals(Tag.MERGE)) {
          String key = key(keyNode, path);
          Integer first = ownLines.putIfAbsent(key, lineOf(keyNode));
          if (first != null) {
            throw new InvalidSpecException(at(where(join(path, key)), lineOf(keyNode)), key,
                "this key is given twice in one mapping, first on line " + first);
          }
          ownKeys.add(key);
        }
      }
      Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
      for (NodeTuple tuple : node.getValue()) {
        Node keyNode = tuple.getKeyNode();
        Node valueNode = tuple.getValueNode();
        if (keyNode.getTag().equals(Tag.MERGE)) {
          for (YamlNode.Entry merged : mergedEntries(valueNode, path)) {
            if (!ownKeys.contains(merged.key())) {
              entries.putIfAbsent(merged.key(), merged);
            }
          }
        } else {
          String key = key(keyNode, path);
          YamlNode value = convert(valueNode, join(path, key));
          entries.put(key, new YamlNode.Entry(key, lineOf(keyNode), value));
        }
      }
      return new YamlNode.Mapping(new ArrayList<>(entries.values()), lineOf(node), span(node));
    }

    private List<YamlNode.Entry> mergedEntries(Node value, String path) {
      String mergePath = join(path, "<<");
      if (value instanceof MappingNode) {
        return ((YamlNode.Mapping) convert(value, mergePath)).entries();
      }
      if (value instanceof SequenceNode sequence) {
        List<YamlNode.Entry> all = new ArrayList<>();
        for (Node item : sequence.getValue()) {
          if (!(item instanceof MappingNode)) {
            throw notMergeable(item, mergePath);
          }
          all.addAll(((YamlNode.Mapping) convert(item, mergePath)).entries());
        }
        return all;
      }
      throw notMergeable(value, mergePath);
    }

    private InvalidSpecException notMergeable(Node value, String path) {
      String shown = value instanceof ScalarNode s ? s.getValue() : "a list";
      return new InvalidSpecException(at(where(path), lineOf(value)), shown,
          "'<<' merges a mapping or a list of mappings, such as <<: *defaults");
    }

    private String key(Node keyNode, String path) {
      if (!(keyNode instanceof ScalarNode scalar)) {
        throw new InvalidSpecException(at(where(path), lineOf(keyNode)),
            keyNode instanceof SequenceNode ? "a list" : "a mapping", "a key must be text");
      }
      if (!SCALAR_TAGS.contains(scalar.getTag())) {
        throw badTag(scalar, path);
      }
      return scalar.getValue();
    }

    private void requireTag(Node node, Tag expected, String path) {
      if (!node.getTag().equals(expected)) {
        throw badTag(node, path);
      }
    }

    private InvalidSpecException badTag(Node node, String path) {
      return new InvalidSpecException(at(where(path), lineOf(node)), node.getTag().getValue(),
          "this YAML tag is not allowed in a manifest; only plain text, numbers, booleans, "
              + "lists and mappings are");
    }

    private String where(String path) {
      return path.isEmpty() ? source : path;
    }
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
