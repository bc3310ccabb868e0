package dev.paaskit.generic.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.generic.AgentInfo;
import dev.paaskit.generic.AgentOutcome;
import dev.paaskit.generic.AgentReport;
import dev.paaskit.generic.AgentStatus;
import dev.paaskit.generic.CodeVersion;
import dev.paaskit.generic.GenericService;
import dev.paaskit.generic.GenericServices;
import dev.paaskit.generic.Script;
import dev.paaskit.generic.ScriptRefusedException;
import dev.paaskit.generic.ScriptReport;
import dev.paaskit.generic.ScriptState;
import dev.paaskit.generic.ServiceStatus;
import dev.paaskit.generic.internal.AgentConfig;
import dev.paaskit.generic.internal.CodeRef;
import dev.paaskit.generic.internal.GenericSubjects;
import dev.paaskit.generic.internal.ScriptCommand;
import dev.paaskit.node.process.ProcessBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic service end to end in one JVM: the manager, a host, and scripts that run as real
 * processes and append to one shared log, whose line order is the order things happened in.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GenericServiceTest {
  /** Bounds a wait for what takes a second or so unless the service is broken. */
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** How long the manager waits for an agent's answer: a bound on a hang, not on speed. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<PaasCloud> clouds = new ArrayList<>();
  private final StateStore store = new InMemoryStateStore();
  private final BlobStore blobs = new InMemoryBlobStore();
  private GenericServices services;
  private Path log;
  private Path gate;

  @AfterEach
  void close() {
    clouds.forEach(PaasCloud::close);
    store.close();
  }

  @Test
  void aHostWithoutABackendIsRefusedSayingWhatToGiveIt() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GenericAgentHost.builder().id("bare").workDir(dir).create(null));
    assertEquals("generic agent host bare needs a backend to run its scripts, such as"
        + " backend(ProcessBackend.factory()) from paas-node", e.getMessage());
  }

  @Test
  void scriptsRunInTheirOrderOnThreeAgents() throws Exception {
    start();
    services.create("jobs", 3);
    awaitPlaced("jobs", 3);
    String v1 = upload("jobs", code(Map.of(
        Script.INIT, logLine("init") + waitFor("init-go"),
        Script.RUN, logLine("run") + "echo made > \"$WORK_DIR/result\"\n" + waitFor("run-go"))))
        .version();
    services.activate("jobs", v1);
    awaitAll("jobs", "init.sh running", r -> r.running() == Script.INIT);

    ScriptRefusedException early = assertThrows(ScriptRefusedException.class,
        () -> services.run("jobs"));
    assertTrue(early.getMessage().contains("init.sh is running"), early.getMessage());

    Files.createFile(gate.resolve("init-go"));
    awaitAll("jobs", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));
    List<AgentOutcome> started = services.run("jobs");
    assertTrue(started.stream().allMatch(AgentOutcome::ok), started.toString());
    awaitAll("jobs", "run.sh running", r -> r.running() == Script.RUN);

    ScriptRefusedException busy = assertThrows(ScriptRefusedException.class,
        () -> services.run("jobs"));
    assertTrue(busy.getMessage().contains("run.sh is running"), busy.getMessage());
    ScriptRefusedException noCleanup = assertThrows(ScriptRefusedException.class,
        () -> services.cleanup("jobs"));
    assertTrue(noCleanup.getMessage().contains("run.sh is running"), noCleanup.getMessage());

    Files.createFile(gate.resolve("run-go"));
    awaitAll("jobs", "run.sh exited 0", r -> exited(r, Script.RUN, 0, 1));
    for (int i = 1; i <= 3; i++) {
      assertTrue(Files.exists(workDir("jobs-" + i).resolve("result")));
    }
    services.cleanup("jobs");
    awaitAll("jobs", "cleanup.sh, then init.sh again",
        r -> exited(r, Script.CLEANUP, 0, 1) && exited(r, Script.INIT, 0, 2));
    for (int i = 1; i <= 3; i++) {
      assertFalse(Files.exists(workDir("jobs-" + i).resolve("result")),
          "cleanup empties the work folder of jobs-" + i);
    }

    List<String[]> lines = logLines();
    for (int i = 1; i <= 3; i++) {
      String agent = "jobs-" + i;
      assertEquals(List.of("init", "run", "cleanup", "init"), lines.stream()
          .filter(l -> l[1].equals(agent)).map(l -> l[0]).toList(), "order on " + agent);
    }
    assertEquals(List.of("jobs-1 master 127.0.0.2 127.0.0.2", "jobs-2 node 127.0.0.3 127.0.0.2",
        "jobs-3 node 127.0.0.4 127.0.0.2"), lines.stream().filter(l -> l[0].equals("run"))
        .map(l -> l[1] + " " + l[2] + " " + l[3] + " " + l[4]).sorted().toList());
  }

  @Test
  void notifyRunsOnTheRemainingAgentsAfterScalingUpAndDown() throws Exception {
    start();
    services.create("grid", 2);
    awaitPlaced("grid", 2);
    services.activate("grid", upload("grid", code(Map.of(Script.NOTIFY,
        logLine("notify") + "cp \"$AGENTS_JSON\" " + gate + "/agents-$AGENT_ID.json\n")))
        .version());
    awaitAll("grid", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));

    services.addAgents("grid", 1);
    awaitPlaced("grid", 3);
    await(() -> notifyRuns("grid-1") == 1 && notifyRuns("grid-2") == 1
        && exited(report("grid-3"), Script.INIT, 0, 1), () -> "notify on grid-1, grid-2");
    assertEquals(0, notifyRuns("grid-3"), "a new agent runs init, not notify");
    String grown = lastAgentsJson("grid-1");
    assertTrue(grown.contains("\"grid-3\"") && grown.contains("127.0.0.4"), grown);

    services.removeAgents("grid", 2);
    await(() -> notifyRuns("grid-1") == 2, () -> "notify on grid-1 after the removal");
    String shrunk = lastAgentsJson("grid-1");
    assertTrue(shrunk.contains("\"grid-1\"") && !shrunk.contains("\"grid-2\""), shrunk);
    assertFalse(Files.exists(dir.resolve("agents").resolve("grid-3")), "removed agent's folder");
    assertEquals(List.of("grid-1"),
        services.get("grid").agents().stream().map(a -> a.id()).toList());
  }

  @Test
  void interruptKillsAScriptThatIgnoresSigtermThenRunsInterruptSh() throws Exception {
    start();
    services.create("stubborn", 1);
    awaitPlaced("stubborn", 1);
    Path pid = dir.resolve("pid");
    services.activate("stubborn", upload("stubborn", code(Map.of(Script.RUN,
        "trap '' TERM\necho $$ > " + pid + ".tmp\nmv " + pid + ".tmp " + pid + "\n"
        + "while true; do sleep 1; done\n"))).version());
    awaitAll("stubborn", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));
    services.run("stubborn");
    await(() -> Files.exists(pid), () -> "run.sh wrote its pid");
    long group = Long.parseLong(Files.readString(pid).trim());
    assertFalse(liveInGroup(group).isEmpty(), "run.sh's process group is alive");
    ScriptRefusedException switching = assertThrows(ScriptRefusedException.class,
        () -> services.activate("stubborn", "v1"));
    assertTrue(switching.getMessage().contains("agent stubborn-1 is running run.sh"),
        switching.getMessage());

    services.interrupt("stubborn");
    awaitAll("stubborn", "run.sh stopped with SIGKILL, interrupt.sh exited 0",
        r -> r.script(Script.RUN).state() == ScriptState.STOPPED
            && r.script(Script.RUN).exitCode() == 137 && exited(r, Script.INTERRUPT, 0, 1));
    await(() -> liveInGroup(group).isEmpty(), () -> "still alive: " + liveInGroup(group));
    assertTrue(logLines().stream().anyMatch(l -> l[0].equals("interrupt")));

    Files.delete(pid);
    services.run("stubborn");
    await(() -> Files.exists(pid), () -> "run.sh wrote its pid again");
    long again = Long.parseLong(Files.readString(pid).trim());
    services.delete("stubborn");
    await(() -> liveInGroup(again).isEmpty(), () -> "still alive after delete: "
        + liveInGroup(again));
    assertFalse(Files.exists(dir.resolve("agents").resolve("stubborn-1")));
  }

  @Test
  void agentsOfAHostThatIsGoneArePlacedOnAnotherHost() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    try (SystemClock clock = SystemClock.create("moving");
        InProcessBus bus = InProcessBus.create(pool, clock)) {
      log = dir.resolve("log");
      gate = Files.createDirectories(dir.resolve("gate"));
      PaasCloud manager = cloud("manager", bus, GenericServices.builder()
          .workDir(dir.resolve("manager")).commandTimeout(COMMAND_TIMEOUT));
      services = (GenericServices) manager.role(GenericServices.ROLE_NAME).orElseThrow();
      PaasCloud first = cloud("first", bus, GenericAgentHost.builder().id("first").backend(ProcessBackend.factory())
          .workDir(dir.resolve("first")).stopGrace(Duration.ofMillis(300)));
      services.create("moving", 2);
      awaitPlaced("moving", 2);
      services.activate("moving", upload("moving", code(Map.of())).version());
      awaitAll("moving", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));

      clouds.remove(first);
      first.close();
      cloud("second", bus, GenericAgentHost.builder().id("second").backend(ProcessBackend.factory())
          .workDir(dir.resolve("second")).stopGrace(Duration.ofMillis(300)));
      await(() -> services.status("moving").agents().stream()
          .allMatch(a -> "second".equals(a.hostId()) && exited(a.report(), Script.INIT, 0, 1)),
          () -> "every agent on host second, init.sh run: " + services.status("moving"));
      assertTrue(Files.isDirectory(dir.resolve("second").resolve("moving-1").resolve("code")));
      clouds.forEach(PaasCloud::close);
      clouds.clear();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aReplayedCommandChangesNothing() throws Exception {
    start();
    services.create("once", 1);
    awaitPlaced("once", 1);
    CodeVersion v1 = upload("once", code(Map.of()));
    services.activate("once", v1.version());
    awaitAll("once", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));
    byte[] command = Json.write(new ScriptCommand("cmd-1", Script.RUN));
    MessageBus bus = clouds.get(0).context().bus();
    for (int i = 0; i < 2; i++) {
      Ack ack = Json.read(answer(bus.request(GenericSubjects.agentCommand("once-1"), command,
          COMMAND_TIMEOUT)), Ack.class);
      assertTrue(ack.ok(), ack.toString());
      awaitAll("once", "run.sh exited 0", r -> exited(r, Script.RUN, 0, 1));
    }
    services.run("once");
    awaitAll("once", "a new command runs again", r -> exited(r, Script.RUN, 0, 2));
    assertEquals(2, logLines().stream().filter(l -> l[0].equals("run")).count());

    AgentInfo master = new AgentInfo("once-1", "127.0.0.2", AgentInfo.MASTER);
    AgentConfig first = new AgentConfig("once", master, master.ip(), 1, List.of(master),
        new CodeRef(v1.version(), v1.sha256(), 1));
    CodeVersion v2 = upload("once", code(Map.of(Script.INIT, logLine("init-v2"))));
    services.activate("once", v2.version());
    awaitAll("once", "init.sh of v2 exited 0", r -> "v2".equals(r.codeVersion())
        && exited(r, Script.INIT, 0, 1));
    Ack replayed = Json.read(answer(bus.request(GenericSubjects.agentConfigure("once-1"),
        Json.write(first), COMMAND_TIMEOUT)), Ack.class);
    assertTrue(replayed.ok(), replayed.toString());
    AgentReport after = report("once-1");
    assertEquals("v2", after.codeVersion(), "a replayed older activation changes nothing");
    assertEquals(1, after.script(Script.INIT).runs());
  }

  @Test
  void uploadNamesEveryMissingScriptAndStoresNothing() throws Exception {
    start();
    services.create("partial", 1);
    awaitPlaced("partial", 1);
    ScriptRefusedException noCode = assertThrows(ScriptRefusedException.class,
        () -> services.run("partial"));
    assertTrue(noCode.getMessage().contains("no code version is active"), noCode.getMessage());
    Path folder = dir.resolve("partial-code");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("init.sh"), "true\n");
    Files.writeString(folder.resolve("run.sh"), "true\n");
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> services.uploadCode("partial", pack(folder)));
    assertTrue(e.getMessage().contains("interrupt.sh, cleanup.sh, notify.sh"), e.getMessage());
    assertEquals(List.of(), services.codeVersions("partial"));
  }

  @Test
  void cleanupReturnsAnAgentWhoseInitFailedToACleanState() throws Exception {
    start();
    services.create("flaky", 1);
    awaitPlaced("flaky", 1);
    // init.sh leaves a file behind and fails the first time only.
    Path code = code(Map.of(Script.INIT, "if [ -f marker ]; then exit 0; fi\n"
        + "touch marker leftover\nexit 3\n"));
    services.activate("flaky", upload("flaky", code).version());
    awaitAll("flaky", "init.sh failed", r -> exited(r, Script.INIT, 3, 1));
    ScriptRefusedException refused = assertThrows(ScriptRefusedException.class,
        () -> services.run("flaky"));
    assertTrue(refused.getMessage().contains("init.sh failed with exit code 3"),
        refused.getMessage());
    services.cleanup("flaky");
    // Cleanup empties the work folder, so init.sh fails again, from a clean state.
    awaitAll("flaky", "cleanup, then init.sh again", r -> exited(r, Script.CLEANUP, 0, 1)
        && exited(r, Script.INIT, 3, 2));
    String agent = services.status("flaky").agents().get(0).agent().id();
    try (var files = Files.list(workDir(agent))) {
      assertEquals(List.of("leftover", "marker"), files.map(p -> p.getFileName().toString())
          .sorted().toList(), "init.sh's second run left only its own files");
    }
  }

  @Test
  void servicesAndCodeVersionsSurviveARestartAndAgentsInitAgain() throws Exception {
    start();
    services.create("keep", 2);
    awaitPlaced("keep", 2);
    CodeVersion v1 = upload("keep", code(Map.of()));
    assertEquals(v1, upload("keep", code(Map.of())), "the same code is the same version");
    services.activate("keep", v1.version());
    awaitAll("keep", "init.sh exited 0", r -> exited(r, Script.INIT, 0, 1));
    clouds.remove(0).close();

    start();
    GenericService kept = services.get("keep");
    assertEquals(List.of("127.0.0.2", "127.0.0.3"), kept.agents().stream().map(a -> a.ip()).toList());
    assertEquals("v1", kept.activeVersion());
    awaitPlaced("keep", 2);
    awaitAll("keep", "init.sh exited 0 on the new host", r -> exited(r, Script.INIT, 0, 1));
    services.delete("keep");
    assertTrue(services.list().isEmpty());
    services.create("again", 1);
    assertEquals("127.0.0.2", services.get("again").agents().get(0).ip(), "addresses are freed");
  }

  private void start() throws IOException {
    log = dir.resolve("log");
    gate = dir.resolve("gate");
    Files.createDirectories(gate);
    PaasCloud cloud = PaasKit.builder()
        .name("generic-" + clouds.size())
        .stateStore(store)
        .blobStore(blobs)
        .workDir(dir.resolve("cloud-" + clouds.size()))
        .addRole(GenericServices.builder().workDir(dir.resolve("manager"))
            .commandTimeout(COMMAND_TIMEOUT))
        .addRole(GenericAgentHost.builder().id("h1").backend(ProcessBackend.factory()).workDir(dir.resolve("agents"))
            .stopGrace(Duration.ofMillis(300)))
        .build();
    clouds.add(cloud);
    cloud.start();
    services = (GenericServices) cloud.role(GenericServices.ROLE_NAME).orElseThrow();
  }

  /** A cloud of its own on {@code bus} with one extra role, sharing this test's stores. */
  private PaasCloud cloud(String name, InProcessBus bus, RoleFactory role) {
    PaasCloud cloud = PaasKit.builder().name(name).bus(bus).stateStore(store)
        .blobStore(blobs).workDir(dir.resolve("cloud-" + name)).addRole(role).build();
    clouds.add(cloud);
    cloud.start();
    return cloud;
  }

  /** A code folder whose scripts each log their name, with the bodies given instead where given. */
  private Path code(Map<Script, String> bodies) throws IOException {
    Path folder = Files.createTempDirectory(dir, "code-");
    for (Script s : Script.values()) {
      String body = bodies.getOrDefault(s, logLine(s.name().toLowerCase()));
      Path file = folder.resolve(s.fileName());
      Files.writeString(file, "#!/bin/sh\n" + body);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return folder;
  }

  private String logLine(String script) {
    return "echo \"" + script + " $AGENT_ID $MY_ROLE $MY_IP $MASTER_IP\" >> " + log + "\n";
  }

  private String waitFor(String file) {
    return "while [ ! -e " + gate.resolve(file) + " ]; do sleep 0.02; done\n";
  }

  private CodeVersion upload(String service, Path folder) throws IOException {
    return services.uploadCode(service, pack(folder));
  }

  private Path pack(Path folder) throws IOException {
    Path archive = Files.createTempFile(dir, "code-", ".tar.gz");
    try (OutputStream out = Files.newOutputStream(archive)) {
      TarGzWriter.create().write(folder, out);
    }
    return archive;
  }

  private List<String[]> logLines() throws IOException {
    return Files.readAllLines(log).stream().filter(l -> !l.isBlank())
        .map(l -> l.split(" ")).toList();
  }

  /** The agents.json notify.sh saw last on {@code agent}. */
  private String lastAgentsJson(String agent) throws IOException {
    return Files.readString(gate.resolve("agents-" + agent + ".json"));
  }

  private Path workDir(String agent) {
    return dir.resolve("agents").resolve(agent).resolve("work");
  }

  private AgentReport report(String agent) {
    String service = agent.substring(0, agent.lastIndexOf('-'));
    return services.status(service).agents().stream().filter(a -> a.agent().id().equals(agent))
        .map(AgentStatus::report).findFirst().orElse(null);
  }

  private int notifyRuns(String agent) {
    AgentReport r = report(agent);
    return r == null || r.running() == Script.NOTIFY ? -1 : r.script(Script.NOTIFY).runs();
  }

  private static boolean exited(AgentReport r, Script script, int code, int runs) {
    if (r == null) {
      return false;
    }
    ScriptReport s = r.script(script);
    return s.state() == ScriptState.EXITED && s.exitCode() == code && s.runs() == runs;
  }

  private void awaitPlaced(String service, int agents) {
    await(() -> {
      ServiceStatus s = services.status(service);
      return s.agents().size() == agents && s.agents().stream().allMatch(a -> a.report() != null);
    }, () -> "agents placed: " + services.status(service));
  }

  private void awaitAll(String service, String what, Predicate<AgentReport> condition) {
    await(() -> services.status(service).agents().stream()
        .allMatch(a -> a.report() != null && condition.test(a.report())),
        () -> what + " on every agent of " + service + ": " + services.status(service));
  }

  /** The data of a reply, which the bus delivers or fails within {@link #COMMAND_TIMEOUT}. */
  private static byte[] answer(CompletableFuture<Message> reply) throws Exception {
    return reply.get(COMMAND_TIMEOUT.plus(WAIT).toSeconds(), TimeUnit.SECONDS).data();
  }

  private static void await(BooleanSupplier condition, Supplier<String> seen) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("gave up after " + WAIT + " waiting for " + seen.get());
      }
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
  }

  /** The live (not zombie) processes whose process group is {@code group}. */
  private static List<Long> liveInGroup(long group) {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (Long.parseLong(f[2]) == group && !f[0].equals("Z") && !f[0].equals("X")) {
          out.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc", e);
    }
    return out;
  }
}
