package dev.paaskit.api;

/**
 * A field of an app spec or manifest has a value that cannot be used. Nothing was stored. The
 * message reads {@code invalid <field> '<value>': <problem>}; the REST API answers it with 422
 * and the field and value apart.
 */
public final class InvalidSpecException extends PaasException {
  /** The field that cannot be used. */
  private final String field;
  /** The value that cannot be used; null when there was none. */
  private final String value;

  /**
   * A refusal of {@code value} for {@code field}.
   *
   * @param field the field as a user wrote it, such as {@code instances}, {@code labels.tier}
   *     or, from a manifest, {@code applications[0].memory (line 7)}
   * @param value the offending value as given; null when there was none. Never a secret's value
   * @param problem what would be accepted, such as {@code must be between 0 and 100000}
   */
  public InvalidSpecException(String field, String value, String problem) {
    super("invalid " + field + " '" + value + "': " + problem);
    this.field = field;
    this.value = value;
  }

  /**
   * The field that cannot be used.
   *
   * @return the field's name or path, as given to the constructor
   */
  public String field() {
    return field;
  }

  /**
   * The value that cannot be used.
   *
   * @return the value as given, or null when the field had none
   */
  public String value() {
    return value;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code invalid_spec}
   */
  @Override
  public String code() {
    return "invalid_spec";
  }
}
