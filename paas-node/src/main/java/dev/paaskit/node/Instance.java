package dev.paaskit.node;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.node.internal.InstanceLog;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One instance on a node, from its admission until the node forgets it. Its report changes only
 * under the instance's lock; the flags are read without it.
 */
final class Instance {
  final StartInstance command;
  final Path dir;
  final InstanceLog output;
  volatile InstanceReport report;
  volatile boolean stopRequested;
  volatile boolean containerCreated;
  /** Whether routers were told of it and not told since that it is gone. */
  volatile boolean routed;
  /**
   * STARTING is not yet published: it is once the container is started and still starting, or
   * never when it is already past that (a process check passes at once), which spares a report
   * per instance. Until then the report's seq is 0, so no heartbeat announces it. Guarded by
   * this.
   */
  boolean startingUnsent = true;
  /** The next health check, at start or while running. */
  volatile Cancellable probe;
  /** Set when the instance runs as a cartridge gear; torn down once it has ended. */
  volatile Gear gear;
  /** Set once its port, reservation, container and folder are being released. */
  final AtomicBoolean cleanedUp = new AtomicBoolean();
  /** Started with its container; turns its CPU time readings into percentages. */
  final CpuMeter cpu = new CpuMeter();

  Instance(StartInstance command, Path dir, InstanceReport report, InstanceLog output) {
    this.command = command;
    this.dir = dir;
    this.report = report;
    this.output = output;
  }

  String id() {
    return command.instanceId();
  }
}
