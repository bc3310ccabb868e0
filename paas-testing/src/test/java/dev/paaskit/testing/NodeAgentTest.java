package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.RouteRegistration;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One node agent driven over the bus, as a health manager would drive it. */
@Timeout(20)
class NodeAgentTest {
  @TempDir Path tmp;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final SystemClock clock = SystemClock.create("node-test");
  private final InProcessBus bus = InProcessBus.create(executor, clock);
  private final BlobStore blobs = new InMemoryBlobStore();
  private final FakeBackend backend = FakeBackend.create();
  private final PortAllocator ports = PortAllocator.create();
  private final BlockingQueue<InstanceReport> reports = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> routes = new LinkedBlockingQueue<>();
  private Role node;
  private String droplet;

  private record Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
      BlobStore blobStore, Clock clock, java.util.concurrent.Executor executor) implements CloudContext {}

  @BeforeEach
  void start() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("run.sh"), "echo hi\n");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, tgz);
    droplet = blobs.put(new java.io.ByteArrayInputStream(tgz.toByteArray())).sha256();
    bus.subscribe(Subjects.INSTANCE_STATE, m -> reports.add(Json.read(m.data(), InstanceReport.class)));
    bus.subscribe(Subjects.ROUTER_REGISTER, m -> routes.add("register " + Json.read(m.data(), RouteRegistration.class).instanceId()));
    bus.subscribe(Subjects.ROUTER_UNREGISTER, m -> routes.add("unregister " + Json.read(m.data(), RouteRegistration.class).instanceId()));
    node = NodeAgent.builder().id("n1").capacity(NodeCapacity.of("512M", "2G")).backend(backend)
        .ports(ports).workDir(tmp.resolve("n1")).stopGrace(Duration.ofSeconds(1))
        .create(new Context("t", "localhost", bus, new InMemoryStateStore(), blobs, clock, executor));
    node.start();
  }

  @AfterEach
  void stop() throws Exception {
    node.stop();
    bus.close();
    clock.close();
    executor.shutdownNow();
  }

  private StartInstance command(String id, long memoryMb) {
    return new StartInstance(id, "app-id", "web", 1, 0, droplet, "./run.sh", Map.of("A", "1"),
        List.of("web.localhost"), memoryMb << 20, 64L << 20, "PROCESS", "/", 10_000, 0);
  }

  private Ack send(String subject, Object command) throws Exception {
    if (command instanceof StartInstance start) {
      return Json.read(bus.request(subject, Json.write(new StartBatch(List.of(start))),
          Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS).data(), StartBatch.Acks.class).acks().get(0);
    }
    return Json.read(bus.request(subject, Json.write(command), Duration.ofSeconds(5))
        .get(5, TimeUnit.SECONDS).data(), Ack.class);
  }

  private InstanceReport awaitReport(Predicate<InstanceReport> p) throws InterruptedException {
    while (true) {
      InstanceReport r = reports.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no matching instance report within 10 s");
      }
      if (p.test(r)) {
        return r;
      }
    }
  }

  @Test
  void startIsIdempotentByInstanceId() throws Exception {
    assertTrue(send(Subjects.nodeStart("n1"), command("i1", 128)).ok());
    assertTrue(send(Subjects.nodeStart("n1"), command("i1", 128)).ok());
    awaitReport(r -> r.state() == InstanceState.RUNNING);
    assertEquals(List.of("i1"), backend.running());
    assertEquals("./run.sh", backend.spec("i1").command());
    assertEquals("register i1", routes.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void aStartReplayedAfterItsInstanceWasForgottenStartsNothing() throws Exception {
    Role quick = NodeAgent.builder().id("n2").capacity(NodeCapacity.of("512M", "2G"))
        .backend(backend).ports(ports).workDir(tmp.resolve("n2")).stopGrace(Duration.ofSeconds(1))
        .terminalRetention(Duration.ofMillis(50))
        .create(new Context("t", "localhost", bus, new InMemoryStateStore(), blobs, clock, executor));
    quick.start();
    try {
      BlockingQueue<NodeHeartbeat> beats = new LinkedBlockingQueue<>();
      bus.subscribe(Subjects.NODE_HEARTBEAT, m -> {
        NodeHeartbeat hb = Json.read(m.data(), NodeHeartbeat.class);
        if (hb.nodeId().equals("n2") && hb.full()) {
          beats.add(hb);
        }
      });
      assertTrue(send(Subjects.nodeStart("n2"), command("once", 128)).ok());
      awaitReport(r -> r.instanceId().equals("once") && r.state() == InstanceState.RUNNING);
      assertTrue(send(Subjects.nodeStop("n2"), new StopInstance("once", "test")).ok());
      awaitReport(r -> r.instanceId().equals("once") && r.state() == InstanceState.STOPPED);
      // Until the node's full heartbeat no longer lists the instance: it is forgotten.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        bus.publish(Subjects.nodeSync("n2"), new byte[0]);
        NodeHeartbeat hb = beats.poll(1, TimeUnit.SECONDS);
        if (hb != null && hb.instances().stream().noneMatch(r -> r.instanceId().equals("once"))) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the node still lists 'once': " + hb);
      }
      assertTrue(send(Subjects.nodeStart("n2"), command("once", 128)).ok(), "a replay is acked");
      // An admitted start is in the node's next full heartbeat; the replay is not.
      beats.clear();
      bus.publish(Subjects.nodeSync("n2"), new byte[0]);
      NodeHeartbeat after = beats.poll(5, TimeUnit.SECONDS);
      assertTrue(after != null && after.instances().isEmpty(), "the replay started nothing: " + after);
    } finally {
      quick.stop();
    }
  }

  @Test
  void refusesWhatDoesNotFitAndSaysWhy() throws Exception {
    assertTrue(send(Subjects.nodeStart("n1"), command("big1", 400)).ok());
    Ack refused = send(Subjects.nodeStart("n1"), command("big2", 400));
    assertFalse(refused.ok());
    assertTrue(refused.error().contains("short of memory"), refused.error());
  }

  @Test
  void crashIsReportedWithExitCodeAndLastOutput() throws Exception {
    send(Subjects.nodeStart("n1"), command("c1", 128));
    InstanceReport running = awaitReport(r -> r.state() == InstanceState.RUNNING);
    backend.crash("c1", 3);
    InstanceReport crashed = awaitReport(r -> r.state() == InstanceState.CRASHED);
    assertEquals(3, crashed.crash().exitCode());
    assertEquals("exited with code 3", crashed.crash().reason());
    assertTrue(crashed.crash().lastOutput().contains("fake container c1 started"),
        crashed.crash().lastOutput().toString());
    assertTrue(crashed.seq() > running.seq());
  }

  @Test
  void stopTakesTheRouteAwayFirstAndGivesThePortBack() throws Exception {
    send(Subjects.nodeStart("n1"), command("s1", 128));
    InstanceReport running = awaitReport(r -> r.state() == InstanceState.RUNNING);
    assertTrue(ports.isAllocated(running.port()));
    assertEquals("register s1", routes.poll(5, TimeUnit.SECONDS));
    assertTrue(send(Subjects.nodeStop("n1"), new StopInstance("s1", "test")).ok());
    assertEquals("unregister s1", routes.poll(5, TimeUnit.SECONDS));
    awaitReport(r -> r.state() == InstanceState.STOPPED);
    assertFalse(ports.isAllocated(running.port()), "the port is free once STOPPED is reported");
    assertTrue(backend.running().isEmpty());
    assertTrue(send(Subjects.nodeStop("n1"), new StopInstance("s1", "again")).ok(), "idempotent");
  }

  @Test
  void aDropletThatCannotBeFetchedIsACrashWithTheReason() throws Exception {
    StartInstance missing = new StartInstance("m1", "app-id", "web", 1, 0, "0".repeat(64), "x",
        Map.of(), List.of(), 1 << 20, 1 << 20, "PROCESS", "/", 1000, 0);
    send(Subjects.nodeStart("n1"), missing);
    InstanceReport crashed = awaitReport(r -> r.state() == InstanceState.CRASHED);
    assertTrue(crashed.crash().reason().contains("could not fetch its droplet"), crashed.crash().reason());
  }
}
