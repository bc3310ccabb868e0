package dev.paaskit.api.spi;

/**
 * How a container's main process ended. Immutable and thread-safe; nothing is checked.
 *
 * @param exitCode the exit code, or {@code 128 + signal} when a signal ended it, as a shell
 *     reports it
 * @param signal the signal that ended it, or 0
 * @param memoryLimitExceeded the backend killed it for exceeding its memory limit
 * @param requested the container was stopped on request rather than ending on its own
 * @param diskLimitExceeded the backend killed it for writing more than its disk quota
 */
public record ExitStatus(int exitCode, int signal, boolean memoryLimitExceeded, boolean requested,
    boolean diskLimitExceeded) {
  /**
   * An exit that was no disk kill.
   *
   * @param exitCode the exit code, or {@code 128 + signal}
   * @param signal the signal that ended it, or 0
   * @param memoryLimitExceeded the backend killed it for exceeding its memory limit
   * @param requested the container was stopped on request
   */
  public ExitStatus(int exitCode, int signal, boolean memoryLimitExceeded, boolean requested) {
    this(exitCode, signal, memoryLimitExceeded, requested, false);
  }

  /**
   * An end on the process's own terms, not by a signal.
   *
   * @param exitCode the code it exited with, 0 to 255
   * @return an exit that was not requested and not a memory kill
   */
  public static ExitStatus exited(int exitCode) {
    return new ExitStatus(exitCode, 0, false, false);
  }

  /**
   * An end by a signal, not for exceeding the memory limit.
   *
   * @param signal the signal's number, such as 15 for SIGTERM or 9 for SIGKILL
   * @param requested whether a stop sent it
   * @return an exit whose code is {@code 128 + signal}
   */
  public static ExitStatus signalled(int signal, boolean requested) {
    return new ExitStatus(128 + signal, signal, false, requested);
  }

  /**
   * The end in words, for crash reasons and logs.
   *
   * @return {@code exited with code 3}, {@code killed by signal 9},
   *     {@code killed for exceeding its memory limit (exit 137)} or
   *     {@code killed for exceeding its disk quota (exit 137)}
   */
  public String describe() {
    if (diskLimitExceeded) {
      return "killed for exceeding its disk quota (exit " + exitCode + ")";
    }
    if (memoryLimitExceeded) {
      return "killed for exceeding its memory limit (exit " + exitCode + ")";
    }
    return signal != 0 ? "killed by signal " + signal : "exited with code " + exitCode;
  }
}
