package dev.paaskit.node;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of a node's instances. At start, an instance checked by port or HTTP is
 * probed every {@link #PROBE_INTERVAL} until it passes or its start timeout runs out; one checked
 * by PROCESS passes at once. While it runs, it is checked every liveness interval, and ended after
 * the configured number of failures in a row. Probes run on the executor, timed by the clock;
 * what a result means for the instance is the {@link Outcomes}' to decide. Thread-safe.
 */
final class Probes {
  private static final Logger log = LoggerFactory.getLogger(Probes.class);
  static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

  /** What the node does with the result of a check; called on executor threads. */
  interface Outcomes {
    /** The instance passed its first check: it runs. */
    void passed(Instance inst);

    /** The instance did not pass within its start timeout. */
    void neverPassed(Instance inst);

    /** A running instance failed this many checks in a row, the configured most. */
    void failedWhileRunning(Instance inst, int failures);
  }

  private final NodeOptions options;
  private final Clock clock;
  private final Executor executor;
  private final BooleanSupplier live;
  private final Outcomes outcomes;

  /** @param live whether the node still runs; no check starts once it does not */
  Probes(NodeOptions options, Clock clock, Executor executor, BooleanSupplier live,
      Outcomes outcomes) {
    this.options = options;
    this.clock = clock;
    this.executor = executor;
    this.live = live;
    this.outcomes = outcomes;
  }

  /** Checks a started instance until it passes or its start timeout runs out. */
  void awaitHealthy(Instance inst) {
    if (checkedByProcess(inst)) {
      outcomes.passed(inst);
      return;
    }
    long deadline = clock.nanoTime()
        + TimeUnit.MILLISECONDS.toNanos(inst.command.startTimeoutMillis());
    probe(inst, deadline);
  }

  private void probe(Instance inst, long deadlineNanos) {
    if (inst.stopRequested || inst.report.state() != InstanceState.STARTING
        || !live.getAsBoolean()) {
      return;
    }
    executor.execute(() -> {
      if (healthy(inst)) {
        outcomes.passed(inst);
      } else if (clock.nanoTime() - deadlineNanos > 0) {
        outcomes.neverPassed(inst);
      } else {
        inst.probe = clock.schedule(PROBE_INTERVAL, () -> probe(inst, deadlineNanos));
      }
    });
  }

  /**
   * Keeps checking a RUNNING instance every liveness interval, unless it is checked by PROCESS or
   * liveness checks are off.
   */
  void watch(Instance inst) {
    if (!checkedByProcess(inst) && !options.livenessInterval.isZero()) {
      checkLiveness(inst, 0);
    }
  }

  private void checkLiveness(Instance inst, int failures) {
    inst.probe = clock.schedule(options.livenessInterval, () -> executor.execute(() -> {
      if (!live.getAsBoolean() || inst.stopRequested
          || inst.report.state() != InstanceState.RUNNING) {
        return;
      }
      if (healthy(inst)) {
        checkLiveness(inst, 0);
      } else if (failures + 1 >= options.livenessFailures) {
        outcomes.failedWhileRunning(inst, failures + 1);
      } else {
        checkLiveness(inst, failures + 1);
      }
    }));
  }

  private boolean healthy(Instance inst) {
    try {
      return options.prober.healthy(new HealthProber.Probe(inst.id(), inst.command.appName(),
          inst.command.index(), inst.command.healthCheckType(), options.address,
          inst.report.port(), inst.command.healthCheckEndpoint()));
    } catch (RuntimeException e) {
      log.warn("node {}: health prober failed for {}: {}", options.id, inst.id(), e.toString());
      return false;
    }
  }

  private static boolean checkedByProcess(Instance inst) {
    return "PROCESS".equals(inst.command.healthCheckType());
  }
}
