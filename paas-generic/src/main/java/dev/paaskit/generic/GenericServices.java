package dev.paaskit.generic;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.generic.internal.GenericSubjects;
import dev.paaskit.generic.internal.ScriptCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager of ConPaaS-style generic services: each service has agents (the first is the
 * {@code master}, the others {@code node}s), code versions holding {@code init.sh, run.sh,
 * interrupt.sh, cleanup.sh, notify.sh}, and one active version. Agents live on agent hosts
 * ({@link dev.paaskit.generic.agent.GenericAgentHost}) and are driven over the bus;
 * services, agents and code versions live in the state store and code archives in the blob
 * store, so a restarted manager finds them again and places the agents anew on the hosts that
 * advertise.
 *
 * <pre>{@code
 * GenericServices services = (GenericServices) cloud.role(GenericServices.ROLE_NAME).orElseThrow();
 * services.create("jobs", 3);
 * services.activate("jobs", services.uploadCode("jobs", archive).version());
 * services.run("jobs");
 * ServiceStatus status = services.status("jobs");
 * }</pre>
 *
 * <p>Each agent gets its own loopback address, {@code 127.0.0.2} upwards, unique in the cloud,
 * claimed in the store. Script commands go to every agent at once and each agent answers for
 * itself: {@link #run} returns one {@link AgentOutcome} per agent and throws
 * {@link ScriptRefusedException} only when every agent refused. Calls that change a service are
 * serialised; every call waits at most the command timeout per agent. Thread-safe.
 *
 * <p>Each call that changes a service writes it with a compare-and-set, and throws
 * {@link ConflictException} when another manager on the same store changed it meanwhile; the
 * caller may try again. A call naming a service that does not exist throws
 * {@link NotFoundException}.
 */
public final class GenericServices extends AbstractRole {
  /** The role's name, by which {@code cloud.role(ROLE_NAME)} finds the manager. */
  public static final String ROLE_NAME = "generic-services";
  /** The most agents one service may have. */
  public static final int MAX_AGENTS = 64;
  /** How long the manager waits for one agent's or host's answer by default: 10 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  /** Store prefix of loopback address claims, whose value is the agent id. */
  static final String IPS = "generic.ips.";
  private static final int FIRST_ADDRESS = 2;
  private static final int LAST_ADDRESS = (1 << 24) - 2;

  private static final Logger log = LoggerFactory.getLogger(GenericServices.class);

  private final StateStore store;
  private final BlobStore blobs;
  private final Clock clock;
  private final Path workDir;
  private final CodeArchives archives;
  private final AgentRequests requests;
  /** Serialises changes to services and placements. */
  private final Object lock = new Object();
  private final Placements placements;

  private GenericServices(Builder b, CloudContext context) {
    this.store = context.stateStore();
    this.blobs = context.blobStore();
    this.clock = context.clock();
    this.workDir = b.workDir;
    this.archives = new CodeArchives(b.limits);
    this.requests = new AgentRequests(context.bus(), b.timeout);
    this.placements = new Placements(context.bus(), store, context.executor(), requests, lock);
  }

  /**
   * A builder of the manager, to pass to the cloud's {@code addRole}; {@link Builder#workDir}
   * must be set.
   *
   * @return a new builder with the default archive limits and command timeout
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return ROLE_NAME;
  }

  /** Listens for agent hosts and asks them to advertise; agents are placed as hosts appear. */
  @Override
  protected void startUp() throws IOException {
    Files.createDirectories(workDir);
    placements.start();
  }

  @Override
  protected void shutDown() {
    placements.stop();
  }

  /**
   * Every generic service, sorted by name. Reads the state store only; no agent is asked.
   *
   * @return a new list, empty when there is no service
   */
  public List<GenericService> list() {
    return ServiceRecord.all(store).stream().map(ServiceRecord::view).toList();
  }

  /**
   * One generic service, as stored. Reads the state store only; no agent is asked.
   *
   * @param name the service's name
   * @return the service
   * @throws NotFoundException when there is no service {@code name}
   */
  public GenericService get(String name) {
    return load(name).record.view();
  }

  /**
   * Creates a service with {@code agents} agents, the first its master, and places them on the
   * agent hosts. Agents that no host took yet (none does before the role started) are placed
   * when one advertises. Each agent claims a loopback address of its own in the store. Blocks
   * while each host asked answers, up to the command timeout per agent.
   *
   * @param name a DNS label, unique among generic services
   * @param agents 1 to {@value #MAX_AGENTS}
   * @return the service as created; no code version yet
   * @throws InvalidSpecException for a name that is not a DNS label or a count outside 1 to
   *     {@value #MAX_AGENTS}
   * @throws ConflictException when the name is taken
   */
  public GenericService create(String name, int agents) {
    AppSpec.checkName(name);
    checkCount("agents", agents, MAX_AGENTS);
    synchronized (lock) {
      if (store.get(ServiceRecord.key(name)).isPresent()) {
        throw new ConflictException("generic service '" + name + "' already exists");
      }
      List<AgentInfo> all = new ArrayList<>();
      for (int i = 1; i <= agents; i++) {
        String id = name + "-" + i;
        all.add(new AgentInfo(id, claimIp(id), i == 1 ? AgentInfo.MASTER : AgentInfo.NODE));
      }
      ServiceRecord record = new ServiceRecord(name, all, agents + 1, 1, List.of(), null, 0);
      if (store.compareAndSet(ServiceRecord.key(name), 0, Json.write(record)).isEmpty()) {
        all.forEach(this::releaseIp);
        throw new ConflictException("generic service '" + name + "' already exists");
      }
      all.forEach(a -> placements.place(record, a));
      return record.view();
    }
  }

  /**
   * Removes the service's agents (stopping what they run), its address claims and its record,
   * and deletes its code blobs that no other service holds. Blocks while each host removes its
   * agent.
   *
   * @param name the service's name
   * @throws NotFoundException when there is no service {@code name}
   */
  public void delete(String name) {
    synchronized (lock) {
      ServiceRecord record = load(name).record;
      record.agents().forEach(a -> placements.unplace(a.id()));
      record.agents().forEach(this::releaseIp);
      store.delete(ServiceRecord.key(name));
      Set<String> inUse = new HashSet<>();
      list().forEach(s -> s.codeVersions().forEach(v -> inUse.add(v.sha256())));
      for (CodeVersion v : record.codeVersions()) {
        if (inUse.add(v.sha256())) {
          deleteBlob(v.sha256());
        }
      }
    }
  }

  /**
   * Stores a code version from a zip, tar or tar.gz archive. The archive is unpacked with the
   * upload safety rules; a single top folder is flattened. Uploading the same code again
   * returns the version it already is.
   *
   * <p>The new version is not active: {@link #activate} it. Blocks while the archive is
   * unpacked, repacked and stored.
   *
   * @param name the service's name
   * @param archive the archive file, read only; its format is told by its bytes
   * @return the new version, named {@code v1}, {@code v2}... in upload order, or the version
   *     that already holds the same code
   * @throws dev.paaskit.api.InvalidArchiveException when the archive is refused or lacks one of
   *     the five scripts (all missing ones are named); nothing is stored then
   * @throws NotFoundException when there is no service {@code name}
   * @throws IOException when the archive cannot be read, or the work folder or the blob store
   *     fails
   */
  public CodeVersion uploadCode(String name, Path archive) throws IOException {
    load(name);
    Path normalised = Files.createTempFile(workDir, "code-", ".tar.gz");
    try {
      try (OutputStream out = Files.newOutputStream(normalised)) {
        archives.normalise(archive, workDir, out);
      }
      BlobInfo blob = blobs.put(normalised);
      synchronized (lock) {
        Loaded loaded = load(name);
        Optional<CodeVersion> same = loaded.record.codeVersions().stream()
            .filter(v -> v.sha256().equals(blob.sha256())).findFirst();
        if (same.isPresent()) {
          return same.get();
        }
        CodeVersion version = new CodeVersion("v" + (loaded.record.codeVersions().size() + 1),
            blob.sha256(), blob.sizeBytes(), clock.now().toString());
        save(loaded, loaded.record.withVersion(version));
        return version;
      }
    } finally {
      Files.deleteIfExists(normalised);
    }
  }

  /**
   * The code versions of a service, as stored.
   *
   * @param name the service's name
   * @return every version uploaded, oldest first; empty before the first upload
   * @throws NotFoundException when there is no service {@code name}
   */
  public List<CodeVersion> codeVersions(String name) {
    return load(name).record.codeVersions();
  }

  /**
   * Makes {@code version} the active code: every agent unpacks it and runs init.sh, even when
   * it is the version already active. Agents not placed yet get it when they are placed.
   *
   * @param name the service's name
   * @param version a version name as {@link #uploadCode} returned it, such as {@code v2}
   * @return each agent's answer, in agent order; an agent that refused does not run the new
   *     version
   * @throws NotFoundException when the service or the version does not exist
   * @throws ScriptRefusedException when an agent is running a script (named)
   */
  public List<AgentOutcome> activate(String name, String version) {
    synchronized (lock) {
      Loaded loaded = load(name);
      if (loaded.record.version(version).isEmpty()) {
        throw new NotFoundException("code version of generic service " + name, version);
      }
      for (AgentStatus s : statuses(loaded.record)) {
        if (s.report() != null && s.report().running() != null) {
          throw new ScriptRefusedException("cannot activate " + version + ": agent "
              + s.agent().id() + " is running " + s.report().running().fileName()
              + "; interrupt it first");
        }
      }
      ServiceRecord activated = loaded.record.activate(version);
      save(loaded, activated);
      return configureAll(activated, activated.agents());
    }
  }

  /**
   * Runs run.sh on every agent; see {@link #command}. An agent refuses while another script
   * runs, before init.sh succeeded, or with no active code version.
   *
   * @param name the service's name
   * @return each agent's answer, in agent order
   * @throws ScriptRefusedException when every agent refused
   */
  public List<AgentOutcome> run(String name) {
    return command(name, Script.RUN);
  }

  /**
   * Stops what runs on every agent (SIGTERM to its process group, SIGKILL after the agent's
   * grace period), then runs interrupt.sh there. An agent where nothing runs does nothing.
   * Returns once each agent accepted, without waiting for the script to end.
   *
   * @param name the service's name
   * @return each agent's answer, in agent order
   * @throws ScriptRefusedException when every agent refused or was unreachable
   */
  public List<AgentOutcome> interrupt(String name) {
    return command(name, Script.INTERRUPT);
  }

  /**
   * Runs cleanup.sh on every agent, then empties its work folder and runs init.sh again. An
   * agent refuses while another script runs, before init.sh ended (a failed init.sh may be
   * cleaned up), or with no active code version.
   *
   * @param name the service's name
   * @return each agent's answer, in agent order
   * @throws ScriptRefusedException when every agent refused
   */
  public List<AgentOutcome> cleanup(String name) {
    return command(name, Script.CLEANUP);
  }

  /**
   * Sends {@code script} to every agent at once, and waits for their answers up to the command
   * timeout; an agent not placed or not answering counts as refused. Each call is a new
   * command, not a retry of an earlier one.
   *
   * @param name the service's name
   * @param script {@link Script#RUN}, {@link Script#CLEANUP} or {@link Script#INTERRUPT}; the
   *     agents run init.sh and notify.sh themselves and refuse them as commands
   * @return each agent's answer, in agent order
   * @throws ScriptRefusedException when every agent refused; the message holds each reason
   */
  public List<AgentOutcome> command(String name, Script script) {
    ServiceRecord record = load(name).record;
    byte[] payload = Json.write(new ScriptCommand(UUID.randomUUID().toString(), script));
    List<AgentOutcome> outcomes = askAll(record.agents(), GenericSubjects::agentCommand, payload);
    if (!outcomes.isEmpty() && outcomes.stream().noneMatch(AgentOutcome::ok)) {
      throw new ScriptRefusedException(script.fileName() + " refused on every agent: "
          + String.join("; ", outcomes.stream().map(o -> o.message().contains(o.agentId())
              ? o.message() : o.agentId() + ": " + o.message()).toList()));
    }
    return outcomes;
  }

  /**
   * Adds {@code count} node agents. New agents run init.sh when a code version is active; the
   * agents already there see the new {@code agents.json} and run notify.sh. Agents no host takes
   * now are placed when one advertises.
   *
   * @param name the service's name
   * @param count 1 or more, at most {@value #MAX_AGENTS} agents in all
   * @return the service with its new agents, numbered after every agent it ever had
   * @throws InvalidSpecException naming {@code count} when it is out of range
   */
  public GenericService addAgents(String name, int count) {
    synchronized (lock) {
      Loaded loaded = load(name);
      ServiceRecord record = loaded.record;
      checkCount("count", count, MAX_AGENTS - record.agents().size());
      List<AgentInfo> all = new ArrayList<>(record.agents());
      List<AgentInfo> added = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = name + "-" + (record.nextAgent() + i);
        added.add(new AgentInfo(id, claimIp(id), AgentInfo.NODE));
      }
      all.addAll(added);
      ServiceRecord grown = record.withAgents(all, record.nextAgent() + count);
      try {
        save(loaded, grown);
      } catch (RuntimeException e) {
        added.forEach(this::releaseIp);
        throw e;
      }
      added.forEach(a -> placements.place(grown, a));
      configureAll(grown, record.agents());
      return grown.view();
    }
  }

  /**
   * Removes the {@code count} newest agents, stopping what they run and deleting their folders;
   * the remaining agents see the new {@code agents.json} and run notify.sh. The master stays.
   * Blocks while each host removes its agent.
   *
   * @param name the service's name
   * @param count 1 to one less than the service's agents
   * @return the service with the agents it kept
   * @throws InvalidSpecException when {@code count} would remove the master, or is below 1
   */
  public GenericService removeAgents(String name, int count) {
    synchronized (lock) {
      Loaded loaded = load(name);
      ServiceRecord record = loaded.record;
      int have = record.agents().size();
      if (count < 1 || count >= have) {
        throw new InvalidSpecException("count", String.valueOf(count), "service " + name
            + " has " + have + " agent(s) and keeps its master: remove 1 to " + (have - 1)
            + ", or delete the service");
      }
      List<AgentInfo> kept = record.agents().subList(0, have - count);
      List<AgentInfo> removed = record.agents().subList(have - count, have);
      ServiceRecord shrunk = record.withAgents(kept, record.nextAgent());
      save(loaded, shrunk);
      removed.forEach(a -> placements.unplace(a.id()));
      removed.forEach(this::releaseIp);
      configureAll(shrunk, kept);
      return shrunk.view();
    }
  }

  /**
   * The service and, for each agent, its report or why there is none. Every placed agent is
   * asked at once, so this waits at most about one command timeout. An agent whose host is
   * found gone is placed again.
   *
   * @param name the service's name
   * @return the service and one status per agent, in agent order
   * @throws NotFoundException when there is no service {@code name}
   */
  public ServiceStatus status(String name) {
    ServiceRecord record = load(name).record;
    return new ServiceStatus(record.view(), statuses(record));
  }

  private List<AgentStatus> statuses(ServiceRecord record) {
    List<CompletableFuture<Message>> asks = send(record.agents(), GenericSubjects::agentStatus,
        new byte[0]);
    List<AgentStatus> out = new ArrayList<>();
    for (int i = 0; i < asks.size(); i++) {
      AgentInfo a = record.agents().get(i);
      String host = placements.hostOf(a.id());
      if (asks.get(i) == null) {
        out.add(new AgentStatus(a, null, null, "not placed: no agent host has taken it yet"));
        continue;
      }
      try {
        out.add(new AgentStatus(a, host,
            Json.read(requests.await(asks.get(i)).data(), AgentReport.class), null));
      } catch (AgentRequests.Unreachable e) {
        out.add(new AgentStatus(a, host, null, e.getMessage()));
        if (e.gone) {
          placements.lost(a.id(), host);
        }
      }
    }
    return out;
  }

  private List<AgentOutcome> configureAll(ServiceRecord record, List<AgentInfo> agents) {
    List<AgentOutcome> out = new ArrayList<>();
    for (AgentInfo a : agents) {
      if (placements.hostOf(a.id()) == null) {
        out.add(placements.place(record, a));
        continue;
      }
      AgentOutcome o = outcome(a.id(), requests.send(GenericSubjects.agentConfigure(a.id()),
          Json.write(record.config(a))));
      out.add(o.ok() || placements.hostOf(a.id()) != null ? o : placements.place(record, a));
    }
    return out;
  }

  /** One request per placed agent, all at once; null for an agent not placed. */
  private List<CompletableFuture<Message>> send(List<AgentInfo> agents,
      Function<String, String> subject, byte[] payload) {
    List<CompletableFuture<Message>> asks = new ArrayList<>();
    for (AgentInfo a : agents) {
      asks.add(placements.hostOf(a.id()) == null ? null
          : requests.send(subject.apply(a.id()), payload));
    }
    return asks;
  }

  private List<AgentOutcome> askAll(List<AgentInfo> agents, Function<String, String> subject,
      byte[] payload) {
    List<CompletableFuture<Message>> asks = send(agents, subject, payload);
    List<AgentOutcome> out = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      String id = agents.get(i).id();
      out.add(asks.get(i) == null ? new AgentOutcome(id, false, "not placed on any agent host")
          : outcome(id, asks.get(i)));
    }
    return out;
  }

  private AgentOutcome outcome(String agentId, CompletableFuture<Message> reply) {
    String host = placements.hostOf(agentId);
    try {
      Ack ack = Json.read(requests.await(reply).data(), Ack.class);
      return new AgentOutcome(agentId, ack.ok(), ack.ok() ? "ok" : ack.error());
    } catch (AgentRequests.Unreachable e) {
      if (e.gone) {
        placements.lost(agentId, host);
      }
      return new AgentOutcome(agentId, false, e.getMessage());
    }
  }

  private String claimIp(String agentId) {
    Set<String> taken = new HashSet<>();
    store.list(IPS).forEach(e -> taken.add(e.key().substring(IPS.length())));
    for (int n = FIRST_ADDRESS; n <= LAST_ADDRESS; n++) {
      String ip = "127." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
      if (!taken.contains(ip) && store.compareAndSet(IPS + ip, 0,
          agentId.getBytes(StandardCharsets.UTF_8)).isPresent()) {
        return ip;
      }
    }
    throw new IllegalStateException("every address of 127.0.0.0/8 is taken by an agent");
  }

  private void releaseIp(AgentInfo agent) {
    store.delete(IPS + agent.ip());
  }

  private void deleteBlob(String sha256) {
    try {
      blobs.delete(sha256);
    } catch (IOException e) {
      log.warn("could not delete code blob {}: {}", sha256, e.toString());
    }
  }

  private record Loaded(ServiceRecord record, long revision) {}

  private Loaded load(String name) {
    StoreEntry e = store.get(ServiceRecord.key(Objects.requireNonNull(name, "name")))
        .orElseThrow(() -> new NotFoundException("generic service", name));
    return new Loaded(ServiceRecord.read(e), e.revision());
  }

  private void save(Loaded loaded, ServiceRecord changed) {
    if (store.compareAndSet(ServiceRecord.key(changed.name()), loaded.revision,
        Json.write(changed))
        .isEmpty()) {
      throw new ConflictException("generic service '" + changed.name()
          + "' was changed by someone else meanwhile; try again");
    }
  }

  private static void checkCount(String field, int count, int max) {
    if (count < 1 || count > max) {
      throw new InvalidSpecException(field, String.valueOf(count),
          "must be between 1 and " + max);
    }
  }

  /**
   * Options of the manager. {@link #workDir} is required; each option may be set once. Not
   * thread-safe.
   */
  public static final class Builder implements RoleFactory {
    private Path workDir;
    private ArchiveLimits limits;
    private Duration timeout;

    private Builder() {}

    /**
     * Sets where uploaded archives are checked before they are stored; created if missing when
     * the role starts. Required.
     *
     * @param workDir a folder of the manager's own; files in it are temporary
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code workDir} is null
     */
    public Builder workDir(Path workDir) {
      if (this.workDir != null) {
        throw new IllegalStateException("workDir was already set");
      }
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Sets the limits on uploaded code archives; default {@link ArchiveLimits#defaults()}.
     *
     * @param limits bounds on an archive's entries and bytes, applied by {@link #uploadCode}
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder uploadLimits(ArchiveLimits limits) {
      if (this.limits != null) {
        throw new IllegalStateException("uploadLimits was already set");
      }
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets how long to wait for one agent's or host's answer; default
     * {@link #DEFAULT_COMMAND_TIMEOUT}, 10 s.
     *
     * @param timeout more than zero; the bus measures it on the cloud's clock, and a caller
     *     waiting for an answer gives up at most a second later in real time
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder commandTimeout(Duration timeout) {
      if (this.timeout != null) {
        throw new IllegalStateException("commandTimeout was already set");
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("commandTimeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Makes the manager of the cloud whose parts {@code context} holds; it listens for hosts
     * once started.
     *
     * @param context the cloud's bus, stores, clock and executor
     * @return a new role in state NEW
     * @throws IllegalStateException without a work folder
     */
    @Override
    public GenericServices create(CloudContext context) {
      if (workDir == null) {
        throw new IllegalStateException("GenericServices needs a workDir");
      }
      if (limits == null) {
        limits = ArchiveLimits.defaults();
      }
      if (timeout == null) {
        timeout = DEFAULT_COMMAND_TIMEOUT;
      }
      return new GenericServices(this, context);
    }
  }
}
