package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.CrashInfo;
import java.util.List;

/**
 * The wire form of {@link CrashInfo}; {@code diskLimitExceeded} is false from a node older than
 * it.
 */
public record CrashReport(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
    List<String> lastOutput, boolean diskLimitExceeded) {
  public CrashReport {
    lastOutput = lastOutput == null ? List.of() : List.copyOf(lastOutput);
  }

  /** A crash that was no disk-quota kill. */
  public CrashReport(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
      List<String> lastOutput) {
    this(exitCode, signal, memoryLimitExceeded, reason, lastOutput, false);
  }

  public CrashInfo toCrashInfo() {
    return new CrashInfo(exitCode, signal, memoryLimitExceeded, reason, lastOutput,
        diskLimitExceeded);
  }
}
