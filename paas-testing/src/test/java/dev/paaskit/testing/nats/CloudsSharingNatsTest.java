package dev.paaskit.testing.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.Message;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.JetStreamBlobStore;
import dev.paaskit.nats.JetStreamKvStore;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.NatsServer;
import dev.paaskit.testing.StubCartridge;
import dev.paaskit.testing.Waits;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clouds on one nats-server, one connection even, kept apart by their buses' subject
 * prefixes: nodes of the same id, apps of the same name, each cloud places and runs only its own.
 */
@Timeout(60)
class CloudsSharingNatsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path tmp;
  private NatsServer server;
  private Connection connection;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = NatsServer.start();
    connection = NatsSettings.of(server.url()).connect();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    connection.close();
    server.close();
  }

  private PaasCloud cloud(String name, FakeBackend backend) throws Exception {
    SystemClock clock = SystemClock.create(name);
    closing.add(clock);
    NatsBus bus = NatsBus.create(connection, clock, "clouds." + name);
    closing.add(bus);
    PaasCloud cloud = PaasKit.builder().name(name).clock(clock).bus(bus)
        .stateStore(JetStreamKvStore.open(connection, "state-" + name))
        .blobStore(JetStreamBlobStore.open(connection, "blobs-" + name))
        .cartridges(StubCartridge.source()).workDir(tmp.resolve(name))
        .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("1G", "4G"))
            .backend(backend).ports(PortAllocator.create()).workDir(tmp.resolve(name + "-n1"))
            .heartbeatInterval(Duration.ofMillis(200)))
        .build().start();
    closing.add(cloud);
    return cloud;
  }

  private static long running(PaasCloud cloud) {
    return cloud.controller().instances("web").stream()
        .filter(i -> i.state() == InstanceState.RUNNING).count();
  }

  @Test
  void cloudsWithTheirOwnPrefixesShareAServerAndNeverHearEachOther() throws Exception {
    FakeBackend a = FakeBackend.create();
    FakeBackend b = FakeBackend.create();
    PaasCloud one = cloud("one", a);
    PaasCloud two = cloud("two", b);
    Waits w1 = Waits.on(one);
    Waits w2 = Waits.on(two);
    AppSpec spec = AppSpec.builder("web").memory("64M").disk("64M")
        .healthCheck(HealthCheck.process()).build();
    one.controller().push(spec.toBuilder().instances(2).build(),
        StubCartridge.appFolder(tmp.resolve("src1"), "web"), l -> { }).staged().join();
    two.controller().push(spec.toBuilder().instances(3).build(),
        StubCartridge.appFolder(tmp.resolve("src2"), "web"), l -> { }).staged().join();
    w1.until(() -> running(one) == 2, WAIT, () -> "2 running in cloud one, have "
        + one.controller().instances("web"));
    w2.until(() -> running(two) == 3, WAIT, () -> "3 running in cloud two, have "
        + two.controller().instances("web"));
    assertEquals(2, a.running().size(), "cloud one's node n1 runs cloud one's instances only");
    assertEquals(3, b.running().size(), "cloud two's node n1 runs cloud two's instances only");
    assertEquals(1, one.controller().nodes().size());
    assertEquals(1, two.controller().nodes().size());

    one.controller().delete("web");
    w1.until(() -> a.running().isEmpty(), WAIT, () -> "cloud one emptied, have " + a.running());
    assertEquals(3, b.running().size(), "cloud two untouched");
    assertEquals(3, running(two));
  }

  @Test
  void aPrefixedBusSpeaksPrefixedSubjectsOnTheWireAndDeliversThemWithoutIt() throws Exception {
    SystemClock clock = SystemClock.create("wire");
    closing.add(clock);
    NatsBus prefixed = NatsBus.create(connection, clock, "acme.prod");
    NatsBus plain = NatsBus.create(connection, clock);
    closing.add(prefixed);
    closing.add(plain);
    assertEquals("acme.prod", prefixed.subjectPrefix());
    BlockingQueue<Message> seenPrefixed = new LinkedBlockingQueue<>();
    BlockingQueue<Message> seenPlain = new LinkedBlockingQueue<>();
    prefixed.subscribe("paaskit.node.*.start", seenPrefixed::add);
    plain.subscribe("acme.prod.paaskit.node.*.start", seenPlain::add);
    prefixed.subscribe("svc.echo", m -> prefixed.reply(m, m.data()));
    connection.flush(Duration.ofSeconds(5));

    prefixed.publish("paaskit.node.n1.start", bytes("from inside"));
    plain.publish("acme.prod.paaskit.node.n2.start", bytes("from outside"));
    assertEquals(List.of("paaskit.node.n1.start", "paaskit.node.n2.start"),
        List.of(next(seenPrefixed).subject(), next(seenPrefixed).subject()),
        "delivered under the subjects the roles use");
    assertEquals("acme.prod.paaskit.node.n1.start", next(seenPlain).subject(), "on the wire");
    assertEquals("from outside", text(next(seenPlain)));

    // Requests and replies cross the prefix both ways; the reply inbox is not prefixed.
    assertEquals("ping", text(prefixed.request("svc.echo", bytes("ping"), WAIT)
        .get(20, TimeUnit.SECONDS)));
    assertEquals("pong", text(plain.request("acme.prod.svc.echo", bytes("pong"), WAIT)
        .get(20, TimeUnit.SECONDS)));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NatsBus.create(connection, clock, "acme.*"));
    assertTrue(e.getMessage().startsWith("subjectPrefix 'acme.*' is not a subject"),
        e.getMessage());
  }

  private static Message next(BlockingQueue<Message> queue) throws InterruptedException {
    Message m = queue.poll(20, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 20 s");
    }
    return m;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Message m) {
    return new String(m.data(), StandardCharsets.UTF_8);
  }
}
