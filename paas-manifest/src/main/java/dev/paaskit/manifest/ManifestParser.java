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
 * <p><b>What is read.</b> One YAML document; anchors, aliases and merge keys
 * ({@code <<: *defaults}) work as YAML defines them, the mapping's own keys winning over merged
 * ones. Keys a format knows but PaaSKit does not act on, keys no format knows, and deprecated
 * forms each add a warning naming the key and its line, as do parts PaaSKit drops (a route's
 * path, a TCP route, all but the last of several buildpacks); warnings never stop a parse.
 * Errors stop it: a value of the wrong kind or out of range, a key given twice in one mapping,
 * two apps of one name, an unknown key inside PaaSKit's own {@code placement:} block, and the
 * conflicts named on each method. An error is an {@link InvalidSpecException} whose
 * {@code field} is the key path and line, such as {@code applications[0].instances (line 7)},
 * whose {@code value} is the offending text ({@code ******} for a {@code secret-env} value),
 * and whose message says what would be accepted. Errors in the document itself (not YAML, not
 * UTF-8, several documents, too large) name the source, and the line where there is one,
 * instead of a key path.
 *
 * <p><b>Untrusted input.</b> Files larger than {@value #MAX_BYTES} bytes and texts of more
 * characters (code points) are refused before parsing. SnakeYAML's composer builds nodes only,
 * so no type named by a tag is instantiated, and tags other than YAML's standard ones are
 * refused. At most 50 aliases to lists or mappings are allowed, lists and mappings nest at most
 * 50 deep, and a document whose aliases would expand it past 100,000 values is refused, so alias
 * bombs cost neither memory nor time.
 *
 * <p><b>PaaSKit's extension.</b> An app may carry {@code secret-env:}, a mapping like
 * {@code env:} whose values become {@link dev.paaskit.api.Secret}s: no warning, error or
 * {@code toString} shows them.
 */
public final class ManifestParser {
  /**
   * The largest manifest or vars file read, in bytes: 3 MiB. The methods that take text allow
   * as many code points.
   */
  public static final int MAX_BYTES = YamlDocuments.MAX_CODE_POINTS;

  private ManifestParser() {
  }

  /**
   * A parser. It keeps no state between calls, so one may be shared by every thread.
   *
   * @return a new parser
   */
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
   * <p>A manifest without {@code applications:} whose top level holds app keys describes one
   * app. Besides the errors every manifest can have, it is an error to give {@code version}
   * other than 1, both {@code buildpack} and {@code buildpacks}, both {@code routes} and the
   * legacy route keys, or one variable in both {@code env} and {@code secret-env}.
   *
   * <p>The file is read whole, at most {@value #MAX_BYTES} bytes, as strict UTF-8; a leading
   * byte order mark is skipped. The file's path, as given, is the source that errors name.
   *
   * @param file the manifest
   * @param vars variables by name, used only where a placeholder names them, so a variable of
   *     no use is never checked. A value that is exactly {@code ((name))} keeps its type; text
   *     that holds one takes the variable's text. A value may be text, a Boolean, an Integer,
   *     Long, Short, Byte, BigInteger, Float, Double or BigDecimal, null (not inside text), or a
   *     Map or Collection of these (not inside text). {@code ((db.host))}, when {@code db.host}
   *     is not itself a variable, reads {@code host} in the Map {@code db}. See
   *     {@link #readVarsFile(Path)}
   * @return the apps in file order and the warnings; no apps, with a warning, when the file
   *     holds no document
   * @throws InvalidSpecException when the text or a value cannot be used, or a placeholder names
   *     an undefined variable (the error names the variable and its line)
   * @throws IllegalArgumentException when a variable that a placeholder uses holds a value of
   *     another type than those above, naming the variable and the type
   * @throws IOException when the file cannot be read
   */
  public Manifest parseCloudFoundry(Path file, Map<String, Object> vars) throws IOException {
    return parseCloudFoundry(read(file), file.toString(), vars);
  }

  /**
   * Reads Cloud Foundry manifest text; as {@link #parseCloudFoundry(Path, Map)}.
   *
   * @param text the whole manifest, at most {@value #MAX_BYTES} code points
   * @param source names the text in messages, such as the file it came from
   * @param vars variables by name, as {@link #parseCloudFoundry(Path, Map)} takes them
   * @return the apps in file order and the warnings; no apps, with a warning, when the text
   *     holds no document (empty, or only comments)
   * @throws InvalidSpecException when the text or a value cannot be used, or a placeholder names
   *     an undefined variable
   * @throws IllegalArgumentException when a variable that a placeholder uses holds a value of a
   *     type that {@link #parseCloudFoundry(Path, Map)} does not list
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
   * service name or url is the app's name. {@code command} beside a {@code processes.web}
   * command is ignored with a warning. {@code applications:} (several apps) is an error: such
   * files are Cloud Foundry manifests.
   *
   * <p>The file is read as {@link #parseCloudFoundry(Path, Map)} reads one; no variables are
   * replaced.
   *
   * @param file the {@code stackato.yml}
   * @return one app, even when no key the format knows is given; no apps, with a warning, when
   *     the file holds no document
   * @throws InvalidSpecException when the text or a value cannot be used
   * @throws IOException when the file cannot be read
   */
  public Manifest parseStackato(Path file) throws IOException {
    return parseStackato(read(file), file.toString());
  }

  /**
   * Reads {@code stackato.yml} text; as {@link #parseStackato(Path)}.
   *
   * @param text the whole file, at most {@value #MAX_BYTES} code points
   * @param source names the text in messages, such as the file it came from
   * @return one app; none, with a warning, when the text holds no document
   * @throws InvalidSpecException when the text or a value cannot be used
   */
  public Manifest parseStackato(String text, String source) {
    Objects.requireNonNull(source, "source");
    YamlNode root = YamlDocuments.parse(Objects.requireNonNull(text, "text"), source);
    return new StackatoReader(source).read(root);
  }

  /**
   * Reads a Cloud Foundry vars file: a YAML mapping of variable names to values, typed as YAML
   * resolves them, in file order: {@link String}, {@link Boolean}, null, {@link java.util.List}
   * and {@link Map} (unmodifiable, in file order), decimal integers as {@link Long} or, beyond
   * its range, {@link java.math.BigInteger}, and decimal floats as {@link Double}. Number forms
   * Java does not parse that way (such as {@code 0x1F}, {@code 1:30} or {@code .inf}) stay text.
   * No placeholder in the file is replaced. The file is read as
   * {@link #parseCloudFoundry(Path, Map)} reads one.
   *
   * @param file the vars file
   * @return the variables by name, unmodifiable; a value may be null, so copy it with
   *     {@link java.util.LinkedHashMap}, not {@link Map#copyOf}. Empty for a file that holds no
   *     document
   * @throws InvalidSpecException naming the file when it is not a YAML mapping, not YAML, not
   *     UTF-8 or too large
   * @throws IOException when the file cannot be read
   */
  public Map<String, Object> readVarsFile(Path file) throws IOException {
    return parseVars(read(file), file.toString());
  }

  /**
   * Reads vars file text; as {@link #readVarsFile(Path)}.
   *
   * @param text the whole vars file, at most {@value #MAX_BYTES} code points
   * @param source names the text in messages, such as the file it came from
   * @return the variables by name, as {@link #readVarsFile(Path)} returns them
   * @throws InvalidSpecException naming {@code source} when the text is not a YAML mapping, not
   *     YAML or too large
   */
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
