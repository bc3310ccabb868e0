package dev.paaskit.core.generic;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.protocol.Ack;
import dev.paaskit.core.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager of ConPaaS-style generic services: each service has agents (the first is the
 * {@code master}, the others {@code node}s), code versions holding {@code init.sh, run.sh,
 * interrupt.sh, cleanup.sh, notify.sh}, and one active version. Agents live on agent hosts
 * (paas-node's {@code GenericAgentHost}) and are driven over the bus ({@link GenericSubjects});
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
 */
public final class GenericServices implements Role {
  public static final String ROLE_NAME = "generic-services";
  /** The most agents one service may have. */
  public static final int MAX_AGENTS = 64;
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  /** Store prefix of service records. */
  static final String SERVICES = "generic.services.";
  /** Store prefix of loopback address claims, whose value is the agent id. */
  static final String IPS = "generic.ips.";
  private static final int FIRST_ADDRESS = 2;
  private static final int LAST_ADDRESS = (1 << 24) - 2;

  private static final Logger log = LoggerFactory.getLogger(GenericServices.class);

  private final MessageBus bus;
  private final StateStore store;
  private final BlobStore blobs;
  private final Clock clock;
  private final Executor executor;
  private final Path workDir;
  private final CodeArchives archives;
  private final Duration timeout;
  /** Serialises changes to services and placements. */
  private final Object lock = new Object();
  /** Agent id to the host that holds it. */
  private final Map<String, String> hostOf = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();
  private Subscription adverts;

  private GenericServices(Builder b, CloudContext context) {
    this.bus = context.bus();
    this.store = context.stateStore();
    this.blobs = context.blobStore();
    this.clock = context.clock();
    this.executor = context.executor();
    this.workDir = b.workDir;
    this.archives = new CodeArchives(b.limits);
    this.timeout = b.timeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return ROLE_NAME;
  }

  /** Listens for agent hosts and asks them to advertise; agents are placed as hosts appear. */
  @Override
  public synchronized void start() throws IOException {
    Files.createDirectories(workDir);
    adverts = bus.subscribe(GenericSubjects.HOST_ADVERTISE, m -> {
      HostAdvert advert = Json.read(m.data(), HostAdvert.class);
      executor.execute(() -> onAdvert(advert));
    });
    bus.publish(GenericSubjects.HOST_DISCOVER, new byte[0]);
  }

  @Override
  public synchronized void stop() {
    if (adverts != null) {
      adverts.close();
      adverts = null;
    }
  }

  /** Every generic service, sorted by name. */
  public List<GenericService> list() {
    return store.list(SERVICES).stream().map(e -> read(e).view()).toList();
  }

  /** @throws NotFoundException when there is no service {@code name} */
  public GenericService get(String name) {
    return load(name).record.view();
  }

  /**
   * Creates a service with {@code agents} agents, the first its master, and places them on the
   * agent hosts. Agents that no host took yet are placed when one advertises.
   *
   * @throws InvalidSpecException for a name that is not a DNS label or a count outside 1 to
   *     {@value #MAX_AGENTS}
   * @throws ConflictException when the name is taken
   */
  public GenericService create(String name, int agents) {
    AppSpec.checkName(name);
    checkCount("agents", agents, MAX_AGENTS);
    synchronized (lock) {
      if (store.get(SERVICES + name).isPresent()) {
        throw new ConflictException("generic service '" + name + "' already exists");
      }
      List<AgentInfo> all = new ArrayList<>();
      for (int i = 1; i <= agents; i++) {
        String id = name + "-" + i;
        all.add(new AgentInfo(id, claimIp(id), i == 1 ? AgentInfo.MASTER : AgentInfo.NODE));
      }
      ServiceRecord record = new ServiceRecord(name, all, agents + 1, 1, List.of(), null, 0);
      if (store.compareAndSet(SERVICES + name, 0, Json.write(record)).isEmpty()) {
        all.forEach(this::releaseIp);
        throw new ConflictException("generic service '" + name + "' already exists");
      }
      all.forEach(a -> place(record, a));
      return record.view();
    }
  }

  /** Removes the service's agents (stopping what they run), its address claims and its record. */
  public void delete(String name) {
    synchronized (lock) {
      ServiceRecord record = load(name).record;
      record.agents().forEach(a -> unplace(a.id()));
      record.agents().forEach(this::releaseIp);
      store.delete(SERVICES + name);
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
   * @throws dev.paaskit.api.InvalidArchiveException when the archive is refused or lacks one of
   *     the five scripts (all missing ones are named); nothing is stored then
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

  public List<CodeVersion> codeVersions(String name) {
    return load(name).record.codeVersions();
  }

  /**
   * Makes {@code version} the active code: every agent unpacks it and runs init.sh, even when
   * it is the version already active.
   *
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

  /** Runs run.sh on every agent; see {@link #command}. */
  public List<AgentOutcome> run(String name) {
    return command(name, Script.RUN);
  }

  /**
   * Stops what runs on every agent (SIGTERM to its process group, SIGKILL after the agent's
   * grace period), then runs interrupt.sh there. An agent where nothing runs does nothing.
   */
  public List<AgentOutcome> interrupt(String name) {
    return command(name, Script.INTERRUPT);
  }

  /** Runs cleanup.sh on every agent, then empties its work folder and runs init.sh again. */
  public List<AgentOutcome> cleanup(String name) {
    return command(name, Script.CLEANUP);
  }

  /**
   * Sends {@code script} to every agent at once.
   *
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
   * agents already there see the new {@code agents.json} and run notify.sh.
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
      added.forEach(a -> place(grown, a));
      configureAll(grown, record.agents());
      return grown.view();
    }
  }

  /**
   * Removes the {@code count} newest agents, stopping what they run and deleting their folders;
   * the remaining agents see the new {@code agents.json} and run notify.sh. The master stays.
   *
   * @throws InvalidSpecException when {@code count} would remove the master
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
      removed.forEach(a -> unplace(a.id()));
      removed.forEach(this::releaseIp);
      configureAll(shrunk, kept);
      return shrunk.view();
    }
  }

  /** The service and, for each agent, its report or why there is none. */
  public ServiceStatus status(String name) {
    ServiceRecord record = load(name).record;
    return new ServiceStatus(record.view(), statuses(record));
  }

  private List<AgentStatus> statuses(ServiceRecord record) {
    List<CompletableFuture<Message>> asks = new ArrayList<>();
    for (AgentInfo a : record.agents()) {
      asks.add(hostOf.containsKey(a.id())
          ? bus.request(GenericSubjects.agentStatus(a.id()), new byte[0], timeout) : null);
    }
    List<AgentStatus> out = new ArrayList<>();
    for (int i = 0; i < asks.size(); i++) {
      AgentInfo a = record.agents().get(i);
      String host = hostOf.get(a.id());
      if (asks.get(i) == null) {
        out.add(new AgentStatus(a, null, null, "not placed: no agent host has taken it yet"));
        continue;
      }
      try {
        out.add(new AgentStatus(a, host, Json.read(await(asks.get(i)).data(), AgentReport.class),
            null));
      } catch (AgentUnreachable e) {
        out.add(new AgentStatus(a, host, null, e.getMessage()));
        if (e.gone) {
          lost(a.id(), host);
        }
      }
    }
    return out;
  }

  private List<AgentOutcome> configureAll(ServiceRecord record, List<AgentInfo> agents) {
    List<AgentOutcome> out = new ArrayList<>();
    for (AgentInfo a : agents) {
      if (!hostOf.containsKey(a.id())) {
        out.add(place(record, a));
        continue;
      }
      AgentOutcome o = ask(a.id(), GenericSubjects.agentConfigure(a.id()),
          Json.write(record.config(a)));
      out.add(o.ok() || hostOf.containsKey(a.id()) ? o : place(record, a));
    }
    return out;
  }

  private List<AgentOutcome> askAll(List<AgentInfo> agents, Function<String, String> subject,
      byte[] payload) {
    List<CompletableFuture<Message>> asks = new ArrayList<>();
    for (AgentInfo a : agents) {
      asks.add(hostOf.containsKey(a.id())
          ? bus.request(subject.apply(a.id()), payload, timeout) : null);
    }
    List<AgentOutcome> out = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      String id = agents.get(i).id();
      out.add(asks.get(i) == null ? new AgentOutcome(id, false, "not placed on any agent host")
          : outcome(id, asks.get(i)));
    }
    return out;
  }

  private AgentOutcome ask(String agentId, String subject, byte[] payload) {
    return outcome(agentId, bus.request(subject, payload, timeout));
  }

  private AgentOutcome outcome(String agentId, CompletableFuture<Message> reply) {
    try {
      Ack ack = Json.read(await(reply).data(), Ack.class);
      return new AgentOutcome(agentId, ack.ok(), ack.ok() ? "ok" : ack.error());
    } catch (AgentUnreachable e) {
      if (e.gone) {
        lost(agentId, hostOf.get(agentId));
      }
      return new AgentOutcome(agentId, false, e.getMessage());
    }
  }

  /**
   * Places {@code agent} on the host holding the fewest agents; a host found gone is forgotten
   * and the next one tried.
   */
  private AgentOutcome place(ServiceRecord record, AgentInfo agent) {
    synchronized (lock) {
      while (true) {
        Optional<String> host = hosts.stream()
            .min((x, y) -> Long.compare(agentsOn(x), agentsOn(y)));
        if (host.isEmpty()) {
          return new AgentOutcome(agent.id(), false, "not placed: no agent host has advertised");
        }
        try {
          Ack ack = Json.read(await(bus.request(GenericSubjects.hostPlace(host.get()),
              Json.write(record.config(agent)), timeout)).data(), Ack.class);
          if (ack.ok()) {
            hostOf.put(agent.id(), host.get());
            return new AgentOutcome(agent.id(), true, "placed on " + host.get());
          }
          return new AgentOutcome(agent.id(), false, ack.error());
        } catch (AgentUnreachable e) {
          log.warn("could not place agent {} on host {}: {}", agent.id(), host.get(),
              e.getMessage());
          if (!e.gone) {
            return new AgentOutcome(agent.id(), false, "host " + host.get() + ": " + e.getMessage());
          }
          hosts.remove(host.get());
        }
      }
    }
  }

  private long agentsOn(String hostId) {
    return hostOf.values().stream().filter(hostId::equals).count();
  }

  private void unplace(String agentId) {
    String host = hostOf.remove(agentId);
    if (host == null) {
      return;
    }
    try {
      Ack ack = Json.read(await(bus.request(GenericSubjects.hostRemove(host),
          agentId.getBytes(StandardCharsets.UTF_8), timeout)).data(), Ack.class);
      if (!ack.ok()) {
        log.warn("host {} did not remove agent {}: {}", host, agentId, ack.error());
      }
    } catch (AgentUnreachable e) {
      log.warn("could not remove agent {} from host {}: {}", agentId, host, e.getMessage());
    }
  }

  /**
   * Learns a host and what it holds: agents it no longer holds are placed again, agents of no
   * service (deleted while this manager was away) are removed from it.
   */
  private void onAdvert(HostAdvert advert) {
    synchronized (lock) {
      hosts.add(advert.hostId());
      Set<String> held = new HashSet<>(advert.agentIds());
      hostOf.entrySet().removeIf(e -> e.getValue().equals(advert.hostId())
          && !held.contains(e.getKey()));
      List<ServiceRecord> records = store.list(SERVICES).stream().map(GenericServices::read)
          .toList();
      Set<String> wanted = new HashSet<>();
      records.forEach(r -> r.agents().forEach(a -> wanted.add(a.id())));
      for (String id : advert.agentIds()) {
        if (!wanted.contains(id)) {
          hostOf.put(id, advert.hostId());
          unplace(id);
        } else {
          hostOf.putIfAbsent(id, advert.hostId());
        }
      }
      placeUnplaced(records);
    }
  }

  /**
   * Forgets that {@code agentId} is on {@code host}, whose subscription is gone (the host
   * stopped or died), and places it again, on the executor.
   */
  private void lost(String agentId, String host) {
    if (host != null && hostOf.remove(agentId, host)) {
      log.warn("agent {} on host {} does not answer any more; placing it again", agentId, host);
      executor.execute(() -> {
        synchronized (lock) {
          placeUnplaced(store.list(SERVICES).stream().map(GenericServices::read).toList());
        }
      });
    }
  }

  private void placeUnplaced(List<ServiceRecord> records) {
    for (ServiceRecord record : records) {
      for (AgentInfo a : record.agents()) {
        if (!hostOf.containsKey(a.id())) {
          place(record, a);
        }
      }
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
    StoreEntry e = store.get(SERVICES + Objects.requireNonNull(name, "name"))
        .orElseThrow(() -> new NotFoundException("generic service", name));
    return new Loaded(read(e), e.revision());
  }

  private static ServiceRecord read(StoreEntry e) {
    return Json.read(e.value(), ServiceRecord.class);
  }

  private void save(Loaded loaded, ServiceRecord changed) {
    if (store.compareAndSet(SERVICES + changed.name(), loaded.revision, Json.write(changed))
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

  /** An agent or host that did not answer; {@code gone} when nobody listens any more. */
  private static final class AgentUnreachable extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean gone;

    AgentUnreachable(String message, boolean gone) {
      super(message, null, false, false);
      this.gone = gone;
    }
  }

  private Message await(CompletableFuture<Message> reply) throws AgentUnreachable {
    try {
      return reply.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NoRespondersException) {
        throw new AgentUnreachable("no answer: nobody listens (its host is gone)", true);
      }
      if (e.getCause() instanceof TimeoutException) {
        throw new AgentUnreachable("no answer within " + timeout.toMillis() + " ms", false);
      }
      throw new AgentUnreachable("request failed: " + e.getCause(), false);
    } catch (TimeoutException e) {
      throw new AgentUnreachable("no answer within " + timeout.toMillis() + " ms", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentUnreachable("interrupted while waiting for an answer", false);
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

    /** Where uploaded archives are checked before they are stored; created if missing. */
    public Builder workDir(Path workDir) {
      if (this.workDir != null) {
        throw new IllegalStateException("workDir was already set");
      }
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** Limits on code archives; default {@link ArchiveLimits#defaults()}. */
    public Builder uploadLimits(ArchiveLimits limits) {
      if (this.limits != null) {
        throw new IllegalStateException("uploadLimits was already set");
      }
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** How long to wait for one agent's or host's answer; default 10 s. */
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
