package dev.paaskit.api.spi;

/**
 * How a container's main process ended.
 *
 * @param exitCode the exit code, or {@code 128 + signal} when a signal ended it, as a shell
 *     reports it
 * @param signal the signal that ended it, or 0
 * @param memoryLimitExceeded the backend killed it for exceeding its memory limit
 * @param requested the container was stopped on request rather than ending on its own
 */
public record ExitStatus(int exitCode, int signal, boolean memoryLimitExceeded, boolean requested) {
  public static ExitStatus exited(int exitCode) {
    return new ExitStatus(exitCode, 0, false, false);
  }

  public static ExitStatus signalled(int signal, boolean requested) {
    return new ExitStatus(128 + signal, signal, false, requested);
  }

  public String describe() {
    if (memoryLimitExceeded) {
      return "killed for exceeding its memory limit (exit " + exitCode + ")";
    }
    return signal != 0 ? "killed by signal " + signal : "exited with code " + exitCode;
  }
}
