package dev.paaskit.generic.agent;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.generic.AgentInfo;
import dev.paaskit.generic.AgentReport;
import dev.paaskit.generic.Script;
import dev.paaskit.generic.ScriptReport;
import dev.paaskit.generic.ScriptState;
import dev.paaskit.generic.internal.AgentConfig;
import dev.paaskit.generic.internal.CodeRef;
import dev.paaskit.generic.internal.ScriptCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent of a generic service: a folder ({@code code/} holds the active code version and
 * {@code agents.json}, {@code work/} is where scripts run) and at most one script running at a
 * time, as a container of the host's backend.
 *
 * <p>Order: a new activation unpacks the code and starts init.sh; run.sh and cleanup.sh are
 * refused until init.sh ended with 0 and while any script runs. After an interrupt stopped a
 * script, interrupt.sh runs (when init had finished); after cleanup.sh the work folder is emptied
 * and init.sh runs again; a change of the agent list while a script runs leaves notify.sh
 * pending until the agent is idle. Thread-safe: one lock guards the state.
 */
final class GenericAgent {
  private static final Logger log = LoggerFactory.getLogger(GenericAgent.class);
  private static final int MAX_ANSWERS = 64;
  private static final Duration REMOVE_MARGIN = Duration.ofSeconds(5);

  /** What every agent of one host shares. */
  record Host(ContainerBackend backend, BlobStore blobs, Clock clock, Executor executor,
      Duration grace, ArchiveLimits limits, ResourceLimits resources, Map<String, String> baseEnv,
      int maxLines) {}

  private final String id;
  private final Path dir;
  private final Path codeDir;
  private final Path workDir;
  private final Host host;

  // Guarded by this.
  private AgentConfig config;
  private Script running;
  private String containerId;
  private boolean stopRequested;
  private boolean pendingNotify;
  private boolean removed;
  private int sequence;
  private final Map<Script, ScriptRun> scripts = new EnumMap<>(Script.class);
  private final Map<String, Ack> answers = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Ack> eldest) {
      return size() > MAX_ANSWERS;
    }
  };

  GenericAgent(String id, Path dir, Host host) throws IOException {
    this.id = id;
    this.dir = dir;
    this.codeDir = dir.resolve("code");
    this.workDir = dir.resolve("work");
    this.host = host;
    Trees.delete(dir);
    Files.createDirectories(workDir);
    resetScripts();
  }

  String id() {
    return id;
  }

  /**
   * Applies a config from the manager. One older than the config held (an earlier membership
   * epoch or activation) is a replay and changes nothing.
   */
  synchronized Ack configure(AgentConfig next) throws IOException {
    if (removed) {
      return Ack.refused("agent " + id + " was removed");
    }
    CodeRef code = config == null ? null : config.code();
    if (config != null && (next.epoch() < config.epoch() || code != null
        && (next.code() == null || next.code().activation() < code.activation()))) {
      return Ack.accepted();
    }
    boolean codeChanged = next.code() != null && !next.code().equals(code);
    if (codeChanged && running != null) {
      return Ack.refused("agent " + id + " is running " + running.fileName()
          + "; cannot switch to code version " + next.code().version() + " now, interrupt it first");
    }
    boolean membershipChanged = config != null && !config.agents().equals(next.agents());
    if (codeChanged) {
      install(next.code());
    }
    config = next;
    if (config.code() == null) {
      return Ack.accepted();
    }
    writeAgentsJson();
    if (codeChanged) {
      resetScripts();
      pendingNotify = false;
      start(Script.INIT);
    } else if (membershipChanged) {
      pendingNotify = true;
      startPendingNotify();
    }
    return Ack.accepted();
  }

  /** Runs, interrupts or cleans up; a repeated command id gets its first answer again. */
  synchronized Ack command(ScriptCommand command) {
    Ack known = answers.get(command.commandId());
    if (known != null) {
      return known;
    }
    Ack ack = switch (command.script()) {
      case INTERRUPT -> interrupt();
      case RUN, CLEANUP -> startWhenReady(command.script());
      default -> throw new IllegalArgumentException("not a command: " + command.script());
    };
    answers.put(command.commandId(), ack);
    return ack;
  }

  synchronized AgentReport report() {
    Map<Script, ScriptReport> out = new EnumMap<>(Script.class);
    scripts.forEach((s, r) -> out.put(s, r.report()));
    AgentInfo me = config == null ? null : config.agent();
    return new AgentReport(id, me == null ? null : me.ip(), me == null ? null : me.role(),
        config == null || config.code() == null ? null : config.code().version(), running, out);
  }

  /**
   * Stops what runs (SIGTERM, SIGKILL after the grace period), waits for its end, and deletes
   * the agent's folder. Idempotent.
   */
  void remove() {
    String stopping;
    synchronized (this) {
      if (removed) {
        return;
      }
      removed = true;
      stopping = containerId;
      stopRequested = true;
    }
    if (stopping != null) {
      CompletableFuture<ExitStatus> exit = host.backend().stop(stopping, host.grace());
      try {
        exit.get(host.grace().plus(REMOVE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        log.warn("agent {}: its script {} did not end when stopped: {}", id, stopping, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      removeContainer(stopping);
    }
    Trees.deleteQuietly(dir);
  }

  private Ack interrupt() {
    if (running == null) {
      return Ack.accepted();
    }
    if (!stopRequested) {
      stopRequested = true;
      host.backend().stop(containerId, host.grace());
    }
    return Ack.accepted();
  }

  private Ack startWhenReady(Script script) {
    String refused = refusal(script);
    if (refused != null) {
      return Ack.refused(refused);
    }
    return start(script);
  }

  /** Why {@code script} may not start now, or null. */
  private String refusal(Script script) {
    String what = script.fileName() + " refused on agent " + id + ": ";
    if (config == null || config.code() == null) {
      return what + "no code version is active; upload one and activate it";
    }
    if (running != null) {
      return what + running.fileName() + " is running; wait for it or interrupt it";
    }
    ScriptRun init = scripts.get(Script.INIT);
    boolean initEnded = init.state() == ScriptState.EXITED || init.state() == ScriptState.STOPPED;
    if (script == Script.CLEANUP && initEnded) {
      // Cleanup returns the agent to a clean state, after a failed init too.
      return null;
    }
    if (!init.succeeded()) {
      return what + switch (init.state()) {
        case EXITED -> "init.sh failed with exit code " + init.exitCode()
            + "; fix the code and activate a version again";
        case STOPPED -> "init.sh was interrupted; activate the code version again";
        default -> "init.sh has not finished";
      };
    }
    return null;
  }

  private Ack start(Script script) {
    String cid = "generic-" + id + "-" + script.fileName().replace(".sh", "") + "-" + (++sequence);
    ScriptRun run = scripts.get(script);
    run.started(host.clock().now());
    running = script;
    containerId = cid;
    stopRequested = false;
    try {
      // The code is the service's, read-only to its scripts: the host writes agents.json there.
      host.backend().create(new ContainerSpec(cid, workDir, command(script), env(),
          host.resources(), new Listener(script, cid),
          List.of(new ContainerSpec.Mount(codeDir, false))));
      host.backend().start(cid);
      return Ack.accepted();
    } catch (IOException | RuntimeException e) {
      log.warn("agent {}: could not start {}", id, script.fileName(), e);
      run.line("could not start " + script.fileName() + ": " + e.getMessage());
      run.ended(host.clock().now(), 127, false);
      running = null;
      containerId = null;
      removeContainer(cid);
      return Ack.refused("could not start " + script.fileName() + " on agent " + id + ": "
          + e.getMessage());
    }
  }

  private void exited(Script script, String cid, ExitStatus status) {
    synchronized (this) {
      if (!cid.equals(containerId)) {
        return;
      }
      boolean stopped = stopRequested;
      scripts.get(script).ended(host.clock().now(), status.exitCode(), stopped);
      running = null;
      containerId = null;
      stopRequested = false;
      if (!removed) {
        next(script, stopped);
      }
    }
    removeContainer(cid);
  }

  /** What follows the end of {@code script}. */
  private void next(Script script, boolean stopped) {
    if (stopped) {
      if (script != Script.INTERRUPT && scripts.get(Script.INIT).succeeded()) {
        start(Script.INTERRUPT);
        return;
      }
    } else if (script == Script.CLEANUP) {
      try {
        emptyWorkDir();
      } catch (IOException e) {
        log.warn("agent {}: could not empty its work folder after cleanup.sh", id, e);
        scripts.get(Script.CLEANUP).line("could not empty the work folder: " + e.getMessage());
      }
      start(Script.INIT);
      return;
    }
    startPendingNotify();
  }

  private void startPendingNotify() {
    if (pendingNotify && running == null && scripts.get(Script.INIT).succeeded()) {
      pendingNotify = false;
      start(Script.NOTIFY);
    }
  }

  private void output(Script script, String cid, String line) {
    synchronized (this) {
      if (cid.equals(containerId)) {
        scripts.get(script).line(line);
      }
    }
  }

  private void install(CodeRef code) throws IOException {
    Path unpacked;
    try (InputStream in = host.blobs().open(code.sha256()).orElseThrow(() -> new IOException(
        "the blob " + code.sha256() + " of code version " + code.version() + " is missing"))) {
      unpacked = ArchiveExtractor.create(host.limits()).extractTarGz(in, dir);
    }
    Trees.delete(codeDir);
    Files.move(unpacked, codeDir, StandardCopyOption.ATOMIC_MOVE);
    Files.setPosixFilePermissions(codeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void resetScripts() {
    for (Script s : Script.values()) {
      scripts.put(s, new ScriptRun(host.maxLines()));
    }
  }

  private void writeAgentsJson() throws IOException {
    List<AgentInfo> agents = config.agents();
    byte[] json = Json.write(Map.of("service", config.service(), "epoch", config.epoch(),
        "agents", agents));
    Path tmp = codeDir.resolve(".agents.json.tmp");
    Files.write(tmp, json);
    Files.move(tmp, codeDir.resolve("agents.json"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private void emptyWorkDir() throws IOException {
    try (Stream<Path> entries = Files.list(workDir)) {
      for (Path p : entries.toList()) {
        Trees.delete(p);
      }
    }
  }

  private String command(Script script) {
    Path file = codeDir.resolve(script.fileName());
    boolean shebang;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(2);
      shebang = head.length == 2 && head[0] == '#' && head[1] == '!';
    } catch (IOException e) {
      shebang = false;
    }
    String path = "\"$CODE_DIR/" + script.fileName() + "\"";
    return shebang && Files.isExecutable(file) ? "exec " + path : "exec /bin/sh " + path;
  }

  private Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>(host.baseEnv());
    env.put("HOME", workDir.toString());
    env.put("MY_IP", config.agent().ip());
    env.put("MY_ROLE", config.agent().role());
    env.put("MASTER_IP", config.masterIp());
    env.put("AGENT_ID", id);
    env.put("SERVICE_NAME", config.service());
    env.put("CODE_VERSION", config.code().version());
    env.put("CODE_DIR", codeDir.toString());
    env.put("WORK_DIR", workDir.toString());
    env.put("AGENTS_JSON", codeDir.resolve("agents.json").toString());
    return env;
  }

  private void removeContainer(String cid) {
    host.executor().execute(() -> {
      try {
        host.backend().remove(cid);
      } catch (IOException | RuntimeException e) {
        log.debug("agent {}: removing container {} failed: {}", id, cid, e.toString());
      }
    });
  }

  private final class Listener implements ContainerListener {
    private final Script script;
    private final String cid;

    Listener(Script script, String cid) {
      this.script = Objects.requireNonNull(script);
      this.cid = cid;
    }

    @Override
    public void onOutput(Stream stream, String line) {
      output(script, cid, line);
    }

    @Override
    public void onExit(ExitStatus status) {
      host.executor().execute(() -> exited(script, cid, status));
    }
  }
}
