package dev.paaskit.api.spi;

/**
 * Handles messages of one subscription. A bus calls one subscription's handler one message at a
 * time, in the order the bus received them; an exception is logged by the bus and does not end
 * the subscription.
 */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(Message message) throws Exception;
}
