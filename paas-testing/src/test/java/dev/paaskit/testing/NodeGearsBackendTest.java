package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearRequest;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StartBatch;
import dev.paaskit.core.internal.protocol.StartInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node hands its gear setup the backend it runs instances on, with the instance's limits, so
 * that a cartridge's scripts run as the instance does; a stopping node closes that backend only
 * once its gears' teardowns ran on it.
 */
@Timeout(20)
class NodeGearsBackendTest {
  @TempDir Path tmp;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final SystemClock clock = SystemClock.create("gears-test");
  private final InProcessBus bus = InProcessBus.create(executor, clock);
  private final BlobStore blobs = new InMemoryBlobStore();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<GearRequest> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch tornDown = new CountDownLatch(1);
  private final Recording backend = new Recording(FakeBackend.create());

  private record Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
      BlobStore blobStore, Clock clock, java.util.concurrent.Executor executor)
      implements CloudContext {}

  /** Passes every call to a fake backend and writes creations and the close to the events. */
  private final class Recording implements ContainerBackend {
    private final FakeBackend fake;

    Recording(FakeBackend fake) {
      this.fake = fake;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void create(ContainerSpec spec) {
      events.add("create " + spec.id());
      fake.create(spec);
      if (spec.id().endsWith("-teardown")) {
        tornDown.countDown();
      }
    }

    @Override
    public void start(String id) throws IOException {
      fake.start(id);
    }

    @Override
    public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
      return fake.stop(id, grace);
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
      return fake.inspect(id);
    }

    @Override
    public List<String> list() {
      return fake.list();
    }

    @Override
    public void remove(String id) {
      fake.remove(id);
    }

    /**
     * Records the close, then lets a teardown still to come run first: a node that closes too
     * early shows as a close before the teardown, however fast its threads are.
     */
    @Override
    public void close() {
      events.add("close");
      try {
        tornDown.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      fake.close();
    }
  }

  /** A gear whose teardown runs a container of the request's backend, as a cartridge's does. */
  private Optional<Gear> prepare(GearRequest request) {
    requests.add(request);
    return Optional.of(new Gear("serve", request.env(), () -> {
      ContainerBackend on = request.backend().orElseThrow();
      String id = request.instanceId() + "-teardown";
      try {
        on.create(new ContainerSpec(id, request.dir(), "bin/teardown", Map.of(),
            request.limits(), null));
        on.remove(id);
      } catch (IOException | RuntimeException e) {
        events.add("teardown failed: " + e.getMessage());
      }
    }));
  }

  @AfterEach
  void close() {
    bus.close();
    clock.close();
    executor.shutdownNow();
  }

  @Test
  void gearsGetTheNodesBackendAndTheInstancesLimitsAndTearDownBeforeItCloses()
      throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("index.txt"), "hi\n");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, tgz);
    String droplet = blobs.put(new ByteArrayInputStream(tgz.toByteArray())).sha256();
    Role node = NodeAgent.builder().id("n1").capacity(NodeCapacity.of("512M", "2G"))
        .backend(backend).ports(PortAllocator.create()).workDir(tmp.resolve("n1"))
        .stopGrace(Duration.ofSeconds(1)).gears(this::prepare)
        .create(new Context("t", "localhost", bus, new InMemoryStateStore(), blobs, clock,
            executor));
    node.start();
    CompletableFuture<InstanceReport> running = new CompletableFuture<>();
    bus.subscribe(Subjects.INSTANCE_STATE, m -> {
      InstanceReport r = Json.read(m.data(), InstanceReport.class);
      if (r.state() == dev.paaskit.api.InstanceState.RUNNING) {
        running.complete(r);
      }
    });
    StartInstance start = new StartInstance("i1", "app-id", "web", 1, 0, droplet, "./run",
        Map.of("A", "1"), List.of("web.localhost"), 128L << 20, 64L << 20, "PROCESS", "/",
        10_000, 0);
    Ack ack = Json.read(bus.request(Subjects.nodeStart("n1"), Json.write(new StartBatch(
        List.of(start))), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS).data(),
        StartBatch.Acks.class).acks().get(0);
    assertTrue(ack.ok(), ack.toString());
    running.get(10, TimeUnit.SECONDS);

    node.stop();

    GearRequest request = requests.get(0);
    assertSame(backend, request.backend().orElseThrow());
    assertEquals(new ResourceLimits(128L << 20, 64L << 20, 1024), request.limits());
    assertEquals(List.of("create i1", "create i1-teardown", "close"), events);
  }
}
