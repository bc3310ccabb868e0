package dev.paaskit.testing.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.JetStreamBlobStore;
import dev.paaskit.nats.JetStreamKvStore;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node agent on NATS, its droplet in the JetStream object store, driven over a second
 * connection as a health manager in another process would: commands replayed after the server
 * restarted change nothing.
 */
@Timeout(60)
class NodeAgentOverNatsTest {
  @TempDir Path tmp;
  private NatsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final SystemClock clock = SystemClock.create("node-over-nats");
  private final FakeBackend backend = FakeBackend.create();
  private final BlockingQueue<InstanceReport> reports = new LinkedBlockingQueue<>();
  private NatsBus nodeBus;
  private NatsBus driver;
  private Connection storage;
  private Role node;
  private String droplet;

  private record Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
      BlobStore blobStore, Clock clock, java.util.concurrent.Executor executor) implements CloudContext {}

  @BeforeEach
  void start() throws Exception {
    server = NatsServer.start();
    NatsSettings settings = NatsSettings.builder(server.url()).reconnectWait(Duration.ofMillis(50)).build();
    storage = settings.connect();
    BlobStore blobs = JetStreamBlobStore.open(storage, "droplets");
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("run.sh"), "echo hi\n");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, tgz);
    droplet = blobs.put(new ByteArrayInputStream(tgz.toByteArray())).sha256();

    driver = NatsBus.connect(settings, clock);
    driver.subscribe(Subjects.INSTANCE_STATE, m -> reports.add(Json.read(m.data(), InstanceReport.class)));
    driver.connection().flush(Duration.ofSeconds(5));
    nodeBus = NatsBus.connect(settings, clock);
    node = NodeAgent.builder().id("n1").capacity(NodeCapacity.of("512M", "2G")).backend(backend)
        .ports(PortAllocator.create()).workDir(tmp.resolve("n1")).stopGrace(Duration.ofSeconds(1))
        .create(new Context("t", "localhost", nodeBus, JetStreamKvStore.open(storage, "state"),
            blobs, clock, executor));
    node.start();
    nodeBus.connection().flush(Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    node.stop();
    nodeBus.close();
    driver.close();
    storage.close();
    server.close();
    clock.close();
    executor.shutdownNow();
  }

  @Test
  void startAndStopReplayedAfterTheServerRestartedChangeNothing() throws Exception {
    StartInstance start = command("i1");
    assertTrue(startBatch(start).ok());
    InstanceReport running = await("i1", InstanceState.RUNNING);
    assertEquals(List.of("i1"), backend.running());

    server.restart();
    assertTrue(startBatch(start).ok(), "a replayed start is acknowledged");
    assertTrue(startBatch(command("barrier-1")).ok());
    InstanceReport next = await("barrier-1", InstanceState.RUNNING);
    assertTrue(next.seq() > running.seq());
    assertEquals(List.of("barrier-1", "i1"), backend.running().stream().sorted().toList(),
        "the replayed start ran a second container");

    StopInstance stop = new StopInstance("i1", "scaled down");
    assertTrue(request(Subjects.nodeStop("n1"), Json.write(stop), Ack.class).ok());
    await("i1", InstanceState.STOPPED);
    assertTrue(request(Subjects.nodeStop("n1"), Json.write(stop), Ack.class).ok(), "a replayed stop");
    assertTrue(startBatch(command("barrier-2")).ok());
    InstanceReport after = reports.poll(10, TimeUnit.SECONDS);
    assertEquals("barrier-2", after == null ? null : after.instanceId(),
        "the replayed stop changed i1 again: " + after);
  }

  private StartInstance command(String id) {
    return new StartInstance(id, "app-id", "web", 1, 0, droplet, "./run.sh", Map.of("A", "1"),
        List.of("web.localhost"), 64L << 20, 64L << 20, "PROCESS", "/", 10_000, 0);
  }

  private Ack startBatch(StartInstance start) throws Exception {
    return request(Subjects.nodeStart("n1"), Json.write(new StartBatch(List.of(start))),
        StartBatch.Acks.class).acks().get(0);
  }

  /** Asks until the node answers: after a restart it may not have resubscribed yet. */
  private <T> T request(String subject, byte[] body, Class<T> type) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        Message reply = driver.request(subject, body, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        return Json.read(reply.data(), type);
      } catch (ExecutionException e) {
        assertInstanceOf(NoRespondersException.class, e.getCause());
        assertTrue(System.nanoTime() < deadline, "node n1 did not answer on " + subject);
      }
    }
  }

  /** The next report of {@code id} in {@code state}, skipping the others of {@code id} only. */
  private InstanceReport await(String id, InstanceState state) throws InterruptedException {
    while (true) {
      InstanceReport report = reports.poll(10, TimeUnit.SECONDS);
      if (report == null) {
        throw new AssertionError("no report of " + id + " " + state + " within 10 s");
      }
      assertEquals(id, report.instanceId(), "a report of another instance came first: " + report);
      if (report.state() == state) {
        return report;
      }
    }
  }
}
