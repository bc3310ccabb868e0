package dev.paaskit.generic.agent;

import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.generic.internal.AgentConfig;
import dev.paaskit.generic.internal.GenericSubjects;
import dev.paaskit.generic.internal.HostAdvert;
import dev.paaskit.generic.internal.ScriptCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the agents of generic services on one machine: each agent gets a folder of its own
 * below the host's work folder and runs its scripts as real processes through a
 * {@link ContainerBackend} the builder names (paas-node's process backend runs each script as
 * the leader of its own process group: an interrupt sends SIGTERM to the group and SIGKILL
 * after the grace period).
 * The manager ({@link dev.paaskit.generic.GenericServices}) places agents here over the bus.
 *
 * <pre>{@code
 * PaasKit.builder()
 *     .addRole(GenericServices.builder().workDir(dir.resolve("generic")))
 *     .addRole(GenericAgentHost.builder().id("h1").workDir(dir.resolve("agents"))
 *         .backend(ProcessBackend.factory()))
 *     .build();
 * }</pre>
 *
 * <p>Agents do not outlive their host: stopping the host stops every script and deletes the
 * agents' folders; the manager places the agents again, and they run init.sh again, when the
 * host comes back. The host closes its backend when it stops. Thread-safe.
 */
public final class GenericAgentHost extends AbstractRole {
  /** How long an interrupted script has between SIGTERM and SIGKILL by default: 5 seconds. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
  /** How many output lines each script of each agent keeps, the oldest dropped first. */
  public static final int DEFAULT_OUTPUT_LINES = 100;
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final Logger log = LoggerFactory.getLogger(GenericAgentHost.class);

  private final String id;
  private final Path workDir;
  private final MessageBus bus;
  private final GenericAgent.Host shared;
  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();

  private record Agent(GenericAgent agent, Subscription subscription) {}

  private GenericAgentHost(Builder b, CloudContext context) {
    this.id = b.id;
    this.workDir = b.workDir;
    this.bus = context.bus();
    ContainerBackend backend = b.backend != null ? b.backend
        : Objects.requireNonNull(b.backendFactory.apply(context),
            "the backend factory of generic host " + b.id + " returned null");
    this.shared = new GenericAgent.Host(backend, context.blobStore(), context.clock(),
        context.executor(), b.grace, b.limits, b.resources, b.baseEnv, b.lines);
  }

  /**
   * A builder of a host, to pass to the cloud's {@code addRole}; {@link Builder#id} and
   * {@link Builder#workDir} must be set.
   *
   * @return a new builder with the defaults its setters name
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "generic-host-" + id;
  }

  /** {@link Phase#HOSTS}. */
  @Override
  public Phase phase() {
    return Phase.HOSTS;
  }

  /**
   * The host's id, by which the manager addresses it.
   *
   * @return the DNS label given to the builder; the role's name is {@code generic-host-} and it
   */
  public String id() {
    return id;
  }

  @Override
  protected synchronized void startUp() throws IOException {
    Files.createDirectories(workDir);
    subscriptions.add(bus.subscribe(GenericSubjects.HOST_DISCOVER, m -> advertise()));
    subscriptions.add(bus.subscribe(GenericSubjects.hostPlace(id), m -> answer(m, () ->
        place(Json.read(m.data(), AgentConfig.class)))));
    subscriptions.add(bus.subscribe(GenericSubjects.hostRemove(id), m -> answer(m, () -> {
      remove(new String(m.data(), StandardCharsets.UTF_8));
      return Ack.accepted();
    })));
    advertise();
  }

  /** Stops every agent's script, deletes the agents' folders and closes the backend. */
  @Override
  protected synchronized void shutDown() {
    subscriptions.forEach(Subscription::close);
    subscriptions.clear();
    for (String agentId : List.copyOf(agents.keySet())) {
      remove(agentId);
    }
    shared.backend().close();
  }

  private void advertise() {
    bus.publish(GenericSubjects.HOST_ADVERTISE,
        Json.write(new HostAdvert(id, List.copyOf(agents.keySet()))));
  }

  private Ack place(AgentConfig config) throws IOException {
    String agentId = config.agent().id();
    if (!ID.matcher(agentId).matches()) {
      return Ack.refused("agent id '" + agentId + "' is not a DNS label");
    }
    Agent agent;
    synchronized (this) {
      agent = agents.get(agentId);
      if (agent == null) {
        GenericAgent created = new GenericAgent(agentId, workDir.resolve(agentId), shared);
        Subscription sub = bus.subscribe(GenericSubjects.agentAll(agentId),
            m -> onAgentMessage(created, m));
        agent = new Agent(created, sub);
        agents.put(agentId, agent);
      }
    }
    return agent.agent().configure(config);
  }

  private void remove(String agentId) {
    Agent agent = agents.remove(agentId);
    if (agent != null) {
      agent.subscription().close();
      agent.agent().remove();
    }
  }

  private void onAgentMessage(GenericAgent agent, Message m) {
    String verb = m.subject().substring(m.subject().lastIndexOf('.') + 1);
    switch (verb) {
      case "configure" -> answer(m, () -> agent.configure(Json.read(m.data(), AgentConfig.class)));
      case "command" -> answer(m, () -> agent.command(Json.read(m.data(), ScriptCommand.class)));
      case "status" -> {
        if (m.replyTo().isPresent()) {
          bus.reply(m, Json.write(agent.report()));
        }
      }
      default -> log.debug("agent {}: ignoring {}", agent.id(), m.subject());
    }
  }

  private interface Action {
    Ack run() throws IOException;
  }

  /** Replies with the action's ack, or a refusal that names what failed. */
  private void answer(Message m, Action action) {
    Ack ack;
    try {
      ack = action.run();
    } catch (IOException | RuntimeException e) {
      log.warn("generic host {}: {} failed", id, m.subject(), e);
      ack = Ack.refused(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    if (m.replyTo().isPresent()) {
      bus.reply(m, Json.write(ack));
    }
  }

  /**
   * Options of a host; {@link #id} and {@link #workDir} are required, and each option may be set
   * once. Not thread-safe.
   */
  public static final class Builder implements RoleFactory {
    private String id;
    private Path workDir;
    private ContainerBackend backend;
    private java.util.function.Function<? super CloudContext, ? extends ContainerBackend>
        backendFactory;
    private Duration grace = DEFAULT_STOP_GRACE;
    private ArchiveLimits limits = ArchiveLimits.defaults();
    private ResourceLimits resources = new ResourceLimits(2L << 30, 10L << 30, 1024);
    private Map<String, String> baseEnv;
    private int lines = DEFAULT_OUTPUT_LINES;
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Sets the host's id. Required.
     *
     * @param id a DNS label (lower-case letters, digits and {@code -}, 1 to 63, starting with a
     *     letter or digit), unique among the cloud's agent hosts
     * @return this builder
     * @throws IllegalArgumentException if {@code id} is null or not such a label
     * @throws IllegalStateException if set before
     */
    public Builder id(String id) {
      once("id");
      if (id == null || !ID.matcher(id).matches()) {
        throw new IllegalArgumentException("host id must be a DNS label: " + id);
      }
      this.id = id;
      return this;
    }

    /**
     * Sets the folder under which each agent gets its own, named by the agent's id; created if
     * missing when the role starts. Required.
     *
     * @param workDir a folder of this host's own; agents' folders in it are deleted when the
     *     agents are removed or the host stops
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code workDir} is null
     */
    public Builder workDir(Path workDir) {
      once("workDir");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Sets what runs the scripts, made from the cloud's context when the host is made, such as
     * {@code ProcessBackend.factory()} (paas-node); this or {@link #backend(ContainerBackend)} is
     * required.
     *
     * @param factory makes the backend, which the host owns and closes when it stops
     * @return this builder
     * @throws IllegalStateException if a backend was set before
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder backend(
        java.util.function.Function<? super CloudContext, ? extends ContainerBackend> factory) {
      once("backend");
      this.backendFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Sets what runs the scripts, made already: for fakes and tests; this or
     * {@link #backend(java.util.function.Function)} is required.
     *
     * @param backend the backend, which the host owns from now on: it closes it when it stops
     * @return this builder
     * @throws IllegalStateException if a backend was set before
     * @throws NullPointerException if {@code backend} is null
     */
    public Builder backend(ContainerBackend backend) {
      once("backend");
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Sets how long an interrupted script has between SIGTERM and SIGKILL; default
     * {@link #DEFAULT_STOP_GRACE}, 5 s.
     *
     * @param grace zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code grace} is null
     */
    public Builder stopGrace(Duration grace) {
      once("stopGrace");
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("stopGrace must not be negative: " + grace);
      }
      this.grace = grace;
      return this;
    }

    /**
     * Sets the limits applied when an agent unpacks a code version; default
     * {@link ArchiveLimits#defaults()}.
     *
     * @param limits bounds on the entries and bytes of a code archive
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder codeLimits(ArchiveLimits limits) {
      once("codeLimits");
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets the limits of each script's process tree, as far as the backend enforces them;
     * default 2 GiB of memory, 10 GiB of disk and 1024 CPU shares.
     *
     * @param limits the limits of one script's run
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder scriptLimits(ResourceLimits limits) {
      once("scriptLimits");
      this.resources = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * The environment every script starts from, before the agent adds {@code MY_IP},
     * {@code MY_ROLE}, {@code MASTER_IP} and the rest; default {@code PATH} (this process's)
     * and {@code LANG} ({@code C.UTF-8}).
     *
     * @param env variable name to value; copied
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code env} is null or holds a null name or value
     */
    public Builder baseEnv(Map<String, String> env) {
      once("baseEnv");
      this.baseEnv = Map.copyOf(env);
      return this;
    }

    /**
     * Makes the host for the cloud whose parts {@code context} holds; it advertises itself once
     * started.
     *
     * @param context the cloud's bus, blob store, clock and executor
     * @return a new role in state NEW
     * @throws IllegalStateException without an id or a work folder
     */
    @Override
    public GenericAgentHost create(CloudContext context) {
      if (id == null || workDir == null) {
        throw new IllegalStateException("a generic agent host needs an id and a workDir");
      }
      if (backend == null && backendFactory == null) {
        throw new IllegalStateException("generic agent host " + id + " needs a backend to run"
            + " its scripts, such as backend(ProcessBackend.factory()) from paas-node");
      }
      if (baseEnv == null) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"),
            "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        baseEnv = Map.copyOf(env);
      }
      return new GenericAgentHost(this, context);
    }
  }
}
