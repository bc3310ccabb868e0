package dev.paaskit.node;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearRequest;
import dev.paaskit.api.spi.GearSetup;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.CrashReport;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.LogMessage;
import dev.paaskit.core.internal.protocol.LogsRequest;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.RouteRegistration;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.node.internal.InstanceLog;
import dev.paaskit.node.internal.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The droplet execution agent of one node: advertises its capacity, runs instances through a
 * {@link ContainerBackend} on the health manager's command, health-checks them, registers the
 * healthy ones with routers, heartbeats its actual state, and keeps each instance's output.
 *
 * <pre>{@code
 * PaasKit.builder()
 *     .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("4G", "20G"))
 *         .backend(ProcessBackend.builder().build()).ports(ports))
 *     .build();
 * }</pre>
 *
 * <p>Commands are idempotent: a start for an instance the node already has, or a stop for one it
 * does not, is acknowledged and changes nothing.
 */
public final class NodeAgent implements Role, ReconnectAware {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
  private static final int CRASH_OUTPUT_LINES = 20;
  /**
   * One heartbeat in this many lists every instance; the rest only carry the change seq. A full
   * one is a backstop (a missed change is caught by the seq and asked for at once), so it can be
   * rare: at a million instances a full heartbeat per node every ten beats was the largest load.
   */
  private static final int FULL_HEARTBEAT_EVERY = 60;

  private final Options options;
  private final MessageBus bus;
  private final Clock clock;
  private final Executor executor;
  private final String domain;
  private final dev.paaskit.api.spi.BlobStore blobs;
  private final DropletCache droplets;
  private final DropletUnpacker unpacker;
  private final long epoch;
  private final AtomicLong changeSeq = new AtomicLong();
  /** Heartbeats sent; touched only by the heartbeat timer. */
  private long beats;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  /** What admitted instances hold until cleaned up; guarded by {@link #instances}. */
  private long reservedMemory;
  private long reservedDisk;
  private int reservedCount;
  private long reservedCpu;
  /**
   * Ids of the instances this node admitted, the most recent {@link #ADMITTED_IDS} of them, so a
   * start replayed after its instance was forgotten starts nothing. Guarded by the instances lock.
   */
  private final Map<String, Boolean> admitted = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > ADMITTED_IDS;
    }
  };
  private static final int ADMITTED_IDS = 100_000;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private volatile boolean running;
  private volatile Cancellable heartbeat;

  /** One instance on this node. Its report changes only under the instance's lock. */
  private final class Instance {
    final StartInstance command;
    final Path dir;
    final InstanceLog output;
    volatile InstanceReport report;
    volatile boolean stopRequested;
    volatile boolean containerCreated;
    volatile boolean routed;
    /**
     * STARTING is not yet published: it is once the container is started and still starting,
     * or never when it is already past that (a process check passes at once), which spares a
     * report per instance. Until then the report's seq is 0, so no heartbeat announces it.
     */
    boolean startingUnsent;
    volatile Cancellable probe;
    /** Set when the instance runs as a cartridge gear; torn down once it has ended. */
    volatile Gear gear;
    final java.util.concurrent.atomic.AtomicBoolean cleanedUp = new java.util.concurrent.atomic.AtomicBoolean();

    Instance(StartInstance command, Path dir, InstanceReport report) {
      this.command = command;
      this.dir = dir;
      this.report = report;
      this.output = InstanceLog.builder().maxLines(options.logLines).maxBytes(options.logBytes)
          .clock(clock).build();
    }

    String id() {
      return command.instanceId();
    }
  }

  private NodeAgent(Options options, CloudContext context) {
    this.options = options;
    this.bus = context.bus();
    this.clock = context.clock();
    this.executor = context.executor();
    this.domain = context.domain();
    this.blobs = context.blobStore();
    this.epoch = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    try {
      this.droplets = new DropletCache(options.workDir.resolve("droplets"), context.blobStore(), executor);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the droplet cache in " + options.workDir, e);
    }
    this.unpacker = options.unpacker;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "node-" + options.id;
  }

  /** {@link Phase#HOSTS}. */
  @Override
  public Phase phase() {
    return Phase.HOSTS;
  }

  public String id() {
    return options.id;
  }

  /** The last lines an instance on this node wrote, oldest first; empty for an unknown id. */
  public List<LogLine> output(String instanceId, int lines) {
    Instance inst = instances.get(instanceId);
    return inst == null ? List.of() : inst.output.tail(lines);
  }

  /** The instances this node has now, terminal ones it still remembers included. */
  public List<InstanceReport> reports() {
    List<InstanceReport> out = new ArrayList<>();
    instances.values().forEach(i -> out.add(i.report));
    out.sort(Comparator.comparing(InstanceReport::appName).thenComparingInt(InstanceReport::index));
    return out;
  }

  @Override
  public void start() throws IOException {
    Path instancesDir = Files.createDirectories(options.workDir.resolve("instances"));
    cleanLeftovers(instancesDir);
    running = true;
    subscriptions.add(bus.subscribe(Subjects.nodeStart(options.id), this::onStart));
    subscriptions.add(bus.subscribe(Subjects.nodeStop(options.id), this::onStop));
    subscriptions.add(bus.subscribe(Subjects.nodeLogs(options.id), this::onLogs));
    subscriptions.add(bus.subscribe(Subjects.nodeSync(options.id), this::onSync));
    subscriptions.add(bus.subscribe(Subjects.NODE_DISCOVER, m -> announce()));
    subscriptions.add(bus.subscribe(Subjects.ROUTER_START, m -> registerAllRoutes()));
    subscriptions.add(bus.subscribe(Gear.CONTROL_SUBJECT, this::onGearControl));
    advertise();
    sendHeartbeat();
  }

  /** A sync, or a health manager's probe asking whether this node is still here: both answered. */
  private void onSync(Message m) {
    publishHeartbeat(true);
    if (m.replyTo().isPresent()) {
      bus.reply(m, new byte[0]);
    }
  }

  /**
   * Announces this node again after a bus outage: its advertisement, a full heartbeat of every
   * instance, and the routes of those that serve, since what it sent meanwhile may be lost.
   */
  @Override
  public void busReconnected() {
    if (!running) {
      return;
    }
    announce();
    registerAllRoutes();
  }

  /**
   * Advertises this node and sends a full heartbeat: whoever asks nodes to advertise (a health
   * manager that just started, or one that heard of an epoch it did not know) knows none of this
   * node's instances, and the change seqs of instances it starts meanwhile would hide the others.
   */
  private void announce() {
    advertise();
    publishHeartbeat(true);
  }

  /** Ends what an earlier life of this node left running, and deletes its folders. */
  private void cleanLeftovers(Path instancesDir) throws IOException {
    List<Long> killed = Leftovers.killProcessesUnder(instancesDir);
    if (!killed.isEmpty()) {
      log.info("node {}: killed {} process(es) left running by its previous life", options.id, killed.size());
    }
    try (Stream<Path> dirs = Files.list(instancesDir)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        deleteTree(dir);
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    Cancellable hb = heartbeat;
    if (hb != null) {
      hb.cancel();
    }
    subscriptions.forEach(Subscription::close);
    subscriptions.clear();
    List<CompletableFuture<?>> stopping = new ArrayList<>();
    for (Instance inst : instances.values()) {
      stopping.add(stopInstance(inst, "node stopping"));
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(options.drainPeriod.toMillis() + options.stopGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("node {}: not every instance stopped in time: {}", options.id, e.toString());
    }
    instances.clear();
    options.backend.close();
  }

  private void advertise() {
    NodeCapacity c = options.capacity;
    Json.publish(bus, Subjects.NODE_ADVERTISE, new NodeAdvertisement(options.id, epoch,
        options.zone, options.stack, options.tags, c.memory().bytes(), c.disk().bytes(),
        c.maxInstances(), options.backend.name(), options.address,
        options.heartbeatInterval.toMillis(), options.cpuShares));
  }

  private void sendHeartbeat() {
    if (!running) {
      return;
    }
    try {
      publishHeartbeat(beats++ % FULL_HEARTBEAT_EVERY == 0);
    } catch (RuntimeException e) {
      log.warn("node {}: heartbeat not sent: {}", options.id, e.toString());
    } finally {
      if (running) {
        heartbeat = clock.schedule(options.heartbeatInterval, this::sendHeartbeat);
      }
    }
  }

  /**
   * Publishes a heartbeat: a full one lists every instance, a light one only the change seq, and
   * costs the same whatever the node runs. Every sixtieth is full, and any asked for.
   */
  private void publishHeartbeat(boolean full) {
    // The seq is read before the snapshot: an instance the snapshot misses was added after it,
    // and so takes a higher seq (see admit).
    long seq = changeSeq.get();
    List<InstanceReport> reports = List.of();
    if (full) {
      reports = new ArrayList<>(instances.size());
      for (Instance i : instances.values()) {
        reports.add(i.report);
      }
    }
    Json.publish(bus, Subjects.NODE_HEARTBEAT, new NodeHeartbeat(options.id, epoch, seq, full,
        reports, clock.now().toEpochMilli()));
  }

  /** Passes a control action to every running gear of the app on this node. */
  private void onGearControl(Message m) {
    Gear.ControlRequest request = Json.read(m, Gear.ControlRequest.class);
    for (Instance inst : instances.values()) {
      Gear gear = inst.gear;
      if (gear != null && inst.command.appName().equals(request.appName())
          && inst.report.state() == InstanceState.RUNNING) {
        gear.control().accept(request.action());
      }
    }
  }

  private void onStart(Message m) {
    StartBatch batch = Json.read(m, StartBatch.class);
    List<Ack> acks = new ArrayList<>(batch.starts().size());
    synchronized (instances) {
      for (StartInstance cmd : batch.starts()) {
        acks.add(admit(cmd));
      }
    }
    Json.reply(bus, m, new StartBatch.Acks(acks));
  }

  /** Checks room for {@code cmd} and records it STARTING; called under the instances lock. */
  private Ack admit(StartInstance cmd) {
    if (!running) {
      return Ack.refused("node " + options.id + " is stopping");
    }
    if (instances.containsKey(cmd.instanceId()) || admitted.containsKey(cmd.instanceId())) {
      // Instance ids are never reused: a start seen before, even one whose instance has ended
      // and been forgotten, is a replay (a message held through a reconnect, say).
      return Ack.accepted();
    }
    long memory = reservedMemory;
    long disk = reservedDisk;
    int count = reservedCount;
    NodeCapacity c = options.capacity;
    if (options.cpuShares > 0 && reservedCpu + cmd.cpuShares() > options.cpuShares) {
      return Ack.refused("node " + options.id + " is short of CPU: " + (options.cpuShares - reservedCpu)
          + " shares free, " + cmd.cpuShares() + " asked");
    }
    if (memory + cmd.memoryBytes() > c.memory().bytes()) {
      return Ack.refused("node " + options.id + " is short of memory: " + (c.memory().bytes() - memory)
          + " bytes free, " + cmd.memoryBytes() + " asked");
    }
    if (disk + cmd.diskBytes() > c.disk().bytes()) {
      return Ack.refused("node " + options.id + " is short of disk");
    }
    if (count >= c.maxInstances()) {
      return Ack.refused("node " + options.id + " runs its maximum of " + c.maxInstances() + " instances");
    }
    int port;
    try {
      port = options.ports.allocate();
    } catch (IllegalStateException e) {
      return Ack.refused("node " + options.id + " has no free port: " + e.getMessage());
    }
    Path dir = options.workDir.resolve("instances").resolve(cmd.instanceId());
    InstanceReport report = new InstanceReport(cmd.instanceId(), options.id, cmd.appId(),
        cmd.appName(), cmd.generation(), cmd.index(), cmd.dropletSha256(), InstanceState.STARTING,
        options.address, port, cmd.memoryBytes(), cmd.diskBytes(), clock.now().toEpochMilli(),
        null, 0, cmd.cpuShares());
    Instance inst = new Instance(cmd, dir, report);
    reservedMemory += cmd.memoryBytes();
    reservedDisk += cmd.diskBytes();
    reservedCount++;
    reservedCpu += cmd.cpuShares();
    admitted.put(cmd.instanceId(), Boolean.TRUE);
    // In the map before it takes a seq: a heartbeat snapshot that misses it was taken before
    // this put, so its seq is lower than the one given here, and the instance is not "gone".
    instances.put(cmd.instanceId(), inst);
    synchronized (inst) {
      // STARTING from the start, seq 0 until it is published: heartbeats announce no change that
      // no report carries yet.
      inst.startingUnsent = true;
    }
    executor.execute(() -> launch(inst));
    return Ack.accepted();
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
        Map<String, String> env = environment(inst);
        if (droplet != null) {
          unpacker.unpack(droplet, inst.dir);
          java.util.Optional<Gear> gear = options.gears.prepare(gearRequest(inst, command, env));
          if (gear.isPresent()) {
            inst.gear = gear.get();
            command = gear.get().command();
            env = gear.get().env();
          }
        }
        options.backend.create(new ContainerSpec(inst.id(), inst.dir, command,
            env, new ResourceLimits(inst.command.memoryBytes(),
                inst.command.diskBytes(), 1024), new Listener(inst)));
        inst.containerCreated = true;
        options.backend.start(inst.id());
      }
      startHealthCheck(inst);
    } catch (Exception e) {
      failToStart(inst, "could not start: " + e.getMessage());
    }
  }

  private GearRequest gearRequest(Instance inst, String command, Map<String, String> env) {
    StartInstance cmd = inst.command;
    Listener output = new Listener(inst);
    return new GearRequest(inst.dir, cmd.appName(), cmd.appId(), cmd.instanceId(), cmd.index(),
        options.address, inst.report.port(), command, env, blobs, new GearRequest.PortSource() {
          @Override
          public int allocate() {
            return options.ports.allocate();
          }

          @Override
          public void release(int port) {
            options.ports.release(port);
          }
        }, line -> output.onOutput(ContainerListener.Stream.STDOUT, line));
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private Map<String, String> environment(Instance inst) {
    StartInstance cmd = inst.command;
    int port = inst.report.port();
    Map<String, String> env = new LinkedHashMap<>(options.baseEnv);
    env.put("HOME", inst.dir.toString());
    env.put("TMPDIR", inst.dir.toString());
    env.put("PORT", String.valueOf(port));
    String memory = (cmd.memoryBytes() >> 20) + "m";
    env.put("MEMORY_LIMIT", memory);
    env.put("INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("CF_INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("CF_INSTANCE_GUID", cmd.instanceId());
    env.put("CF_INSTANCE_PORT", String.valueOf(port));
    env.put("CF_INSTANCE_IP", options.address);
    env.put("CF_INSTANCE_ADDR", options.address + ":" + port);
    env.put("PAASKIT_APP_NAME", cmd.appName());
    env.put("PAASKIT_APP_ID", cmd.appId());
    env.put("PAASKIT_INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("PAASKIT_INSTANCE_ID", cmd.instanceId());
    env.put("PAASKIT_NODE_ID", options.id);
    env.put("PAASKIT_MEMORY_LIMIT", memory);
    env.put("VCAP_APPLICATION", vcapApplication(cmd, port));
    env.putAll(cmd.env());
    return env;
  }

  /**
   * Cloud Foundry's {@code VCAP_APPLICATION}, written directly: every instance start makes one,
   * and a general-purpose map serializer costs several times as much.
   */
  static String vcapApplication(StartInstance cmd, int port) {
    String name = Json.quote(cmd.appName());
    StringBuilder uris = new StringBuilder("[");
    for (String route : cmd.routes()) {
      uris.append(uris.length() > 1 ? "," : "").append(Json.quote(route));
    }
    uris.append(']');
    return "{\"application_id\":" + Json.quote(cmd.appId())
        + ",\"application_name\":" + name
        + ",\"name\":" + name
        + ",\"instance_id\":" + Json.quote(cmd.instanceId())
        + ",\"instance_index\":" + cmd.index()
        + ",\"application_uris\":" + uris
        + ",\"uris\":" + uris
        + ",\"port\":" + port
        + ",\"host\":\"0.0.0.0\""
        + ",\"limits\":{\"mem\":" + (cmd.memoryBytes() >> 20) + ",\"disk\":" + (cmd.diskBytes() >> 20)
        + ",\"fds\":16384}}";
  }

  private void startHealthCheck(Instance inst) {
    String type = inst.command.healthCheckType();
    if ("PROCESS".equals(type)) {
      becomeRunning(inst);
      return;
    }
    long deadline = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(inst.command.startTimeoutMillis());
    probe(inst, deadline);
  }

  private void probe(Instance inst, long deadlineNanos) {
    if (inst.stopRequested || inst.report.state() != InstanceState.STARTING || !running) {
      return;
    }
    executor.execute(() -> {
      if (healthy(inst)) {
        becomeRunning(inst);
      } else if (clock.nanoTime() - deadlineNanos > 0) {
        crashOnHealthCheck(inst);
      } else {
        inst.probe = clock.schedule(PROBE_INTERVAL, () -> probe(inst, deadlineNanos));
      }
    });
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

  private void becomeRunning(Instance inst) {
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.STARTING) {
        return;
      }
      register(inst);
      setState(inst, InstanceState.RUNNING, null);
      if (!"PROCESS".equals(inst.command.healthCheckType()) && !options.livenessInterval.isZero()) {
        checkLiveness(inst, 0);
      }
    }
  }

  /**
   * Keeps checking a RUNNING instance's health every liveness interval; after
   * {@code livenessFailures} failures in a row it is ended and reported CRASHED, so the health
   * manager replaces it.
   */
  private void checkLiveness(Instance inst, int failures) {
    inst.probe = clock.schedule(options.livenessInterval, () -> executor.execute(() -> {
      if (!running || inst.stopRequested || inst.report.state() != InstanceState.RUNNING) {
        return;
      }
      if (healthy(inst)) {
        checkLiveness(inst, 0);
      } else if (failures + 1 >= options.livenessFailures) {
        crashWhileRunning(inst, failures + 1);
      } else {
        checkLiveness(inst, failures + 1);
      }
    }));
  }

  private void crashWhileRunning(Instance inst, int failures) {
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.RUNNING) {
        return;
      }
      unregister(inst);
      setState(inst, InstanceState.CRASHED, new CrashReport(-1, 0, false, "health check failed "
          + failures + " time(s) in a row while running", lastLines(inst)));
      inst.stopRequested = true;
    }
    options.backend.stop(inst.id(), options.stopGrace);
  }

  private void crashOnHealthCheck(Instance inst) {
    String reason = "health check did not pass within "
        + Duration.ofMillis(inst.command.startTimeoutMillis()).toSeconds() + " s";
    synchronized (inst) {
      if (inst.stopRequested || inst.report.state() != InstanceState.STARTING) {
        return;
      }
      setState(inst, InstanceState.CRASHED, new CrashReport(-1, 0, false, reason, lastLines(inst)));
      inst.stopRequested = true;
    }
    options.backend.stop(inst.id(), options.stopGrace);
  }

  private void failToStart(Instance inst, String reason) {
    log.warn("node {}: instance {} of {} {}", options.id, inst.command.index(), inst.command.appName(), reason);
    synchronized (inst) {
      if (!inst.report.state().isActive()) {
        return;
      }
      cleanUp(inst);
      setState(inst, InstanceState.CRASHED, new CrashReport(-1, 0, false, reason, lastLines(inst)));
    }
  }

  private List<String> lastLines(Instance inst) {
    List<String> lines = new ArrayList<>();
    for (LogLine l : inst.output.tail(CRASH_OUTPUT_LINES)) {
      lines.add(l.text());
    }
    return lines;
  }

  private void onLogs(Message m) {
    LogsRequest request = Json.read(m, LogsRequest.class);
    int lines = Math.max(0, Math.min(request.lines(), options.logLines));
    List<LogMessage> out = new ArrayList<>();
    for (Instance inst : instances.values()) {
      if (inst.command.appId().equals(request.appId())) {
        for (LogLine line : inst.output.tail(lines)) {
          out.add(logMessage(inst, line));
        }
      }
    }
    Json.reply(bus, m, new LogsRequest.Reply(out));
  }

  private static LogMessage logMessage(Instance inst, LogLine line) {
    return new LogMessage(line.at().toEpochMilli(), inst.command.appName(), inst.command.index(),
        inst.id(), line.stream() == ContainerListener.Stream.STDERR ? "ERR" : "OUT", line.text());
  }

  private void onStop(Message m) {
    StopInstance cmd = Json.read(m, StopInstance.class);
    Instance inst = instances.get(cmd.instanceId());
    if (inst != null) {
      stopInstance(inst, cmd.reason());
    }
    Json.reply(bus, m, Ack.accepted());
  }

  private CompletableFuture<?> stopInstance(Instance inst, String reason) {
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
      unregister(inst);
      setState(inst, InstanceState.STOPPING, null);
      if (!inst.containerCreated) {
        cleanUp(inst);
        setState(inst, InstanceState.STOPPED, null);
        return CompletableFuture.completedFuture(null);
      }
    }
    log.debug("node {}: stopping {}: {}", options.id, inst.id(), reason);
    if (options.drainPeriod.isZero()) {
      return options.backend.stop(inst.id(), options.stopGrace);
    }
    // The route is gone; requests already on their way get the drain period to finish.
    CompletableFuture<Object> stopped = new CompletableFuture<>();
    clock.schedule(options.drainPeriod, () -> options.backend.stop(inst.id(), options.stopGrace)
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
        unregister(inst);
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
              exit.memoryLimitExceeded(), exit.describe(), lastLines(inst)));
        }
      }
    }
  }

  /**
   * Frees the instance's port at once, and its container and folder soon after; remembers its
   * last state for a while. Runs once per instance.
   */
  private void cleanUp(Instance inst) {
    if (!inst.cleanedUp.compareAndSet(false, true)) {
      return;
    }
    synchronized (instances) {
      reservedMemory -= inst.command.memoryBytes();
      reservedDisk -= inst.command.diskBytes();
      reservedCount--;
      reservedCpu -= inst.command.cpuShares();
    }
    options.ports.release(inst.report.port());
    executor.execute(() -> {
      try {
        if (inst.containerCreated && running) {
          // A stopping node closes its backend, which forgets every container itself.
          options.backend.remove(inst.id());
        }
        Gear gear = inst.gear;
        if (gear != null) {
          gear.teardown().run();
        }
        deleteTree(inst.dir);
      } catch (java.nio.file.NoSuchFileException e) {
        // Already gone, as when the node's whole folder is removed at shutdown: nothing to do.
      } catch (IOException | RuntimeException e) {
        log.warn("node {}: cleaning up {} failed: {}", options.id, inst.id(), e.toString());
      }
    });
    clock.schedule(options.terminalRetention, () -> instances.remove(inst.id(), inst));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void setState(Instance inst, InstanceState state, CrashReport crash) {
    inst.report = inst.report.withState(state, clock.now().toEpochMilli(), crash,
        changeSeq.incrementAndGet());
    inst.startingUnsent = false;
    publishState(inst);
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

  private void publishState(Instance inst) {
    Json.publish(bus, Subjects.INSTANCE_STATE, inst.report);
  }

  private void register(Instance inst) {
    inst.routed = true;
    Json.publish(bus, Subjects.ROUTER_REGISTER, registration(inst));
  }

  private void unregister(Instance inst) {
    if (inst.routed) {
      inst.routed = false;
      Json.publish(bus, Subjects.ROUTER_UNREGISTER, registration(inst));
    }
  }

  private RouteRegistration registration(Instance inst) {
    return new RouteRegistration(inst.command.routes(), inst.command.appName(), inst.id(),
        inst.command.index(), options.address, inst.report.port());
  }

  private void registerAllRoutes() {
    for (Instance inst : instances.values()) {
      synchronized (inst) {
        if (inst.routed) {
          Json.publish(bus, Subjects.ROUTER_REGISTER, registration(inst));
        }
      }
    }
  }

  private final class Listener implements ContainerListener {
    private final Instance inst;

    Listener(Instance inst) {
      this.inst = inst;
    }

    @Override
    public void onOutput(Stream stream, String line) {
      LogLine kept = inst.output.append(stream, line, clock.now());
      Json.publish(bus, Subjects.logs(inst.command.appName()), logMessage(inst, kept));
    }

    @Override
    public void onExit(ExitStatus status) {
      NodeAgent.this.onExit(inst, status);
    }
  }

  private static final class Options {
    String id;
    String zone = "";
    String stack = "";
    Set<String> tags = Set.of();
    long cpuShares;
    NodeCapacity capacity;
    ContainerBackend backend;
    PortAllocator ports;
    Path workDir;
    String address = "127.0.0.1";
    Duration heartbeatInterval = Duration.ofSeconds(1);
    Duration stopGrace = Duration.ofSeconds(10);
    Duration drainPeriod = Duration.ZERO;
    Duration livenessInterval = Duration.ofSeconds(30);
    int livenessFailures = 3;
    Duration terminalRetention = Duration.ofSeconds(30);
    int logLines = 1000;
    long logBytes = 1 << 20;
    Map<String, String> baseEnv;
    DropletUnpacker unpacker;
    HealthProber prober = HealthProber.NETWORK;
    boolean unpackDroplets = true;
    GearSetup gears = GearSetup.NONE;
  }

  /**
   * Describes a node; the cloud builds the agent from it with {@link #create(CloudContext)}.
   * Setting an option twice is an error.
   */
  public static final class Builder implements RoleFactory {
    private final Options o = new Options();
    private final Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** The node's id: a DNS label, unique in the cloud. Required. */
    public Builder id(String id) {
      once("id");
      if (id == null || !id.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException("node id must be a DNS label: " + id);
      }
      o.id = id;
      return this;
    }

    public Builder zone(String zone) {
      once("zone");
      o.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    public Builder stack(String stack) {
      once("stack");
      o.stack = Objects.requireNonNull(stack, "stack");
      return this;
    }

    public Builder tags(Set<String> tags) {
      once("tags");
      o.tags = Set.copyOf(tags);
      return this;
    }

    /**
     * The CPU the node offers to instances, by convention 1,024 shares to a core; 0 (the default)
     * when it does not meter CPU, so that requests for CPU neither refuse nor rank it.
     */
    public Builder cpuShares(long cpuShares) {
      once("cpuShares");
      if (cpuShares < 0) {
        throw new IllegalArgumentException("cpuShares must not be negative: " + cpuShares);
      }
      o.cpuShares = cpuShares;
      return this;
    }

    /** Required. */
    public Builder capacity(NodeCapacity capacity) {
      once("capacity");
      o.capacity = Objects.requireNonNull(capacity, "capacity");
      return this;
    }

    /** Required. The node closes it when it stops. */
    public Builder backend(ContainerBackend backend) {
      once("backend");
      o.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** Where instance ports come from; share one allocator among the nodes of one machine. */
    public Builder ports(PortAllocator ports) {
      once("ports");
      o.ports = Objects.requireNonNull(ports, "ports");
      return this;
    }

    /** Where droplets and instance folders live. Required. */
    public Builder workDir(Path workDir) {
      once("workDir");
      o.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** The address routers reach this node's instances on; default 127.0.0.1. */
    public Builder address(String address) {
      once("address");
      o.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Default 1 s; must match the health manager's. */
    public Builder heartbeatInterval(Duration interval) {
      once("heartbeatInterval");
      o.heartbeatInterval = positive(interval, "heartbeatInterval");
      return this;
    }

    /** Between SIGTERM and SIGKILL when stopping an instance; default 10 s. */
    public Builder stopGrace(Duration grace) {
      once("stopGrace");
      o.stopGrace = positive(grace, "stopGrace");
      return this;
    }

    /**
     * Between taking an instance's route away and sending it SIGTERM, so requests already on
     * their way can finish; default zero.
     */
    public Builder drainPeriod(Duration drain) {
      once("drainPeriod");
      if (drain == null || drain.isNegative()) {
        throw new IllegalArgumentException("drainPeriod must not be negative: " + drain);
      }
      o.drainPeriod = drain;
      return this;
    }

    /**
     * How often a RUNNING instance's port or http health check is repeated, and how many
     * failures in a row end it as CRASHED; default every 30 s, 3 failures (zero interval: never).
     */
    public Builder liveness(Duration interval, int failuresInARow) {
      once("liveness");
      if (interval == null || interval.isNegative() || failuresInARow < 1) {
        throw new IllegalArgumentException("liveness needs an interval >= 0 and failures >= 1: "
            + interval + ", " + failuresInARow);
      }
      o.livenessInterval = interval;
      o.livenessFailures = failuresInARow;
      return this;
    }

    /** How long a stopped or crashed instance stays in heartbeats; default 30 s. */
    public Builder terminalRetention(Duration retention) {
      once("terminalRetention");
      o.terminalRetention = positive(retention, "terminalRetention");
      return this;
    }

    /** Output kept per instance; default 1,000 lines and 1 MiB. */
    public Builder logLimits(int lines, long bytes) {
      once("logLimits");
      if (lines <= 0 || bytes <= 0) {
        throw new IllegalArgumentException("log limits must be positive: " + lines + ", " + bytes);
      }
      o.logLines = lines;
      o.logBytes = bytes;
      return this;
    }

    /**
     * The environment every instance starts from, before the node's and the app's variables;
     * default {@code PATH} of this JVM, {@code LANG=C.UTF-8} and {@code JAVA_HOME} of this JVM.
     */
    public Builder baseEnv(Map<String, String> env) {
      once("baseEnv");
      o.baseEnv = Map.copyOf(env);
      return this;
    }

    /**
     * Whether instances get their droplet unpacked in a folder of their own; default true. Turn it
     * off only for backends that run nothing from the droplet, such as a fake one.
     */
    public Builder unpackDroplets(boolean unpack) {
      once("unpackDroplets");
      o.unpackDroplets = unpack;
      return this;
    }

    /** How the node checks health; default {@link HealthProber#NETWORK}. */
    public Builder healthProber(HealthProber prober) {
      once("healthProber");
      o.prober = Objects.requireNonNull(prober, "prober");
      return this;
    }

    /**
     * Turns instances whose droplet a gear cartridge staged (an OpenShift cartridge) into gears
     * before they start; default {@link GearSetup#NONE}, every instance runs as staged.
     */
    public Builder gears(GearSetup gears) {
      once("gears");
      o.gears = Objects.requireNonNull(gears, "gears");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    @Override
    public Role create(CloudContext context) {
      if (o.id == null || o.capacity == null || o.backend == null || o.workDir == null
          || o.ports == null) {
        throw new IllegalStateException("a node needs id, capacity, backend, ports and workDir");
      }
      if (o.baseEnv == null) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        o.baseEnv = Map.copyOf(env);
      }
      o.unpacker = DropletUnpacker.DEFAULT;
      return new NodeAgent(o, context);
    }
  }
}
