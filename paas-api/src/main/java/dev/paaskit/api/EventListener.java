package dev.paaskit.api;

/**
 * Receives events as they happen, on the executor it was registered with. An exception thrown
 * by a listener is logged and does not reach other listeners.
 */
@FunctionalInterface
public interface EventListener {
  void onEvent(Event event);
}
