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

  /** The HTTP status of the answer. */
  private final int status;
  /** The error's code, as the server sent it or {@code http_<status>}. */
  private final String code;

  /**
   * A refusal the server answered with {@code status}; the message reads
   * {@code <code> (HTTP <status>): <message>}.
   *
   * @param status the answer's HTTP status, such as 401
   * @param code the error's code, such as {@code unauthorized}
   * @param message the server's message, or the start of a body that was not the API's JSON
   */
  public ApiException(int status, String code, String message) {
    super(code + " (HTTP " + status + "): " + message);
    this.status = status;
    this.code = code;
  }

  /**
   * The HTTP status of the answer.
   *
   * @return the status, such as 401 or 500
   */
  public int status() {
    return status;
  }

  /**
   * The short, stable code of the error.
   *
   * @return the code, such as {@code unauthorized}; {@code http_<status>} for an answer that was
   *     not the API's JSON
   */
  public String code() {
    return code;
  }
}
