package dev.paaskit.rest;

/**
 * The REST API refused a request for a reason outside the {@link dev.paaskit.api.PaasException}
 * family, which {@link RemoteController} throws as the same types as an in-process controller.
 * Codes the server sends: {@code unauthorized} (401: no or a wrong admin token),
 * {@code bad_request} (400: a malformed body or query), {@code unknown_route} (404),
 * {@code method_not_allowed} (405), {@code body_too_large} (413), {@code internal_error} (500:
 * the server's log holds the details under the id the message names); an answer that is not the
 * API's JSON gets {@code http_<status>}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(code + " (HTTP " + status + "): " + message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  /** The short, stable code of the error, such as {@code unauthorized}. */
  public String code() {
    return code;
  }
}
