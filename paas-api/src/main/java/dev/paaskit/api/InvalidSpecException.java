package dev.paaskit.api;

/** A field of an app spec or manifest has a value that cannot be used. Nothing was stored. */
public final class InvalidSpecException extends PaasException {
  private final String field;
  private final String value;

  public InvalidSpecException(String field, String value, String problem) {
    super("invalid " + field + " '" + value + "': " + problem);
    this.field = field;
    this.value = value;
  }

  public String field() {
    return field;
  }

  public String value() {
    return value;
  }

  @Override
  public String code() {
    return "invalid_spec";
  }
}
