package dev.paaskit.api;

/**
 * The named app, package, droplet, instance or node does not exist (or no longer does). The
 * message reads {@code <kind> '<name>' not found}; the REST API answers it with 404.
 */
public final class NotFoundException extends PaasException {
  /** What was looked for. */
  private final String kind;
  /** The name or id it was looked for by. */
  private final String name;

  /**
   * A miss of the {@code kind} named {@code name}.
   *
   * @param kind what was looked for, in lower-case words, such as {@code app}, {@code node} or
   *     {@code droplet of app}
   * @param name the name or id it was looked for by
   */
  public NotFoundException(String kind, String name) {
    super(kind + " '" + name + "' not found");
    this.kind = kind;
    this.name = name;
  }

  /**
   * What was looked for.
   *
   * @return the kind as given, such as {@code app}
   */
  public String kind() {
    return kind;
  }

  /**
   * The name that found nothing.
   *
   * @return the name or id as given
   */
  public String name() {
    return name;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code not_found}
   */
  @Override
  public String code() {
    return "not_found";
  }
}
