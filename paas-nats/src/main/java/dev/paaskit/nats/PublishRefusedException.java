package dev.paaskit.nats;

/**
 * A {@link NatsBus} could not hand a message to NATS, and the message was not sent: the bus is
 * disconnected and its reconnect buffer is full, the connection's outgoing queue stayed full, or
 * the connection was closed under an open bus. The publisher decides whether to drop the message
 * or try later; the bus never blocks to wait for room.
 *
 * <p>An {@link IllegalStateException}, as the bus was in no state to send; a closed bus throws a
 * plain {@code IllegalStateException} instead.
 */
public final class PublishRefusedException extends IllegalStateException {
  /** The subject as it went on the wire, with the bus's subject prefix if it has one. */
  private final String subject;

  PublishRefusedException(String subject, String reason, Throwable cause) {
    super("publish to " + subject + " refused, the message was not sent: " + reason, cause);
    this.subject = subject;
  }

  /**
   * The subject of the message that was not sent.
   *
   * @return the subject as it went on the wire: with the bus's subject prefix, if it has one
   */
  public String subject() {
    return subject;
  }
}
