package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.PaasException;
import java.util.Objects;

/**
 * A cartridge manifest that cannot be used: not YAML, a required field missing, or a field of
 * the wrong shape. Names the field (empty when the whole document is at fault) and where the
 * manifest came from (a file or a URL).
 */
public final class InvalidCartridgeManifestException extends PaasException {
  /** The manifest key at fault, such as {@code Endpoints[0].Private-Port}; empty for all. */
  private final String field;
  /** Where the manifest came from: a file name or a URL, as the reader gave it. */
  private final String source;

  /**
   * A manifest refused, with the message {@code source: field: problem} ({@code field} and its
   * colon left out when empty).
   *
   * @param source the file or URL the manifest came from; shown as given, so mask credentials
   *     in a URL first (see {@link CartridgeRefusedException#shown})
   * @param field the key at fault, dotted and indexed for nested ones, or empty
   * @param problem what is wrong and, where it helps, how to fix it
   * @throws NullPointerException if {@code source} or {@code field} is null
   */
  public InvalidCartridgeManifestException(String source, String field, String problem) {
    super(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    this.source = Objects.requireNonNull(source, "source");
    this.field = Objects.requireNonNull(field, "field");
  }

  /**
   * The manifest field at fault.
   *
   * @return the key, such as {@code Cartridge-Vendor} or {@code Endpoints[0].Private-Port};
   *     empty when the whole document is at fault (not YAML, not a mapping)
   */
  public String field() {
    return field;
  }

  /**
   * The file or URL the manifest came from.
   *
   * @return the source as the reader named it
   */
  public String source() {
    return source;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code invalid_cartridge_manifest}
   */
  @Override
  public String code() {
    return "invalid_cartridge_manifest";
  }
}
