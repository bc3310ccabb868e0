package dev.paaskit.api;

/**
 * The family of domain failures: each subtype carries what a user needs to act on it (the
 * field, the archive entry, the files looked at, the resource that ran short). Misuse of an API
 * is an {@link IllegalArgumentException} or {@link IllegalStateException} instead. Unchecked, so
 * it crosses {@link java.util.concurrent.CompletableFuture} stages as their cause.
 */
public abstract class PaasException extends RuntimeException {
  /**
   * A failure told by {@code message}.
   *
   * @param message what went wrong, naming the offending value; shown to users as it is
   */
  protected PaasException(String message) {
    super(message);
  }

  /**
   * A failure told by {@code message}, caused by {@code cause}.
   *
   * @param message what went wrong, naming the offending value; shown to users as it is
   * @param cause the failure beneath it, kept for logs; may be null
   */
  protected PaasException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A short stable code for APIs and CLIs, which the REST API sends as the error's {@code code}
   * and a remote client turns back into the same exception type.
   *
   * @return a constant of lower-case words joined by '_', such as {@code invalid_spec}; the same
   *     for every instance of a type
   */
  public abstract String code();
}
