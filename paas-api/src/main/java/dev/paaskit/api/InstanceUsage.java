package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What one running instance used when its node last sampled it, beside its limits: the figures
 * {@code cf app} shows. A snapshot; immutable and thread-safe.
 *
 * <pre>{@code
 * controller.instances("web").forEach(i -> i.usage().ifPresent(u ->
 *     System.out.printf("#%d cpu %.1f%% memory %dM of %dM%n", i.index(), u.cpuPercent(),
 *         u.memoryBytes() >> 20, u.memoryLimitBytes() >> 20)));
 * }</pre>
 *
 * @param cpuPercent CPU time the instance used per wall time, in percent of one core, between
 *     the node's last two readings (the first reading is compared with the container's start):
 *     more than 100 for an instance busy on several cores
 * @param memoryBytes memory charged to the instance, as its backend counts it
 * @param memoryLimitBytes the memory limit the instance runs with ({@link AppSpec#memory()})
 * @param diskBytes space the instance's folder takes
 * @param diskQuotaBytes the disk quota the instance runs with ({@link AppSpec#disk()})
 * @param sampledAt when the node took the reading, by its clock
 */
public record InstanceUsage(double cpuPercent, long memoryBytes, long memoryLimitBytes,
    long diskBytes, long diskQuotaBytes, Instant sampledAt) {
  /**
   * Checks the figures.
   *
   * @param cpuPercent finite, 0 or more
   * @param memoryBytes 0 or more
   * @param memoryLimitBytes 0 or more
   * @param diskBytes 0 or more
   * @param diskQuotaBytes 0 or more
   * @param sampledAt not null
   * @throws IllegalArgumentException if a figure is negative or {@code cpuPercent} is not
   *     finite, showing them all
   * @throws NullPointerException if {@code sampledAt} is null
   */
  public InstanceUsage {
    Objects.requireNonNull(sampledAt, "sampledAt");
    if (!Double.isFinite(cpuPercent) || cpuPercent < 0 || memoryBytes < 0 || memoryLimitBytes < 0
        || diskBytes < 0 || diskQuotaBytes < 0) {
      throw new IllegalArgumentException("usage must be finite and not negative: cpu="
          + cpuPercent + "% memory=" + memoryBytes + "/" + memoryLimitBytes + " disk="
          + diskBytes + "/" + diskQuotaBytes);
    }
  }
}
