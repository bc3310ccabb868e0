package dev.paaskit.node;

import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.core.internal.protocol.UsageReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples what the node's containers use, on the heartbeat's cadence and at most once every
 * {@link #INTERVAL} on the clock: a beat that finds a sample due starts one on the node's
 * executor (a backend may block reading {@code /proc} or walking folders), and the next beat
 * carries what it read. Each sample also becomes part of its instance's report, so full
 * heartbeats and {@code NodeAgent.instances()} show it. One sample runs at a time. Thread-safe.
 */
final class UsageSampler {
  /** How often the node reads its containers' usage. */
  static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);

  private final String nodeId;
  private final Clock clock;
  private final Executor executor;
  private final Collection<Instance> instances;
  private final Supplier<ContainerBackend> backend;
  private final AtomicBoolean sampling = new AtomicBoolean();
  /** What the latest sample read, until a beat takes it. */
  private final AtomicReference<List<UsageReport>> fresh = new AtomicReference<>(List.of());
  /** When the latest sample started, on the clock; guarded by {@link #sampling}. */
  private long startedNanos;
  private boolean everStarted;

  /**
   * @param instances a live view of the node's instances
   * @param backend the node's backend, null until it has one
   */
  UsageSampler(String nodeId, Clock clock, Executor executor, Collection<Instance> instances,
      Supplier<ContainerBackend> backend) {
    this.nodeId = nodeId;
    this.clock = clock;
    this.executor = executor;
    this.instances = instances;
    this.backend = backend;
  }

  /**
   * Called by every heartbeat: takes what was read since the last beat, and starts a sample
   * when the last one started {@link #INTERVAL} ago or more and has finished.
   *
   * @return the samples for this beat to carry; empty between samples
   */
  List<UsageReport> onBeat() {
    List<UsageReport> taken = fresh.getAndSet(List.of());
    if (sampling.compareAndSet(false, true)) {
      long now = clock.nanoTime();
      if (everStarted && now - startedNanos < INTERVAL.toNanos()) {
        sampling.set(false);
        return taken;
      }
      everStarted = true;
      startedNanos = now;
      try {
        executor.execute(this::sample);
      } catch (RejectedExecutionException e) {
        sampling.set(false);
      }
    }
    return taken;
  }

  private void sample() {
    try {
      ContainerBackend b = backend.get();
      if (b == null) {
        return;
      }
      List<UsageReport> read = new ArrayList<>();
      for (Instance inst : instances) {
        sample(b, inst).ifPresent(read::add);
      }
      if (!read.isEmpty()) {
        fresh.set(List.copyOf(read));
      }
    } finally {
      sampling.set(false);
    }
  }

  /** Reads one instance whose container runs, and records the reading in its report. */
  private Optional<UsageReport> sample(ContainerBackend b, Instance inst) {
    if (!inst.cpu.started() || !inst.report.state().isActive()) {
      return Optional.empty();
    }
    long at = clock.nanoTime();
    Optional<ContainerStats> stats;
    try {
      stats = b.stats(inst.id());
    } catch (RuntimeException e) {
      log.debug("node {}: no stats for {}: {}", nodeId, inst.id(), e.toString());
      return Optional.empty();
    }
    if (stats.isEmpty()) {
      return Optional.empty();
    }
    ContainerStats s = stats.get();
    UsageReport usage = new UsageReport(inst.id(), inst.cpu.read(s.cpuNanos(), at),
        s.memoryBytes(), s.diskBytes(), clock.now().toEpochMilli());
    synchronized (inst) {
      if (!inst.report.state().isActive()) {
        return Optional.empty();
      }
      inst.report = inst.report.withUsage(usage);
    }
    return Optional.of(usage);
  }
}
