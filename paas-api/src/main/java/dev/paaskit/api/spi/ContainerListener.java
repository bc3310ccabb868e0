package dev.paaskit.api.spi;

/**
 * Hears what one container does. Methods are called from the backend's threads, one at a time
 * for a given container; they must be quick. {@link #onExit} is called exactly once, after the
 * last {@link #onOutput}.
 */
public interface ContainerListener {
  ContainerListener NONE = new ContainerListener() {};

  enum Stream { STDOUT, STDERR }

  /** One line the container wrote, without its line terminator. */
  default void onOutput(Stream stream, String line) {}

  /** The container's main process ended, on its own or because it was stopped. */
  default void onExit(ExitStatus status) {}
}
