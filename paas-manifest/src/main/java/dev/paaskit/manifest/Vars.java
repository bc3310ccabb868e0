package dev.paaskit.manifest;

import dev.paaskit.api.InvalidSpecException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloud Foundry {@code ((name))} variables. A value that is exactly {@code ((name))} takes the
 * variable's typed value (a number stays a number, a list stays a list); a {@code ((name))}
 * inside longer text is replaced by the variable's text. A dotted name {@code ((db.host))} that
 * is not itself a variable looks up {@code host} inside the mapping variable {@code db}. Keys are
 * never interpolated.
 */
final class Vars {
  private static final Pattern VAR = Pattern.compile("\\(\\(([^()]*)\\)\\)");

  private final Map<String, Object> vars;

  private Vars(Map<String, Object> vars) {
    this.vars = vars;
  }

  /**
   * {@code root} with every variable replaced.
   *
   * @throws InvalidSpecException naming the key path, line and {@code ((name))} when a variable
   *     is not defined or cannot stand where it is used
   * @throws IllegalArgumentException when a variable's value is of a type YAML cannot hold
   */
  static YamlNode interpolate(YamlNode root, Map<String, Object> vars) {
    return new Vars(vars).walk(root, "");
  }

  /**
   * The variables a vars file defines, typed as YAML resolves them: {@link String},
   * {@link Long} (or {@link BigInteger}), {@link Double}, {@link Boolean}, null, {@link List} and
   * {@link Map}, in file order.
   */
  static Map<String, Object> fromDocument(YamlNode root, String source) {
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof YamlNode.Mapping mapping)) {
      throw new InvalidSpecException(YamlDocuments.at(source, root.line()), root.excerpt(),
          "a vars file must be a mapping of variable names to values");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> typed = (Map<String, Object>) toObject(mapping);
    return typed;
  }

  private static Object toObject(YamlNode node) {
    if (node instanceof YamlNode.Mapping m) {
      Map<String, Object> map = new LinkedHashMap<>();
      m.entries().forEach(e -> map.put(e.key(), toObject(e.value())));
      return Collections.unmodifiableMap(map);
    }
    if (node instanceof YamlNode.Sequence s) {
      List<Object> list = new ArrayList<>();
      s.items().forEach(i -> list.add(toObject(i)));
      return Collections.unmodifiableList(list);
    }
    YamlNode.Scalar scalar = (YamlNode.Scalar) node;
    String text = scalar.text();
    switch (scalar.kind()) {
      case NULL:
        return null;
      case BOOL:
        return switch (text.toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on" -> Boolean.TRUE;
          default -> Boolean.FALSE;
        };
      case INT:
        try {
          BigInteger n = new BigInteger(text.replace("_", ""));
          return n.bitLength() < 64 ? (Object) n.longValue() : n;
        } catch (NumberFormatException e) {
          return text;
        }
      case FLOAT:
        try {
          return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
          return text;
        }
      default:
        return text;
    }
  }

  private YamlNode walk(YamlNode node, String path) {
    if (node instanceof YamlNode.Mapping m) {
      List<YamlNode.Entry> entries = new ArrayList<>();
      for (YamlNode.Entry e : m.entries()) {
        entries.add(new YamlNode.Entry(e.key(), e.line(),
            walk(e.value(), YamlDocuments.join(path, e.key()))));
      }
      return new YamlNode.Mapping(entries, m.line(), m.span());
    }
    if (node instanceof YamlNode.Sequence s) {
      List<YamlNode> items = new ArrayList<>();
      for (int i = 0; i < s.items().size(); i++) {
        items.add(walk(s.items().get(i), path + "[" + i + "]"));
      }
      return new YamlNode.Sequence(items, s.line(), s.span());
    }
    YamlNode.Scalar scalar = (YamlNode.Scalar) node;
    if (scalar.kind() != YamlNode.Kind.STRING || !scalar.text().contains("((")) {
      return scalar;
    }
    Matcher whole = VAR.matcher(scalar.text());
    if (whole.matches()) {
      String name = whole.group(1).strip();
      return toNode(lookup(name, path, scalar), name, scalar.line());
    }
    Matcher m = VAR.matcher(scalar.text());
    StringBuilder text = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).strip();
      m.appendReplacement(text, Matcher.quoteReplacement(inText(name, path, scalar)));
    }
    m.appendTail(text);
    return new YamlNode.Scalar(text.toString(), YamlNode.Kind.STRING, scalar.line());
  }

  private Object lookup(String name, String path, YamlNode.Scalar at) {
    if (name.isEmpty()) {
      throw error(path, at, name, "an empty (( )) names no variable");
    }
    if (vars.containsKey(name)) {
      return vars.get(name);
    }
    String[] parts = name.split("\\.", -1);
    if (parts.length > 1 && vars.containsKey(parts[0])) {
      Object value = vars.get(parts[0]);
      for (int i = 1; i < parts.length; i++) {
        if (!(value instanceof Map<?, ?> map) || !map.containsKey(parts[i])) {
          throw error(path, at, name, "variable '" + name + "' is not defined: '"
              + String.join(".", List.of(parts).subList(0, i)) + "' has no '" + parts[i] + "'");
        }
        value = map.get(parts[i]);
      }
      return value;
    }
    throw error(path, at, name,
        "variable '" + name + "' is not defined; give it in a vars file (--vars-file)");
  }

  private String inText(String name, String path, YamlNode.Scalar at) {
    Object value = lookup(name, path, at);
    if (value == null) {
      throw error(path, at, name, "variable '" + name + "' is null and cannot stand inside text");
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      throw error(path, at, name, "variable '" + name + "' holds a "
          + (value instanceof Map<?, ?> ? "mapping" : "list") + " and cannot stand inside text");
    }
    checkType(name, value);
    return value.toString();
  }

  private static InvalidSpecException error(String path, YamlNode.Scalar at, String name,
      String problem) {
    return new InvalidSpecException(YamlDocuments.at(path, at.line()), "((" + name + "))", problem);
  }

  private static YamlNode toNode(Object value, String name, int line) {
    if (value == null) {
      return new YamlNode.Scalar("null", YamlNode.Kind.NULL, line);
    }
    if (value instanceof Map<?, ?> map) {
      List<YamlNode.Entry> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(
          new YamlNode.Entry(String.valueOf(k), line, toNode(v, name, line))));
      return new YamlNode.Mapping(entries, line, null);
    }
    if (value instanceof Collection<?> list) {
      List<YamlNode> items = new ArrayList<>();
      list.forEach(v -> items.add(toNode(v, name, line)));
      return new YamlNode.Sequence(items, line, null);
    }
    checkType(name, value);
    YamlNode.Kind kind;
    if (value instanceof Boolean) {
      kind = YamlNode.Kind.BOOL;
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      kind = YamlNode.Kind.INT;
    } else if (value instanceof Number) {
      kind = YamlNode.Kind.FLOAT;
    } else {
      kind = YamlNode.Kind.STRING;
    }
    return new YamlNode.Scalar(value.toString(), kind, line);
  }

  private static void checkType(String name, Object value) {
    if (!(value instanceof CharSequence || value instanceof Boolean || value instanceof Integer
        || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger || value instanceof Double || value instanceof Float
        || value instanceof BigDecimal)) {
      throw new IllegalArgumentException("variable '" + name + "' has a value of type "
          + value.getClass().getName() + "; use text, numbers, booleans, lists or maps");
    }
  }
}
