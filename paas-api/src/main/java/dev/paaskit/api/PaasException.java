package dev.paaskit.api;

/**
 * The family of domain failures: each subtype carries what a user needs to act on it (the
 * field, the archive entry, the files looked at, the resource that ran short). Misuse of an API
 * is an {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public abstract class PaasException extends RuntimeException {
  protected PaasException(String message) {
    super(message);
  }

  protected PaasException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A short stable code for APIs and CLIs, such as {@code invalid_spec}. */
  public abstract String code();
}
