package dev.paaskit.node;

import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearSetup;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.Lifecycle;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.LogsRequest;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 *         .backend(ProcessBackend.factory()).ports(ports).workDir(dir))
 *     .build();
 * }</pre>
 *
 * <p>Commands are idempotent: a start for an instance the node already has, or a stop for one it
 * does not, is acknowledged and changes nothing.
 *
 * <p>The node makes its backend from the cloud's context when it starts, and closes it when it
 * stops (also when its start fails); a backend given ready-made is closed the same way. Starts
 * are admitted from the moment the node subscribes, while it starts, until it begins to stop.
 * Thread-safe.
 */
public final class NodeAgent extends AbstractRole implements ReconnectAware {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

  private final NodeOptions options;
  private final CloudContext context;
  private final MessageBus bus;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final Heartbeats heartbeats;
  private final RouteAnnouncer routes;
  private final InstanceLogs logs;
  private final InstanceRunner runner;
  private final List<Subscription> subscriptions = new ArrayList<>();
  /** Made when the node starts; closed when it stops. */
  private volatile ContainerBackend backend;

  private NodeAgent(NodeOptions options, CloudContext context) {
    this.options = options;
    this.context = context;
    this.bus = context.bus();
    Clock clock = context.clock();
    long epoch = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    UsageSampler usage = new UsageSampler(options.id, clock, context.executor(),
        instances.values(), () -> backend);
    this.heartbeats = new Heartbeats(options, bus, clock, epoch, instances.values(), this::live,
        usage);
    this.routes = new RouteAnnouncer(bus, options.address);
    this.logs = new InstanceLogs(bus, clock, options.logLines, options.logBytes);
    try {
      this.runner = new InstanceRunner(options, bus, clock, context.executor(),
          context.blobStore(), instances, heartbeats, routes, logs, this::live);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the droplet cache in " + options.workDir, e);
    }
  }

  /**
   * A builder of a node, to pass to the cloud's {@code addRole}; the cloud makes the agent with
   * {@link Builder#create}.
   *
   * @return a new builder with the defaults; id, capacity, backend, ports and work folder must
   *     be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code node-} and the node's id. */
  @Override
  public String name() {
    return "node-" + options.id;
  }

  /** {@link Phase#HOSTS}. */
  @Override
  public Phase phase() {
    return Phase.HOSTS;
  }

  /**
   * The node's id, unique in its cloud.
   *
   * @return the id given to the builder, a DNS label
   */
  public String id() {
    return options.id;
  }

  /**
   * The last lines an instance on this node wrote, stdout and stderr interleaved as they came.
   * Only what the node keeps is there: at most the builder's {@link Builder#logLimits}.
   * Thread-safe; does not wait for the instance.
   *
   * @param instanceId an instance's id as heartbeats report it
   * @param lines the most lines wanted, 0 or more
   * @return a new list, oldest first; empty for an id the node does not know, or no longer
   *     remembers (a terminal instance is kept for the terminal retention)
   * @throws IllegalArgumentException if {@code lines} is negative and the node knows the
   *     instance
   * @throws NullPointerException if {@code instanceId} is null
   */
  public List<LogEntry> output(String instanceId, int lines) {
    Instance inst = instances.get(instanceId);
    return inst == null ? List.of() : InstanceLogs.entries(inst, lines);
  }

  /**
   * The instances this node has now, terminal ones it still remembers included; each as the node
   * last reported it. Thread-safe; a snapshot that may miss a change under way.
   *
   * @return a new list sorted by app name, then index; empty before the node started and after
   *     it stopped
   */
  public List<InstanceStatus> instances() {
    List<InstanceStatus> out = new ArrayList<>(instances.size());
    instances.values().forEach(i -> out.add(i.report.toStatus()));
    out.sort(Comparator.comparing(InstanceStatus::appName)
        .thenComparingInt(InstanceStatus::index));
    return out;
  }

  /**
   * Whether the node takes work: from the moment it subscribes, while it starts, until it begins
   * to stop.
   */
  private boolean live() {
    Lifecycle state = state();
    return state == Lifecycle.RUNNING || state == Lifecycle.STARTING;
  }

  /**
   * Ends what an earlier life of this node left, makes its backend, subscribes to its commands,
   * advertises itself and starts its heartbeat.
   *
   * @throws IOException if its folders cannot be made or cleaned
   * @throws IllegalStateException if the backend factory returns null
   */
  @Override
  protected void startUp() throws IOException {
    Path instancesDir = Files.createDirectories(options.workDir.resolve("instances"));
    Leftovers.clean(instancesDir, options.id);
    ContainerBackend made = options.backends.apply(context);
    if (made == null) {
      throw new IllegalStateException("the backend factory of node " + options.id
          + " returned null");
    }
    backend = made;
    runner.open(made);
    subscriptions.add(bus.subscribe(Subjects.nodeStart(options.id), this::onStart));
    subscriptions.add(bus.subscribe(Subjects.nodeStop(options.id), this::onStop));
    subscriptions.add(bus.subscribe(Subjects.nodeLogs(options.id), this::onLogs));
    subscriptions.add(bus.subscribe(Subjects.nodeSync(options.id), this::onSync));
    subscriptions.add(bus.subscribe(Subjects.NODE_DISCOVER, m -> announce()));
    subscriptions.add(bus.subscribe(Subjects.ROUTER_START,
        m -> routes.reannounce(instances.values())));
    subscriptions.add(bus.subscribe(Gear.CONTROL_SUBJECT, this::onGearControl));
    heartbeats.advertise(made.name());
    heartbeats.start();
  }

  /**
   * Stops the heartbeat and the subscriptions, stops every instance and cleans it up, gear
   * teardowns included (waiting a bounded time for them), and closes the backend.
   */
  @Override
  protected void shutDown() {
    heartbeats.stop();
    subscriptions.forEach(Subscription::close);
    subscriptions.clear();
    List<CompletableFuture<?>> stopping = new ArrayList<>();
    for (Instance inst : instances.values()) {
      stopping.add(runner.stop(inst, "node stopping"));
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(options.drainPeriod.toMillis() + options.stopGrace.toMillis() + 5_000,
              TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("node {}: not every instance stopped in time: {}", options.id, e.toString());
    }
    try {
      // Gear teardowns run on the backend: it closes after them.
      runner.cleanedUp().get(options.stopGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("node {}: not every instance was cleaned up in time: {}", options.id,
          e.toString());
    }
    instances.clear();
    ContainerBackend made = backend;
    if (made != null) {
      made.close();
    }
  }

  /**
   * Announces this node again after a bus outage: its advertisement, a full heartbeat of every
   * instance, and the routes of those that serve, since what it sent meanwhile may be lost.
   */
  @Override
  public void busReconnected() {
    if (!isRunning()) {
      return;
    }
    announce();
    routes.reannounce(instances.values());
  }

  /**
   * Advertises this node and sends a full heartbeat: whoever asks nodes to advertise (a health
   * manager that just started, or one that heard of an epoch it did not know) knows none of this
   * node's instances, and the change seqs of instances it starts meanwhile would hide the others.
   */
  private void announce() {
    heartbeats.advertise(backend.name());
    heartbeats.publish(true);
  }

  /** A sync, or a health manager's probe asking whether this node is still here: both answered. */
  private void onSync(Message m) {
    heartbeats.publish(true);
    if (m.replyTo().isPresent()) {
      bus.reply(m, new byte[0]);
    }
  }

  private void onStart(Message m) {
    StartBatch batch = Json.read(m, StartBatch.class);
    List<Ack> acks = new ArrayList<>(batch.starts().size());
    for (StartInstance cmd : batch.starts()) {
      acks.add(runner.admit(cmd));
    }
    Json.reply(bus, m, new StartBatch.Acks(acks));
  }

  private void onStop(Message m) {
    StopInstance cmd = Json.read(m, StopInstance.class);
    runner.stop(cmd.instanceId(), cmd.reason());
    Json.reply(bus, m, Ack.accepted());
  }

  private void onLogs(Message m) {
    Json.reply(bus, m, logs.answer(Json.read(m, LogsRequest.class), instances.values()));
  }

  private void onGearControl(Message m) {
    runner.gears().control(Json.read(m, Gear.ControlRequest.class), instances.values());
  }

  /**
   * Describes a node; the cloud builds the agent from it with {@link #create(CloudContext)}.
   * Setting an option twice throws {@link IllegalStateException} naming it; a null argument
   * throws {@link NullPointerException} unless said otherwise. Not thread-safe. Durations are
   * measured on the cloud's clock.
   */
  public static final class Builder implements RoleFactory {
    private final NodeOptions o = new NodeOptions();
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Sets the node's id. Required.
     *
     * @param id a DNS label (lower-case letters, digits and {@code -}, at most 63), unique in the
     *     cloud; the role is named {@code node-<id>}
     * @return this builder
     * @throws IllegalArgumentException if {@code id} is null or not a DNS label
     * @throws IllegalStateException if the id was set before
     */
    public Builder id(String id) {
      once("id");
      if (id == null || !id.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException("node id must be a DNS label: " + id);
      }
      o.id = id;
      return this;
    }

    /**
     * Sets the zone the node is in, which placement spreads instances over; default none.
     *
     * @param zone any name nodes of one zone share; empty for none
     * @return this builder
     * @throws IllegalStateException if the zone was set before
     */
    public Builder zone(String zone) {
      once("zone");
      o.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Sets the stack the node offers: an app that asks for a stack runs only on its nodes; an app
     * that asks for none runs on any node. Default none.
     *
     * @param stack a name such as {@code cflinuxfs4}; empty for none
     * @return this builder
     * @throws IllegalStateException if the stack was set before
     */
    public Builder stack(String stack) {
      once("stack");
      o.stack = Objects.requireNonNull(stack, "stack");
      return this;
    }

    /**
     * Sets the tags an app's placement constraints may require of its nodes; default none.
     *
     * @param tags copied; may be empty
     * @return this builder
     * @throws IllegalStateException if the tags were set before
     * @throws NullPointerException if {@code tags} is or holds null
     */
    public Builder tags(Set<String> tags) {
      once("tags");
      o.tags = Set.copyOf(tags);
      return this;
    }

    /**
     * The CPU the node offers to instances, by convention 1,024 shares to a core; 0 (the default)
     * when it does not meter CPU, so that requests for CPU neither refuse nor rank it.
     *
     * @param cpuShares 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code cpuShares} is negative
     * @throws IllegalStateException if it was set before
     */
    public Builder cpuShares(long cpuShares) {
      once("cpuShares");
      if (cpuShares < 0) {
        throw new IllegalArgumentException("cpuShares must not be negative: " + cpuShares);
      }
      o.cpuShares = cpuShares;
      return this;
    }

    /**
     * Sets what the node offers to instances. Required.
     *
     * @param capacity the memory and disk instances may reserve in all, and how many may run;
     *     the node admits a start only while it fits
     * @return this builder
     * @throws IllegalStateException if the capacity was set before
     */
    public Builder capacity(NodeCapacity capacity) {
      once("capacity");
      o.capacity = Objects.requireNonNull(capacity, "capacity");
      return this;
    }

    /**
     * How the node makes its container backend: called with the cloud's context when the node
     * starts, so the backend can run on the cloud's clock and executor, such as
     * {@code ProcessBackend.factory()}. The node closes what it made when it stops. Required:
     * this or {@link #backend(ContainerBackend)}.
     *
     * @param factory called once, when the node starts, on the thread starting it; must not
     *     return null (the start then fails)
     * @return this builder
     * @throws IllegalStateException if a backend was already set
     */
    public Builder backend(Function<? super CloudContext, ? extends ContainerBackend> factory) {
      once("backend");
      o.backends = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * A backend made beforehand, for fakes and tests that hold on to it; a real backend should
     * come from {@link #backend(Function)}, so that it uses the cloud's clock and executor. The
     * node closes it when it stops, as one it made; a node that never starts leaves it to the
     * caller. Required: this or {@link #backend(Function)}.
     *
     * @param backend for this node only: the node closes it when it stops
     * @return this builder
     * @throws IllegalStateException if a backend was already set
     */
    public Builder backend(ContainerBackend backend) {
      Objects.requireNonNull(backend, "backend");
      return backend(context -> backend);
    }

    /**
     * Sets where instance ports come from. Required.
     *
     * @param ports shared by every node of one machine, so that no two instances get one port;
     *     the node holds a port from an instance's start until it ends, and also hands ports to
     *     gears
     * @return this builder
     * @throws IllegalStateException if the ports were set before
     */
    public Builder ports(PortAllocator ports) {
      once("ports");
      o.ports = Objects.requireNonNull(ports, "ports");
      return this;
    }

    /**
     * Sets where droplets and instance folders live. Required.
     *
     * @param workDir created if missing; one folder per node. When the node starts it kills
     *     every process still running under its {@code instances} folder and deletes what is
     *     there, so two nodes must never share one
     * @return this builder
     * @throws IllegalStateException if the work folder was set before
     */
    public Builder workDir(Path workDir) {
      once("workDir");
      o.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Sets the address routers and health checks reach this node's instances on; default
     * {@code 127.0.0.1}.
     *
     * @param address an IP address or host name, not checked here; instances see it as
     *     {@code CF_INSTANCE_IP}
     * @return this builder
     * @throws IllegalStateException if the address was set before
     */
    public Builder address(String address) {
      once("address");
      o.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets how often the node heartbeats; default 1 s, as the health manager's default.
     *
     * @param interval more than zero; set the health manager's alike. The node advertises it,
     *     and a health manager that expects beats more often judges this node by this interval
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is null, zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder heartbeatInterval(Duration interval) {
      once("heartbeatInterval");
      o.heartbeatInterval = positive(interval, "heartbeatInterval");
      return this;
    }

    /**
     * Sets the grace between SIGTERM and SIGKILL when stopping an instance; default 10 s.
     *
     * @param grace more than zero
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is null, zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder stopGrace(Duration grace) {
      once("stopGrace");
      o.stopGrace = positive(grace, "stopGrace");
      return this;
    }

    /**
     * Between taking an instance's route away and sending it SIGTERM, so requests already on
     * their way can finish; default zero.
     *
     * @param drain zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code drain} is null or negative
     * @throws IllegalStateException if it was set before
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
     * failures in a row end it as CRASHED; default every 30 s, 3 failures. An instance checked by
     * PROCESS has no liveness check.
     *
     * @param interval zero or more; zero turns liveness checks off
     * @param failuresInARow 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is null or negative, or
     *     {@code failuresInARow} below 1
     * @throws IllegalStateException if it was set before
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

    /**
     * Sets how long a stopped or crashed instance stays in heartbeats, {@link #instances()} and
     * {@link #output}; default 30 s.
     *
     * @param retention more than zero, from the moment the instance ended
     * @return this builder
     * @throws IllegalArgumentException if {@code retention} is null, zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder terminalRetention(Duration retention) {
      once("terminalRetention");
      o.terminalRetention = positive(retention, "terminalRetention");
      return this;
    }

    /**
     * Sets how much output the node keeps per instance, the oldest lines dropped first; default
     * 1,000 lines and 1 MiB.
     *
     * @param lines the most lines kept, more than zero
     * @param bytes the most bytes of text kept, more than zero
     * @return this builder
     * @throws IllegalArgumentException if either is zero or negative
     * @throws IllegalStateException if they were set before
     */
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
     *
     * @param env copied; replaces the default entirely, so include {@code PATH}
     * @return this builder
     * @throws IllegalStateException if it was set before
     * @throws NullPointerException if {@code env} is null or holds a null key or value
     */
    public Builder baseEnv(Map<String, String> env) {
      once("baseEnv");
      o.baseEnv = Map.copyOf(env);
      return this;
    }

    /**
     * Whether instances get their droplet unpacked in a folder of their own; default true. Turn it
     * off only for backends that run nothing from the droplet, such as a fake one.
     *
     * @param unpack false to give each instance an empty folder
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder unpackDroplets(boolean unpack) {
      once("unpackDroplets");
      o.unpackDroplets = unpack;
      return this;
    }

    /**
     * Sets how the node checks its instances' health; default {@link HealthProber#NETWORK}.
     *
     * @param prober called on the cloud's executor, for start and liveness checks
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder healthProber(HealthProber prober) {
      once("healthProber");
      o.prober = Objects.requireNonNull(prober, "prober");
      return this;
    }

    /**
     * Turns instances whose droplet a gear cartridge staged (an OpenShift cartridge) into gears
     * before they start; default {@link GearSetup#NONE}, every instance runs as staged.
     *
     * @param gears such as paas-cartridges' {@code OpenShiftGears}
     * @return this builder
     * @throws IllegalStateException if it was set before
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

    /**
     * Makes the node of this description in {@code context}'s cloud; its backend is made when
     * it starts. The options are copied: changing the builder later does not change the node.
     *
     * @param context the cloud's bus, clock, executor and blob store, which the node uses
     * @return a new node in state NEW
     * @throws IllegalStateException if id, capacity, backend, ports or workDir is missing, or
     *     the droplet cache's folder cannot be made
     */
    @Override
    public Role create(CloudContext context) {
      if (o.id == null || o.capacity == null || o.backends == null || o.workDir == null
          || o.ports == null) {
        throw new IllegalStateException("a node needs id, capacity, backend, ports and workDir");
      }
      NodeOptions options = o.copy();
      if (options.baseEnv == null) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"),
            "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        options.baseEnv = Map.copyOf(env);
      }
      return new NodeAgent(options, Objects.requireNonNull(context, "context"));
    }
  }
}
