package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.PaasException;
import java.util.Objects;

/**
 * A downloadable cartridge that was not added, with what went wrong and what to do: a manifest
 * not found, too large or an HTML page, a checksum mismatch, a scheme the operator does not
 * allow, files without {@code bin/control}. Nothing of it was stored.
 */
public final class CartridgeRefusedException extends PaasException {
  /** The URL at fault, already masked by {@link #shown}. */
  private final String url;

  /**
   * A cartridge refused for {@code problem}; the message is the masked URL, a colon and the
   * problem.
   *
   * @param url the manifest or source URL at fault; masked here, so it may hold credentials
   * @param problem what went wrong and what to do about it
   * @throws NullPointerException if {@code url} is null
   */
  public CartridgeRefusedException(String url, String problem) {
    this(url, problem, null);
  }

  /**
   * As {@link #CartridgeRefusedException(String, String)}, caused by {@code cause}.
   *
   * @param url the manifest or source URL at fault; masked here, so it may hold credentials
   * @param problem what went wrong and what to do about it
   * @param cause the failure behind it, such as an {@link java.io.IOException}; may be null.
   *     Its own message is kept as it is, so it must not carry a credential.
   * @throws NullPointerException if {@code url} is null
   */
  public CartridgeRefusedException(String url, String problem, Throwable cause) {
    super(shown(url) + ": " + problem, cause);
    this.url = shown(Objects.requireNonNull(url, "url"));
  }

  /**
   * The manifest or source URL at fault.
   *
   * @return the URL with its user info and query masked, fit for logs and API answers
   */
  public String url() {
    return url;
  }

  /**
   * {@code url} fit to show: a user or password in it, and its query (where tokens go), become
   * {@code ******}. Text that does not parse as a URL is masked by its shape: what could be a
   * user and password before an {@code @}, and what follows a {@code ?}.
   *
   * @param url a URL, or any text
   * @return {@code url} itself when it has neither user info nor a query, else a masked copy
   *     with the scheme, host, port, path and fragment kept
   * @throws NullPointerException if {@code url} is null
   */
  public static String shown(String url) {
    try {
      java.net.URI uri = new java.net.URI(url);
      if (uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
        return url;
      }
      StringBuilder b = new StringBuilder();
      if (uri.getScheme() != null) {
        b.append(uri.getScheme()).append(':');
      }
      if (uri.getRawAuthority() != null) {
        b.append("//");
        if (uri.getRawUserInfo() != null) {
          b.append("******@");
        }
        b.append(uri.getHost() == null ? "" : uri.getHost());
        if (uri.getPort() >= 0) {
          b.append(':').append(uri.getPort());
        }
      }
      b.append(uri.getRawPath() == null ? "" : uri.getRawPath());
      if (uri.getRawQuery() != null) {
        b.append("?******");
      }
      if (uri.getRawFragment() != null) {
        b.append('#').append(uri.getRawFragment());
      }
      return b.toString();
    } catch (java.net.URISyntaxException e) {
      return maskedText(url);
    }
  }

  /**
   * Text that does not parse as a URL, masked by its shape alone: what stands between
   * {@code ://} and the last {@code @} before the path, and everything after a {@code ?}.
   */
  private static String maskedText(String text) {
    String out = text;
    int query = out.indexOf('?');
    if (query >= 0) {
      out = out.substring(0, query) + "?******";
    }
    int scheme = out.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int slash = out.indexOf('/', start);
    int end = slash < 0 ? out.length() : slash;
    int at = out.lastIndexOf('@', end - 1);
    if (at >= start) {
      out = out.substring(0, start) + "******" + out.substring(at);
    }
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code cartridge_refused}
   */
  @Override
  public String code() {
    return "cartridge_refused";
  }
}
