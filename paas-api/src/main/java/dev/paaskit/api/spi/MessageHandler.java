package dev.paaskit.api.spi;

/**
 * Handles messages of one subscription. A bus calls one subscription's handler one message at a
 * time, in the order the bus received them; an exception is logged by the bus and does not end
 * the subscription.
 */
@FunctionalInterface
public interface MessageHandler {
  /**
   * Handles one message; it must not block for long, as it holds up its subscription's later
   * messages.
   *
   * @param message the message, whose bytes it must not modify
   * @throws Exception anything; the bus logs it and goes on with the next message
   */
  void onMessage(Message message) throws Exception;
}
