package dev.paaskit.core.internal.protocol;

/** The answer to a command: accepted, or refused with a reason. */
public record Ack(boolean ok, String error) {
  public static Ack accepted() {
    return new Ack(true, null);
  }

  public static Ack refused(String error) {
    return new Ack(false, error);
  }
}
