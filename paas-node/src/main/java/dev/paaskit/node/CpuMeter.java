package dev.paaskit.node;

/**
 * Turns one container's CPU time readings into percentages: the CPU time used between two
 * readings over the wall time between them on the node's clock, in percent of one core. The
 * first reading is compared with the container's start, when it had used nothing. Thread-safe.
 */
final class CpuMeter {
  private boolean started;
  private long cpuNanos;
  private long atNanos;

  /** Marks the container's start: no CPU time used, at {@code atNanos} on the clock. */
  synchronized void start(long atNanos) {
    this.started = true;
    this.cpuNanos = 0;
    this.atNanos = atNanos;
  }

  /** Whether {@link #start} was called: the container runs or ran. */
  synchronized boolean started() {
    return started;
  }

  /**
   * The percentage since the previous reading (or the start), which this reading then replaces.
   * A reading at the same instant as the previous one says nothing and replaces nothing.
   *
   * @param cpuNowNanos the container's CPU time now, as its backend counts it
   * @param nowNanos the clock's {@code nanoTime()} when it was read
   * @return 0 or more; 0 when no wall time passed or the count went down
   */
  synchronized double read(long cpuNowNanos, long nowNanos) {
    if (nowNanos - atNanos <= 0) {
      return 0;
    }
    double percent = percent(cpuNanos, atNanos, cpuNowNanos, nowNanos);
    cpuNanos = cpuNowNanos;
    atNanos = nowNanos;
    return percent;
  }

  /**
   * CPU time per wall time between two readings, in percent of one core: more than 100 for a
   * container busy on several cores.
   *
   * @return 0 when no wall time passed or the CPU time went down (the backend lost count, as
   *     when a process left the tree)
   */
  static double percent(long cpuBeforeNanos, long atBeforeNanos, long cpuNowNanos,
      long atNowNanos) {
    long wall = atNowNanos - atBeforeNanos;
    long cpu = cpuNowNanos - cpuBeforeNanos;
    if (wall <= 0 || cpu <= 0) {
      return 0;
    }
    return 100.0 * cpu / wall;
  }
}
