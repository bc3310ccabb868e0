package dev.paaskit.api;

import java.util.List;

/**
 * Why an instance ended when nobody asked it to. Immutable and thread-safe.
 *
 * @param exitCode the exit code as a shell reports it: {@code 128 + signal} when a signal ended
 *     it; -1 when there is no exit code to report: the instance never ran (its droplet could
 *     not be fetched, say) or the node ended it because its health check never passed
 * @param signal the signal number that ended it, or 0
 * @param memoryLimitExceeded true when the node killed it for exceeding its memory limit
 * @param reason a short text such as {@code exited with code 3}, {@code health check timed out},
 *     {@code out of memory: limit 128M} or {@code disk quota exceeded: limit 1G} (the limit in
 *     the units a manifest uses)
 * @param lastOutput the last lines the instance wrote, oldest first
 * @param diskLimitExceeded true when the node killed it for writing more than its disk quota
 */
public record CrashInfo(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
    List<String> lastOutput, boolean diskLimitExceeded) {
  /**
   * Copies the output; a null reason is read as empty, a null output as none.
   *
   * @param exitCode not checked
   * @param signal not checked
   * @param memoryLimitExceeded as given
   * @param reason null for empty
   * @param lastOutput copied; null for none, and holding no null
   * @param diskLimitExceeded as given
   * @throws NullPointerException if {@code lastOutput} holds a null
   */
  public CrashInfo {
    reason = reason == null ? "" : reason;
    lastOutput = List.copyOf(lastOutput == null ? List.of() : lastOutput);
  }

  /**
   * A crash that was no disk-quota kill.
   *
   * @param exitCode not checked
   * @param signal not checked
   * @param memoryLimitExceeded as given
   * @param reason null for empty
   * @param lastOutput copied; null for none, and holding no null
   * @throws NullPointerException if {@code lastOutput} holds a null
   */
  public CrashInfo(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
      List<String> lastOutput) {
    this(exitCode, signal, memoryLimitExceeded, reason, lastOutput, false);
  }
}
