package dev.paaskit.api.spi;

/**
 * Hears what one container does. Methods are called from the backend's threads, one at a time
 * for a given container; they must be quick. {@link #onExit} is called exactly once, after the
 * last {@link #onOutput}.
 */
public interface ContainerListener {
  /** Hears nothing: what a spec without a listener gets. */
  ContainerListener NONE = new ContainerListener() {};

  /** Which output stream a line came from. */
  enum Stream {
    /** The container's standard output. */
    STDOUT,
    /** The container's standard error. */
    STDERR
  }

  /**
   * One line the container wrote, without its line terminator; a last line without one counts
   * too. Lines of one stream come in the order written. Does nothing by default.
   *
   * @param stream where the line was written
   * @param line the text, possibly empty
   */
  default void onOutput(Stream stream, String line) {}

  /**
   * The container's main process ended, on its own or because it was stopped; also a container
   * stopped before it started. Does nothing by default.
   *
   * @param status how it ended
   */
  default void onExit(ExitStatus status) {}
}
