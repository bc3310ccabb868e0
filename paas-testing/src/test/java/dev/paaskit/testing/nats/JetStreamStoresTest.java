package dev.paaskit.testing.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.nats.JetStreamBlobStore;
import dev.paaskit.nats.JetStreamKvStore;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JetStream stores as several processes see them: each store here has its own connection,
 * as a controller and a node would, on one real nats-server.
 */
@Timeout(60)
class JetStreamStoresTest {
  private NatsServer server;
  private final List<Connection> connections = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = NatsServer.start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    for (Connection connection : connections) {
      connection.close();
    }
    server.close();
  }

  @Test
  void compareAndSetRacesBetweenProcessesHaveExactlyOneWinner() throws Exception {
    List<StateStore> stores = List.of(kv("race"), kv("race"), kv("race"), kv("race"));
    for (int round = 0; round < 20; round++) {
      String key = "names.app-" + round;
      List<OptionalLong> results = race(stores, store -> store.compareAndSet(key, 0, bytes("x")));
      assertEquals(1, results.stream().filter(OptionalLong::isPresent).count(), key + ": " + results);
      long created = results.stream().filter(OptionalLong::isPresent).findFirst().orElseThrow().getAsLong();
      List<OptionalLong> updates =
          race(stores, store -> store.compareAndSet(key, created, bytes("y")));
      assertEquals(1, updates.stream().filter(OptionalLong::isPresent).count(), key + ": " + updates);
    }
  }

  @Test
  void incrementsFromSeveralProcessesLoseNoUpdate() throws Exception {
    List<StateStore> stores = List.of(kv("counter"), kv("counter"), kv("counter"));
    race(stores, store -> {
      for (int i = 0; i < 50; i++) {
        while (true) {
          Optional<StoreEntry> current = store.get("counter");
          int value = current.map(e -> Integer.parseInt(new String(e.value(), UTF_8))).orElse(0);
          if (store.compareAndSet("counter", current.map(StoreEntry::revision).orElse(0L),
              bytes(Integer.toString(value + 1))).isPresent()) {
            break;
          }
        }
      }
      return null;
    });
    assertEquals("150", new String(stores.get(0).get("counter").orElseThrow().value(), UTF_8));
  }

  @Test
  void aWatchInOneProcessSeesTheWritesOfAnother() throws Exception {
    StateStore controller = kv("shared");
    StateStore node = kv("shared");
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    node.watch("apps/", events::add);
    long put = controller.put("apps/shop", bytes("v1"));
    controller.put("routes.shop", bytes("not watched"));
    assertTrue(controller.delete("apps/shop"));

    WatchEvent first = events.poll(10, TimeUnit.SECONDS);
    assertEquals(new WatchEventView(WatchEvent.Kind.PUT, "apps/shop", put), WatchEventView.of(first));
    WatchEvent second = events.poll(10, TimeUnit.SECONDS);
    assertEquals(new WatchEventView(WatchEvent.Kind.DELETE, "apps/shop", controller.revision()),
        WatchEventView.of(second));
  }

  @Test
  void keysAndRevisionsSurviveAServerRestart() throws Exception {
    StateStore store = kv("durable");
    store.put("apps/a", bytes("1"));
    long revision = store.put("apps/b", bytes("2"));
    store.close();

    server.restart();
    StateStore reopened = kv("durable");
    assertEquals(revision, reopened.revision());
    assertEquals(List.of("apps/a", "apps/b"),
        reopened.list("apps/").stream().map(StoreEntry::key).toList());
    assertTrue(reopened.put("apps/c", bytes("3")) > revision);
  }

  @Test
  void aWatchGoesOnAfterTheServerRestarts() throws Exception {
    StateStore store = kv("watched");
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    store.watch("apps.", events::add);
    long before = store.put("apps.a", bytes("1"));
    assertEquals(before, WatchEventView.of(events.poll(10, TimeUnit.SECONDS)).revision());

    server.restart();
    long after = putUntilStored(store, "apps.b");
    assertEquals(new WatchEventView(WatchEvent.Kind.PUT, "apps.b", after),
        WatchEventView.of(events.poll(10, TimeUnit.SECONDS)));
  }

  /** Writes once the store's connection is back: until then the write fails. */
  private static long putUntilStored(StateStore store, String key) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return store.put(key, bytes("after the restart"));
      } catch (java.io.UncheckedIOException e) {
        assertTrue(System.nanoTime() < deadline, "no write succeeded after the restart: " + e);
      }
    }
  }

  @Test
  void aCorruptedChunkFailsTheReadAtItsEnd() throws Exception {
    Connection connection = connect();
    JetStreamBlobStore blobs = JetStreamBlobStore.open(connection, "droplets");
    byte[] content = new byte[3 * 128 * 1024 + 100];
    new Random(3).nextBytes(content);
    BlobInfo info = blobs.put(new ByteArrayInputStream(content));

    JetStreamManagement jsm = connection.jetStreamManagement();
    ObjectInfo meta = new ObjectInfo(jsm.getLastMessage("OBJ_droplets",
        "$O.droplets.M." + io.nats.client.support.NatsObjectStoreUtil.encodeForSubject(info.sha256())));
    String chunkSubject = "$O.droplets.C." + meta.getNuid();
    MessageInfo last = jsm.getLastMessage("OBJ_droplets", chunkSubject);
    byte[] flipped = last.getData().clone();
    flipped[0] ^= 1;
    assertTrue(jsm.deleteMessage("OBJ_droplets", last.getSeq()));
    connection.jetStream().publish(chunkSubject, flipped);

    try (InputStream in = blobs.open(info.sha256()).orElseThrow()) {
      IOException corrupt = assertThrows(IOException.class, in::readAllBytes);
      assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
    }
  }

  @Test
  void aMissingChunkFailsTheRead() throws Exception {
    Connection connection = connect();
    JetStreamBlobStore blobs = JetStreamBlobStore.open(connection, "droplets");
    byte[] content = new byte[2 * 128 * 1024 + 1];
    new Random(4).nextBytes(content);
    BlobInfo info = blobs.put(new ByteArrayInputStream(content));
    JetStreamManagement jsm = connection.jetStreamManagement();
    ObjectInfo meta = new ObjectInfo(jsm.getLastMessage("OBJ_droplets",
        "$O.droplets.M." + io.nats.client.support.NatsObjectStoreUtil.encodeForSubject(info.sha256())));
    MessageInfo first = jsm.getFirstMessage("OBJ_droplets", "$O.droplets.C." + meta.getNuid());
    assertTrue(jsm.deleteMessage("OBJ_droplets", first.getSeq()));

    try (InputStream in = blobs.open(info.sha256()).orElseThrow()) {
      IOException damaged = assertThrows(IOException.class, in::readAllBytes);
      assertTrue(damaged.getMessage().contains("damaged") || damaged.getMessage().contains("corrupt"),
          damaged.getMessage());
    }
  }

  @Test
  void aBlobWrittenByOneProcessIsReadByAnother() throws Exception {
    JetStreamBlobStore controller = JetStreamBlobStore.open(connect(), "packages");
    JetStreamBlobStore node = JetStreamBlobStore.open(connect(), "packages");
    byte[] content = new byte[300_000];
    new Random(5).nextBytes(content);
    BlobInfo info = controller.put(new ByteArrayInputStream(content));
    assertEquals(Optional.of(info), node.stat(info.sha256()));
    try (InputStream in = node.open(info.sha256()).orElseThrow()) {
      assertArrayEquals(content, in.readAllBytes());
    }
  }

  private StateStore kv(String bucket) throws IOException {
    return JetStreamKvStore.open(connect(), bucket);
  }

  private Connection connect() throws IOException {
    Connection connection = NatsSettings.builder(server.url())
        .reconnectWait(Duration.ofMillis(50)).build().connect();
    connections.add(connection);
    return connection;
  }

  /** Runs {@code body} on every store at once and returns the results in order. */
  private static <T> List<T> race(List<StateStore> stores, StoreBody<T> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(stores.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (StateStore store : stores) {
        Callable<T> task = () -> {
          assertTrue(start.await(10, TimeUnit.SECONDS));
          return body.run(store);
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @FunctionalInterface
  private interface StoreBody<T> {
    T run(StateStore store) throws Exception;
  }

  private record WatchEventView(WatchEvent.Kind kind, String key, long revision) {
    static WatchEventView of(WatchEvent event) {
      assertTrue(event != null, "no watch event within 10 seconds");
      return new WatchEventView(event.kind(), event.key(), event.revision());
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
