package dev.paaskit.api;

/**
 * Receives events as they happen, on the executor it was registered with. An exception thrown
 * by a listener is logged and does not reach other listeners.
 */
@FunctionalInterface
public interface EventListener {
  /**
   * Called once for each event of the cloud, of every app and node, in the order the cloud heard
   * them when the executor runs tasks in order.
   *
   * @param event the event, shared with the other listeners
   */
  void onEvent(Event event);
}
