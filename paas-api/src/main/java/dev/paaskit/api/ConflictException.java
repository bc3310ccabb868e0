package dev.paaskit.api;

/** The request conflicts with current state: a name already taken, an app not yet staged. */
public final class ConflictException extends PaasException {
  public ConflictException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "conflict";
  }
}
