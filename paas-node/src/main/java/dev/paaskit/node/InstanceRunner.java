package dev.paaskit.node;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.CrashReport;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's instances through its container backend, from admission to clean-up: fetches
 * and unpacks the droplet, makes the instance a gear when its droplet is one, starts its
 * container with its environment, has it probed, routes it once healthy, stops it (after the
 * drain period, with the stop grace), hears its exit, and releases its port, container and
 * folder. Every state change is published with the next change seq.
 *
 * <p>Thread-safe: an instance's state changes under its lock; the backend is set once, by
 * {@link #open}, before any start is admitted.
 */
final class InstanceRunner implements Probes.Outcomes {
  private static final Logger log = LoggerFactory.getLogger(InstanceRunner.class);

  private final NodeOptions options;
  private final MessageBus bus;
  private final Clock clock;
  private final Executor executor;
  private final Map<String, Instance> instances;
  private final Admission admission;
  private final DropletCache droplets;
  private final InstanceEnvironment environment;
  private final Gears gears;
  private final RouteAnnouncer routes;
  private final Heartbeats heartbeats;
  private final InstanceLogs logs;
  private final Probes probes;
  private final BooleanSupplier live;
  private volatile ContainerBackend backend;
  /** Clean-ups under way: a gear's teardown among them runs on the backend. */
  private final Set<CompletableFuture<Void>> cleaningUp = ConcurrentHashMap.newKeySet();

  /**
   * @param instances the node's instances, which this runner adds to and forgets from
   * @param live whether the node still runs: it admits nothing, and leaves containers to the
   *     backend's close, once it does not
   * @throws IOException if the droplet cache's folder cannot be made
   */
  InstanceRunner(NodeOptions options, MessageBus bus, Clock clock, Executor executor,
      BlobStore blobs, Map<String, Instance> instances, Heartbeats heartbeats,
      RouteAnnouncer routes, InstanceLogs logs, BooleanSupplier live) throws IOException {
    this.options = options;
    this.bus = bus;
    this.clock = clock;
    this.executor = executor;
    this.instances = instances;
    this.admission = new Admission(options.id, options.capacity, options.cpuShares,
        options.ports);
    this.droplets = new DropletCache(options.workDir.resolve("droplets"), blobs, executor);
    this.environment = new InstanceEnvironment(options.baseEnv, options.id, options.address);
    this.gears = new Gears(options.gears, blobs, options.ports, options.address, logs);
    this.routes = routes;
    this.heartbeats = heartbeats;
    this.logs = logs;
    this.live = live;
    this.probes = new Probes(options, clock, executor, live, this);
  }

  /** Runs containers on {@code backend} from now on. */
  void open(ContainerBackend backend) {
    this.backend = backend;
  }

  Gears gears() {
    return gears;
  }

  /**
   * The clean-ups of ended instances under way now, gear teardowns among them, which need the
   * backend open.
   *
   * @return completes once every one of them has ended; never fails
   */
  CompletableFuture<Void> cleanedUp() {
    return CompletableFuture.allOf(cleaningUp.toArray(CompletableFuture[]::new));
  }

  /** Checks room for {@code cmd} and records it STARTING; its launch goes on on the executor. */
  Ack admit(StartInstance cmd) {
    if (!live.getAsBoolean()) {
      return Ack.refused("node " + options.id + " is stopping");
    }
    Admission.Decision decision = admission.admit(cmd, instances::containsKey);
    if (!decision.admitted()) {
      return decision.ack();
    }
    Path dir = options.workDir.resolve("instances").resolve(cmd.instanceId());
    // STARTING from the start, seq 0 until it is published: heartbeats announce no change that
    // no report carries yet.
    InstanceReport report = new InstanceReport(cmd.instanceId(), options.id, cmd.appId(),
        cmd.appName(), cmd.generation(), cmd.index(), cmd.dropletSha256(), InstanceState.STARTING,
        options.address, decision.port(), cmd.memoryBytes(), cmd.diskBytes(),
        clock.now().toEpochMilli(), null, 0, cmd.cpuShares());
    Instance inst = new Instance(cmd, dir, report, logs.newLog());
    // In the map before it takes a seq: a heartbeat snapshot that misses it was taken before
    // this put, so its seq is lower than the one given here, and the instance is not "gone".
    instances.put(cmd.instanceId(), inst);
    executor.execute(() -> launch(inst));
    return decision.ack();
  }

  private void launch(Instance inst) {
    CompletableFuture<Path> fetched = options.unpackDroplets
        ? droplets.get(inst.command.dropletSha256()) : CompletableFuture.completedFuture(null);
    if (fetched.isDone() && !fetched.isCompletedExceptionally()) {
      // The droplet is at hand (cached, or not unpacked): start on this thread, no hand-off.
      startContainer(inst, fetched.join());
      publishStartingIfStill(inst);
      return;
    }
    publishStartingIfStill(inst);
    fetched.thenAcceptAsync(droplet -> startContainer(inst, droplet), executor).exceptionally(e -> {
      failToStart(inst, "could not fetch its droplet: " + rootMessage(e));
      return null;
    });
  }

  private void startContainer(Instance inst, Path droplet) {
    try {
      synchronized (inst) {
        if (inst.stopRequested) {
          return;
        }
        String command = inst.command.command();
        Map<String, String> env = environment.of(inst.command, inst.dir, inst.report.port());
        ResourceLimits limits =
            new ResourceLimits(inst.command.memoryBytes(), inst.command.diskBytes(), 1024);
        if (droplet != null) {
          options.unpacker.unpack(droplet, inst.dir);
          Optional<Gear> gear = gears.prepare(inst, command, env, backend, limits);
          if (gear.isPresent()) {
            command = gear.get().command();
            env = gear.get().env();
          }
        }
        backend.create(new ContainerSpec(inst.id(), inst.dir, command, env, limits,
            new Listener(inst)));
        inst.containerCreated = true;
        backend.start(inst.id());
        inst.cpu.start(clock.nanoTime());
      }
      probes.awaitHealthy(inst);
    } catch (Exception e) {
      failToStart(inst, "could not start: " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @Override
  public void passed(Instance inst) {
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.STARTING) {
        return;
      }
      routes.register(inst);
      setState(inst, InstanceState.RUNNING, null);
      probes.watch(inst);
    }
  }

  @Override
  public void neverPassed(Instance inst) {
    String reason = "health check did not pass within "
        + Duration.ofMillis(inst.command.startTimeoutMillis()).toSeconds() + " s";
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.STARTING) {
        return;
      }
      setState(inst, InstanceState.CRASHED,
          new CrashReport(-1, 0, false, reason, logs.lastLines(inst)));
      inst.stopRequested = true;
    }
    backend.stop(inst.id(), options.stopGrace);
  }

  /** Ends a running instance that keeps failing its health check, as CRASHED. */
  @Override
  public void failedWhileRunning(Instance inst, int failures) {
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.RUNNING) {
        return;
      }
      routes.unregister(inst);
      setState(inst, InstanceState.CRASHED, new CrashReport(-1, 0, false, "health check failed "
          + failures + " time(s) in a row while running", logs.lastLines(inst)));
      inst.stopRequested = true;
    }
    backend.stop(inst.id(), options.stopGrace);
  }

  private void failToStart(Instance inst, String reason) {
    log.warn("node {}: instance {} of {} {}", options.id, inst.command.index(),
        inst.command.appName(), reason);
    synchronized (inst) {
      if (!inst.report.state().isActive()) {
        return;
      }
      cleanUp(inst);
      setState(inst, InstanceState.CRASHED,
          new CrashReport(-1, 0, false, reason, logs.lastLines(inst)));
    }
  }

  /** Stops the instance of this id, if the node has it. */
  void stop(String instanceId, String reason) {
    Instance inst = instances.get(instanceId);
    if (inst != null) {
      stop(inst, reason);
    }
  }

  /**
   * Takes the instance's routes away and, after the drain period, stops its container with the
   * stop grace.
   *
   * @return completes once its container has ended, or at once when it has none
   */
  CompletableFuture<?> stop(Instance inst, String reason) {
    synchronized (inst) {
      if (inst.stopRequested && inst.report.state() != InstanceState.RUNNING) {
        return CompletableFuture.completedFuture(null);
      }
      inst.stopRequested = true;
      Cancellable p = inst.probe;
      if (p != null) {
        p.cancel();
      }
      if (!inst.report.state().isActive()) {
        return CompletableFuture.completedFuture(null);
      }
      routes.unregister(inst);
      setState(inst, InstanceState.STOPPING, null);
      if (!inst.containerCreated) {
        cleanUp(inst);
        setState(inst, InstanceState.STOPPED, null);
        return CompletableFuture.completedFuture(null);
      }
    }
    log.debug("node {}: stopping {}: {}", options.id, inst.id(), reason);
    if (options.drainPeriod.isZero()) {
      return backend.stop(inst.id(), options.stopGrace);
    }
    // The route is gone; requests already on their way get the drain period to finish.
    CompletableFuture<Object> stopped = new CompletableFuture<>();
    clock.schedule(options.drainPeriod, () -> backend.stop(inst.id(), options.stopGrace)
        .whenComplete((exit, error) -> {
          if (error != null) {
            stopped.completeExceptionally(error);
          } else {
            stopped.complete(exit);
          }
        }));
    return stopped;
  }

  private void onExit(Instance inst, ExitStatus exit) {
    synchronized (inst) {
      try {
        routes.unregister(inst);
      } finally {
        // The process has ended: its port is free before anyone hears it stopped.
        cleanUp(inst);
        InstanceState state = inst.report.state();
        if (inst.stopRequested || exit.requested()) {
          if (state != InstanceState.CRASHED) {
            setState(inst, InstanceState.STOPPED, null);
          }
        } else if (state.isActive()) {
          setState(inst, InstanceState.CRASHED, new CrashReport(exit.exitCode(), exit.signal(),
              exit.memoryLimitExceeded(), crashReason(exit, inst.command), logs.lastLines(inst),
              exit.diskLimitExceeded()));
        }
      }
    }
  }

  /**
   * Why a container that ended on its own crashed, in a user's words: a kill for a limit names
   * the limit as a manifest writes it ({@code out of memory: limit 128M},
   * {@code disk quota exceeded: limit 1G}); any other end is described by its exit.
   */
  static String crashReason(ExitStatus exit, StartInstance command) {
    if (exit.diskLimitExceeded()) {
      return "disk quota exceeded: limit " + size(command.diskBytes());
    }
    if (exit.memoryLimitExceeded()) {
      return "out of memory: limit " + size(command.memoryBytes());
    }
    return exit.describe();
  }

  private static String size(long bytes) {
    return bytes > 0 ? ByteSize.ofBytes(bytes).toString() : bytes + "B";
  }

  /**
   * Frees the instance's port and reservation at once, and its container and folder soon after;
   * remembers its last state for the terminal retention. Runs once per instance.
   */
  private void cleanUp(Instance inst) {
    if (!inst.cleanedUp.compareAndSet(false, true)) {
      return;
    }
    admission.release(inst.command, inst.report.port());
    CompletableFuture<Void> cleaning = CompletableFuture.runAsync(() -> {
      try {
        if (inst.containerCreated && live.getAsBoolean()) {
          // A stopping node closes its backend, which forgets every container itself.
          backend.remove(inst.id());
        }
        Gears.teardown(inst);
        Trees.delete(inst.dir);
      } catch (NoSuchFileException e) {
        // Already gone, as when the node's whole folder is removed at shutdown: nothing to do.
      } catch (IOException | RuntimeException e) {
        log.warn("node {}: cleaning up {} failed: {}", options.id, inst.id(), e.toString());
      }
    }, executor);
    cleaningUp.add(cleaning);
    cleaning.whenComplete((done, error) -> cleaningUp.remove(cleaning));
    clock.schedule(options.terminalRetention, () -> instances.remove(inst.id(), inst));
  }

  private void setState(Instance inst, InstanceState state, CrashReport crash) {
    inst.report = inst.report.withState(state, clock.now().toEpochMilli(), crash,
        heartbeats.nextSeq());
    inst.startingUnsent = false;
    Json.publish(bus, Subjects.INSTANCE_STATE, inst.report);
  }

  /** Publishes STARTING, with its seq, unless the instance has moved on since it was admitted. */
  private void publishStartingIfStill(Instance inst) {
    synchronized (inst) {
      if (inst.startingUnsent && inst.report.state() == InstanceState.STARTING) {
        setState(inst, InstanceState.STARTING, null);
      }
      inst.startingUnsent = false;
    }
  }

  /** Hears one instance's container. */
  private final class Listener implements ContainerListener {
    private final Instance inst;

    Listener(Instance inst) {
      this.inst = inst;
    }

    @Override
    public void onOutput(Stream stream, String line) {
      logs.append(inst, stream, line);
    }

    @Override
    public void onExit(ExitStatus status) {
      InstanceRunner.this.onExit(inst, status);
    }
  }
}
