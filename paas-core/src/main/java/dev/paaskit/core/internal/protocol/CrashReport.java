package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.CrashInfo;
import java.util.List;

/** The wire form of {@link CrashInfo}. */
public record CrashReport(int exitCode, int signal, boolean memoryLimitExceeded, String reason,
    List<String> lastOutput) {
  public CrashReport {
    lastOutput = lastOutput == null ? List.of() : List.copyOf(lastOutput);
  }

  public CrashInfo toCrashInfo() {
    return new CrashInfo(exitCode, signal, memoryLimitExceeded, reason, lastOutput);
  }
}
