package dev.paaskit.testing.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.nats.PublishRefusedException;
import dev.paaskit.testing.NatsServer;
import io.nats.client.ConnectionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only a real NATS shows: no responders, slow handlers, outages and the reconnect buffer. */
@Timeout(60)
class NatsBusFaultsTest {
  private static final long WAIT_MS = 10_000;

  private NatsServer server;
  private final SystemClock clock = SystemClock.create("nats-faults");
  private final List<NatsBus> buses = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = NatsServer.start();
  }

  @AfterEach
  void stopAll() {
    buses.forEach(NatsBus::close);
    server.close();
    clock.close();
  }

  @Test
  void aResponderThatLeftGivesNoRespondersAndASilentOneATimeout() throws Exception {
    NatsBus requester = bus(NatsSettings.of(server.url()));
    NatsBus responder = bus(NatsSettings.of(server.url()));
    dev.paaskit.api.spi.Subscription echo =
        responder.subscribe("svc.echo", "echoers", m -> responder.reply(m, m.data()));
    // The subscription travels on the responder's own connection: once a flush returns, the
    // server has it, and a request on the other connection cannot overtake it.
    responder.connection().flush(Duration.ofSeconds(5));
    assertEquals("hi", text(requester.request("svc.echo", bytes("hi"), Duration.ofSeconds(5))
        .get(WAIT_MS, TimeUnit.MILLISECONDS)));

    // Left: unsubscribed, and the server has seen it (a flush returns after it has). A closed
    // connection would do too, but the server notices that on its own time, so a request sent
    // at once could still be routed to it.
    echo.close();
    responder.connection().flush(Duration.ofSeconds(5));
    long start = System.nanoTime();
    Throwable none = failure(requester.request("svc.echo", bytes("?"), Duration.ofSeconds(30)));
    assertInstanceOf(NoRespondersException.class, none);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "no responders must not wait for the timeout");

    NatsBus silent = bus(NatsSettings.of(server.url()));
    silent.subscribe("svc.echo", m -> { });
    silent.connection().flush(Duration.ofSeconds(5));
    assertInstanceOf(TimeoutException.class,
        failure(requester.request("svc.echo", bytes("?"), Duration.ofMillis(300))));
  }

  @Test
  void aSlowHandlerHoldsUpOnlyItsOwnSubscription() throws Exception {
    NatsBus bus = bus(NatsSettings.of(server.url()));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch slowStarted = new CountDownLatch(1);
    bus.subscribe("work", m -> {
      slowStarted.countDown();
      assertTrue(release.await(WAIT_MS, TimeUnit.MILLISECONDS));
    });
    BlockingQueue<Message> fast = new LinkedBlockingQueue<>();
    bus.subscribe("work", fast::add);
    for (int i = 0; i < 100; i++) {
      bus.publish("work", bytes("m" + i));
    }
    assertTrue(slowStarted.await(WAIT_MS, TimeUnit.MILLISECONDS));
    for (int i = 0; i < 100; i++) {
      assertNotNull(fast.poll(WAIT_MS, TimeUnit.MILLISECONDS), "message " + i + " held up by the slow handler");
    }
    release.countDown();
  }

  @Test
  void subscriptionsResumeAfterTheServerRestartsAndWhatWasBufferedIsSent() throws Exception {
    NatsSettings settings = NatsSettings.builder(server.url()).reconnectWait(Duration.ofMillis(50)).build();
    NatsBus bus = bus(settings);
    NatsBus other = bus(settings);
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    bus.subscribe("node.heartbeat", received::add);
    other.subscribe("svc.ping", m -> other.reply(m, bytes("pong")));
    bus.connection().flush(Duration.ofSeconds(5));
    other.connection().flush(Duration.ofSeconds(5));
    CountDownLatch resubscribed = new CountDownLatch(1);
    bus.connection().addConnectionListener((connection, event) -> {
      if (event == ConnectionListener.Events.RESUBSCRIBED) {
        resubscribed.countDown();
      }
    });

    server.stop();
    awaitDisconnected(bus);
    bus.publish("node.heartbeat", bytes("sent during the outage"));
    server.restart();

    assertTrue(resubscribed.await(WAIT_MS, TimeUnit.MILLISECONDS), "the bus did not resubscribe");
    Message buffered = received.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    assertNotNull(buffered, "the message buffered during the outage was lost");
    assertEquals("sent during the outage", text(buffered));
    assertEquals("pong", text(requestUntilAnswered(bus, "svc.ping")),
        "the other bus's subscription did not come back");
  }

  @Test
  void aFullReconnectBufferRefusesPublishesAtOnceInsteadOfBlocking() throws Exception {
    NatsBus bus = bus(NatsSettings.builder(server.url()).reconnectBufferBytes(4096)
        .reconnectWait(Duration.ofMillis(50)).build());
    server.stop();
    awaitDisconnected(bus);

    byte[] heartbeat = new byte[200];
    PublishRefusedException refused = null;
    int sent = 0;
    while (refused == null && sent < 1000) {
      try {
        bus.publish("node.heartbeat", heartbeat);
        sent++;
      } catch (PublishRefusedException e) {
        refused = e;
      }
    }
    assertNotNull(refused, "1000 publishes of 200 bytes fit in a 4096-byte buffer");
    assertTrue(sent > 0 && sent <= 4096 / 200, sent + " messages buffered");
    assertEquals("node.heartbeat", refused.subject());
    assertTrue(refused.getMessage().contains("reconnect buffer"), refused.getMessage());
    assertInstanceOf(PublishRefusedException.class,
        failure(bus.request("svc.ping", heartbeat, Duration.ofSeconds(30))),
        "a request that cannot be sent fails at once");
    assertThrows(PublishRefusedException.class, () -> bus.publish("node.heartbeat", heartbeat));
  }

  private static void awaitDisconnected(NatsBus bus) throws InterruptedException {
    CountDownLatch disconnected = new CountDownLatch(1);
    bus.connection().addConnectionListener((connection, event) -> {
      if (event == ConnectionListener.Events.DISCONNECTED) {
        disconnected.countDown();
      }
    });
    if (bus.connection().getStatus() == io.nats.client.Connection.Status.CONNECTED) {
      assertTrue(disconnected.await(WAIT_MS, TimeUnit.MILLISECONDS),
          "the bus did not notice the server stopped");
    }
  }

  /** Requests until a reply comes: no responders means the responder has not resubscribed yet. */
  private static Message requestUntilAnswered(NatsBus bus, String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (true) {
      CompletableFuture<Message> reply = bus.request(subject, bytes("ping"), Duration.ofSeconds(2));
      try {
        return reply.get(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        assertInstanceOf(NoRespondersException.class, e.getCause());
        assertTrue(System.nanoTime() < deadline, "no answer from " + subject + " within " + WAIT_MS + " ms");
      }
    }
  }

  private NatsBus bus(NatsSettings settings) throws Exception {
    NatsBus bus = NatsBus.connect(settings, clock);
    buses.add(bus);
    return bus;
  }

  private static Throwable failure(CompletableFuture<Message> future) throws Exception {
    try {
      Message message = future.get(WAIT_MS, TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + message);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static String text(Message message) {
    return new String(message.data(), UTF_8);
  }
}
