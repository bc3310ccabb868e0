package dev.paaskit.manifest;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.InvalidSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed reads of manifest values. A null value (an empty key, {@code ~} or {@code null}) reads
 * as absent. A value of the wrong kind is an {@link InvalidSpecException} whose field is the key
 * path and line, such as {@code applications[0].instances (line 7)}.
 */
final class Fields {
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]{1,10}");
  private static final Pattern SIZE =
      Pattern.compile("[0-9]{1,15}\\s*([KMGT]B?|B)?", Pattern.CASE_INSENSITIVE);
  /** The longest health check start timeout, in seconds: one day. */
  static final int MAX_TIMEOUT_SECONDS = 86_400;

  private Fields() {
  }

  static InvalidSpecException invalid(String path, YamlNode node, String problem) {
    return new InvalidSpecException(YamlDocuments.at(path, node.line()), node.excerpt(),
        problem);
  }

  static boolean isNull(YamlNode node) {
    return node instanceof YamlNode.Scalar s && s.isNull();
  }

  static Optional<String> text(YamlNode node, String path) {
    if (isNull(node)) {
      return Optional.empty();
    }
    if (node instanceof YamlNode.Scalar s) {
      return Optional.of(s.text());
    }
    throw invalid(path, node, "must be text, not " + node.describe());
  }

  static Optional<Integer> wholeNumber(YamlNode node, String path, int min, int max) {
    Optional<String> text = text(node, path).map(String::strip);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!WHOLE.matcher(text.get()).matches()) {
      throw invalid(path, node, "must be a whole number");
    }
    long n = Long.parseLong(text.get());
    if (n < min || n > max) {
      throw invalid(path, node, "must be between " + min + " and " + max);
    }
    return Optional.of((int) n);
  }

  static Optional<ByteSize> size(YamlNode node, String path) {
    Optional<String> text = text(node, path).map(String::strip);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!SIZE.matcher(text.get()).matches()) {
      throw invalid(path, node, "must be a size such as 256M or 1G");
    }
    return Optional.of(ByteSize.parse(YamlDocuments.at(path, node.line()), text.get()));
  }

  static Optional<Boolean> bool(YamlNode node, String path) {
    Optional<String> text = text(node, path).map(t -> t.strip().toLowerCase(Locale.ROOT));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    boolean yaml11 = ((YamlNode.Scalar) node).kind() == YamlNode.Kind.BOOL;
    switch (text.get()) {
      case "true":
        return Optional.of(true);
      case "false":
        return Optional.of(false);
      case "yes", "on":
        if (yaml11) {
          return Optional.of(true);
        }
        break;
      case "no", "off":
        if (yaml11) {
          return Optional.of(false);
        }
        break;
      default:
        break;
    }
    throw invalid(path, node, "must be true or false");
  }

  static Optional<Duration> seconds(YamlNode node, String path) {
    return wholeNumber(node, path, 1, MAX_TIMEOUT_SECONDS).map(Duration::ofSeconds);
  }

  /**
   * The texts of a list. With {@code singleAllowed}, a lone text is a list of one, as Stackato
   * writes one hook or one url.
   */
  static List<String> textList(YamlNode node, String path, boolean singleAllowed) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof YamlNode.Scalar s && singleAllowed) {
      return List.of(s.text());
    }
    if (!(node instanceof YamlNode.Sequence sequence)) {
      throw invalid(path, node, "must be a list of text, not " + node.describe());
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      YamlNode item = sequence.items().get(i);
      String itemPath = path + "[" + i + "]";
      texts.add(text(item, itemPath).orElseThrow(() -> invalid(itemPath, item, "an empty entry")));
    }
    return texts;
  }

  /** A mapping; null reads as an empty one. */
  static YamlNode.Mapping mapping(YamlNode node, String path) {
    if (isNull(node)) {
      return new YamlNode.Mapping(List.of(), node.line(), null);
    }
    if (node instanceof YamlNode.Mapping m) {
      return m;
    }
    throw invalid(path, node, "must be a mapping of keys to values, not " + node.describe());
  }
}
