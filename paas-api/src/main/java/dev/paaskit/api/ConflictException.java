package dev.paaskit.api;

/**
 * The request conflicts with current state: a name or route already taken, an app not yet
 * staged, a built-in cartridge that cannot be removed, or a record that kept changing under the
 * request. Nothing was changed; the message says what is in the way. The REST API answers it with
 * 409.
 */
public final class ConflictException extends PaasException {
  /**
   * A conflict described by {@code message}.
   *
   * @param message what is in the way, naming it, such as {@code an app named 'web' already
   *     exists}
   */
  public ConflictException(String message) {
    super(message);
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code conflict}
   */
  @Override
  public String code() {
    return "conflict";
  }
}
