package dev.paaskit.manifest;

import java.util.List;
import java.util.Optional;

/**
 * A YAML document after anchors, aliases and merge keys were resolved: plain text, lists and
 * mappings, each knowing the 1-based line it starts on. Nothing in it is ever turned into an
 * object of a type the document names. Immutable; an aliased part may be shared.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {
  int line();

  /** What kind of value this is: the text of a scalar, else "a list" or "a mapping". */
  String describe();

  /** The value as an error message shows it: its text, shortened to one line of 80 characters. */
  String excerpt();

  /** How YAML resolved a scalar; quoted text is always {@link #STRING}. */
  enum Kind { STRING, INT, FLOAT, BOOL, NULL }

  /**
   * Where a list or mapping stands in the document text, in code points; read only for an error
   * message.
   */
  record Span(String text, int start, int end) {
    String excerpt() {
      int length = text.codePointCount(0, text.length());
      int from = text.offsetByCodePoints(0, Math.max(0, Math.min(start, length)));
      int to = text.offsetByCodePoints(0, Math.max(0, Math.min(end, length)));
      return YamlDocuments.abbreviate(text.substring(from, Math.max(from, to))
          .replaceAll("\\s+", " ").strip());
    }
  }

  record Scalar(String text, Kind kind, int line) implements YamlNode {
    boolean isNull() {
      return kind == Kind.NULL;
    }

    @Override
    public String describe() {
      return text;
    }

    @Override
    public String excerpt() {
      return YamlDocuments.abbreviate(text);
    }
  }

  /** @param span where it was written; null for a list a variable gave */
  record Sequence(List<YamlNode> items, int line, Span span) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }

    @Override
    public String excerpt() {
      return span == null ? describe() : span.excerpt();
    }
  }

  /** A key, the line it stands on, and its value. */
  record Entry(String key, int line, YamlNode value) {
  }

  /**
   * Keys are unique and keep the order of the document; merged keys stand where their
   * {@code <<} stood.
   *
   * @param span where it was written; null for a mapping a variable gave
   */
  record Mapping(List<Entry> entries, int line, Span span) implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
    }

    Optional<Entry> get(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    @Override
    public String describe() {
      return "a mapping";
    }

    @Override
    public String excerpt() {
      return span == null ? describe() : span.excerpt();
    }
  }
}
