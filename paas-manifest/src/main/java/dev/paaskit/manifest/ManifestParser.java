package dev.paaskit.manifest;

import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Reads app manifests: Cloud Foundry {@code manifest.yml} (with {@code ((vars))}) and Stackato
 * {@code stackato.yml}. Stateless and thread-safe.
 *
 * <pre>{@code
 * ManifestParser parser = ManifestParser.create();
 * Map<String, Object> vars = parser.readVarsFile(Path.of("vars.yml"));
 * Manifest manifest = parser.parseCloudFoundry(Path.of("manifest.yml"), vars);
 * manifest.warnings().forEach(System.err::println);
 * AppSpec spec = manifest.apps().get(0).toSpecBuilder().instances(2).build();
 * }</pre>
 *
 * <p><b>What is read.</b> Anchors, aliases and merge keys ({@code <<: *defaults}) work as YAML
 * defines them. Keys a format knows but PaaSKit does not act on, keys no format knows, and
 * deprecated forms each add a warning naming the key and its line; they never stop a parse. A
 * value of the wrong kind is an {@link InvalidSpecException} whose {@code field} is the key
 * path and line, such as {@code applications[0].instances (line 7)}, whose {@code value} is the
 * offending text, and whose message says what would be accepted. Errors in the document itself
 * (not YAML, too large) name the source instead of a key path.
 *
 * <p><b>Untrusted input.</b> Files larger than {@value #MAX_BYTES} bytes and texts of more
 * characters are refused before parsing. SnakeYAML's composer builds nodes only, so no
 * type named by a tag is instantiated, and tags other than YAML's standard ones are refused.
 * At most 50 aliases to lists or mappings are allowed, and a document whose aliases would
 * expand it past 100,000 values is refused, so alias bombs cost neither memory nor time.
 *
 * <p><b>PaaSKit's extension.</b> An app may carry {@code secret-env:}, a mapping like
 * {@code env:} whose values become {@link dev.paaskit.api.Secret}s: no warning, error or
 * {@code toString} shows them.
 */
public final class ManifestParser {
  /** The largest manifest or vars file read: 3 MiB. */
  public static final int MAX_BYTES = YamlDocuments.MAX_CODE_POINTS;

  private ManifestParser() {
  }

  public static ManifestParser create() {
    return new ManifestParser();
  }

  /**
   * Reads a Cloud Foundry manifest file, replacing {@code ((name))} placeholders with
   * {@code vars}.
   *
   * <p>Besides the current form, legacy forms are read: top-level app attributes apply to every
   * app (env merged, services joined); the singular {@code buildpack}; {@code disk-quota};
   * {@code host}, {@code hosts}, {@code domain}, {@code domains} and {@code no-hostname} become
   * routes where a domain is given; {@code health-check-type: none} means process; a Stackato 3
   * {@code stackato:} section gives hooks, env defaults and ignores; {@code services} may be
   * Stackato's mapping of names to types, and {@code ${name}} in a service name or route is the
   * app's name. {@code inherit:} is not followed: it warns.
   *
   * @param vars variables by name; a value that is exactly {@code ((name))} keeps its type
   *     (String, Number, Boolean, List, Map or null), see {@link #readVarsFile(Path)}
   * @throws InvalidSpecException when the text or a value cannot be used, or a placeholder names
   *     an undefined variable (the error names the variable and its line)
   * @throws IOException when the file cannot be read
   */
  public Manifest parseCloudFoundry(Path file, Map<String, Object> vars) throws IOException {
    return parseCloudFoundry(read(file), file.toString(), vars);
  }

  /**
   * Reads Cloud Foundry manifest text; as {@link #parseCloudFoundry(Path, Map)}.
   *
   * @param source names the text in messages, such as the file it came from
   */
  public Manifest parseCloudFoundry(String text, String source, Map<String, Object> vars) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(vars, "vars");
    YamlNode root = YamlDocuments.parse(Objects.requireNonNull(text, "text"), source);
    if (root != null) {
      root = Vars.interpolate(root, vars);
    }
    return new CloudFoundryReader(source).read(root);
  }

  /**
   * Reads a {@code stackato.yml} file: {@code name, mem, disk, instances, env} (a value, or a
   * mapping with {@code default}), {@code url}/{@code urls} (one or a list), {@code ignores},
   * {@code processes.web} (the web command; {@code ~} means no web process), {@code command},
   * {@code hooks} ({@code pre-staging}, {@code post-staging}, {@code pre-running}; one command or
   * a list), {@code framework} (its type picks the cartridge), {@code buildpack},
   * {@code services}, {@code app-dir} (the path) and {@code secret-env}. {@code ${name}} in a
   * service name or url is the app's name.
   *
   * @throws InvalidSpecException when the text or a value cannot be used
   * @throws IOException when the file cannot be read
   */
  public Manifest parseStackato(Path file) throws IOException {
    return parseStackato(read(file), file.toString());
  }

  /**
   * Reads {@code stackato.yml} text; as {@link #parseStackato(Path)}.
   *
   * @param source names the text in messages, such as the file it came from
   */
  public Manifest parseStackato(String text, String source) {
    Objects.requireNonNull(source, "source");
    YamlNode root = YamlDocuments.parse(Objects.requireNonNull(text, "text"), source);
    return new StackatoReader(source).read(root);
  }

  /**
   * Reads a Cloud Foundry vars file: a YAML mapping of variable names to values, typed as YAML
   * resolves them ({@link String}, {@link Long} or {@link java.math.BigInteger}, {@link Double},
   * {@link Boolean}, null, {@link java.util.List}, {@link Map}), in file order. An empty file
   * defines no variables.
   *
   * @throws InvalidSpecException naming the file when it is not a YAML mapping or too large
   * @throws IOException when the file cannot be read
   */
  public Map<String, Object> readVarsFile(Path file) throws IOException {
    return parseVars(read(file), file.toString());
  }

  /** Reads vars file text; as {@link #readVarsFile(Path)}. */
  public Map<String, Object> parseVars(String text, String source) {
    Objects.requireNonNull(source, "source");
    return Vars.fromDocument(YamlDocuments.parse(Objects.requireNonNull(text, "text"), source),
        source);
  }

  private static String read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidSpecException(file.toString(), "more than " + MAX_BYTES + " bytes",
          "larger than the limit of " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidSpecException(file.toString(), "", "not UTF-8 text");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
