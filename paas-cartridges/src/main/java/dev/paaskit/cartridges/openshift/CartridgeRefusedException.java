package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.PaasException;
import java.util.Objects;

/**
 * A downloadable cartridge that was not added, with what went wrong and what to do: a manifest
 * not found, too large or an HTML page, a checksum mismatch, a scheme the operator does not
 * allow, files without {@code bin/control}. Nothing of it was stored.
 */
public final class CartridgeRefusedException extends PaasException {
  private final String url;

  public CartridgeRefusedException(String url, String problem) {
    this(url, problem, null);
  }

  public CartridgeRefusedException(String url, String problem, Throwable cause) {
    super(url + ": " + problem, cause);
    this.url = Objects.requireNonNull(url, "url");
  }

  /** The manifest or source URL at fault. */
  public String url() {
    return url;
  }

  @Override
  public String code() {
    return "cartridge_refused";
  }
}
