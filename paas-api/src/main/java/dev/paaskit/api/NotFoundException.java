package dev.paaskit.api;

/** The named app, package, droplet, instance or node does not exist. */
public final class NotFoundException extends PaasException {
  private final String kind;
  private final String name;

  public NotFoundException(String kind, String name) {
    super(kind + " '" + name + "' not found");
    this.kind = kind;
    this.name = name;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  @Override
  public String code() {
    return "not_found";
  }
}
