package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.PaasException;
import java.util.Objects;

/**
 * A cartridge manifest that cannot be used: not YAML, a required field missing, or a field of
 * the wrong shape. Names the field (empty when the whole document is at fault) and where the
 * manifest came from (a file or a URL).
 */
public final class InvalidCartridgeManifestException extends PaasException {
  private final String field;
  private final String source;

  public InvalidCartridgeManifestException(String source, String field, String problem) {
    super(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    this.source = Objects.requireNonNull(source, "source");
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The manifest field at fault, such as {@code Cartridge-Vendor}; empty for the whole file. */
  public String field() {
    return field;
  }

  /** The file or URL the manifest came from. */
  public String source() {
    return source;
  }

  @Override
  public String code() {
    return "invalid_cartridge_manifest";
  }
}
