package dev.paaskit.rest;

/**
 * A request the server refuses for a reason of HTTP rather than of the domain: a malformed body,
 * an unknown route, a wrong method, a body too large, a missing token. Thrown by the server's
 * request handling and answered as {@code {"error": {...}}} with its status.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;
  private final String allow;

  HttpError(int status, String code, String field, String message) {
    this(status, code, field, message, null);
  }

  /** @param allow for a 405, the methods to list in the {@code Allow} header */
  HttpError(int status, String code, String field, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.allow = allow;
  }

  static HttpError badRequest(String field, String message) {
    return new HttpError(400, "bad_request", field, message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** The request field or query parameter to blame, or null. */
  String field() {
    return field;
  }

  /** The methods a 405 names in its {@code Allow} header, or null. */
  String allow() {
    return allow;
  }
}
