package dev.paaskit.router.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.router.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which instance gets a request, and what the router answers when none can. */
@Timeout(120)
class RouterTest extends RouterTestSupport {
  private static final String HOST = "web.example.com";
  /** Bounds a wait for something that takes milliseconds unless the router is broken. */
  private static final long WAIT_SECONDS = 30;

  @Test
  void roundRobinReachesEachInstanceInTurn() throws Exception {
    startRouter(null);
    for (String name : List.of("alpha", "beta", "gamma")) {
      table.register(HOST, backend(name).backend("web"));
    }
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      Reply reply = get(HOST, "/");
      assertEquals(200, reply.status());
      answers.add(reply.body());
    }
    assertEquals(List.of("I am alpha", "I am beta", "I am gamma",
        "I am alpha", "I am beta", "I am gamma",
        "I am alpha", "I am beta", "I am gamma"), answers);
  }

  @Test
  void hostIsMatchedWithoutCaseOrPort() throws Exception {
    startRouter(null);
    table.register(HOST, backend("alpha").backend("web"));
    assertEquals("I am alpha", get("WEB.Example.com:8080", "/").body());
  }

  @Test
  void unknownHostIs404NamingTheHost() throws Exception {
    startRouter(null);
    table.register(HOST, backend("alpha").backend("web"));
    Reply reply = get("nope.example.com", "/");
    assertEquals(404, reply.status());
    assertEquals("unknown_route", reply.routerError());
    assertTrue(reply.body().contains("nope.example.com"), reply.body());
    assertEquals("text/plain; charset=utf-8", reply.headers().get("Content-Type"));
    assertEquals(0, backends.get(0).hits.get());
  }

  @Test
  void declaredHostWithoutInstancesIs503() throws Exception {
    startRouter(null);
    table.declare(HOST, "web");
    Reply reply = get(HOST, "/");
    assertEquals(503, reply.status());
    assertEquals("no_instances", reply.routerError());
    assertTrue(reply.body().contains(HOST), reply.body());
  }

  @Test
  void refusedConnectionIsRetriedOnTheNextInstance() throws Exception {
    startRouter(null);
    table.register(HOST, new Backend("dead", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    TestBackend live = backend("live");
    table.register(HOST, live.backend("web"));
    for (int i = 0; i < 6; i++) {
      Reply reply = get(HOST, "/");
      assertEquals(200, reply.status(), reply.body());
      assertEquals("I am live", reply.body());
    }
    assertEquals(6, live.hits.get());
  }

  @Test
  void aStreamedPostIsRetriedToo_itsBodyNeverLeftTheRouter() throws Exception {
    startRouter(null);
    table.register(HOST, new Backend("dead", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    TestBackend live = backend("live");
    table.register(HOST, live.backend("web"));
    byte[] body = new byte[1024 * 1024];
    new Random(3).nextBytes(body);
    for (int i = 0; i < 2; i++) {
      try (Response response = client.newCall(request(HOST, "/echo")
          .post(okhttp3.RequestBody.create(body, null)).build()).execute()) {
        assertEquals(200, response.code());
        assertArrayEquals(body, response.body().bytes());
      }
    }
    assertEquals(2, live.hits.get());
  }

  @Test
  void theRetryIsOnceOnly() throws Exception {
    startRouter(null);
    table.register(HOST, new Backend("dead-1", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    table.register(HOST, new Backend("dead-2", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    TestBackend live = backend("live");
    table.register(HOST, live.backend("web"));
    // Turns start at dead-1, dead-2, live, dead-1: a failed connect moves on one instance only.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(get(HOST, "/").status());
    }
    assertEquals(List.of(502, 200, 200, 502), statuses);
    assertEquals(2, live.hits.get());
  }

  @Test
  void allInstancesClosedIs502() throws Exception {
    startRouter(null);
    table.register(HOST, new Backend("dead-1", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    table.register(HOST, new Backend("dead-2", "web", TestBackend.LOOPBACK, TestBackend.closedPort()));
    Reply reply = get(HOST, "/");
    assertEquals(502, reply.status());
    assertEquals("bad_gateway", reply.routerError());
    assertTrue(reply.body().contains(HOST), reply.body());
  }

  @Test
  void anInstanceThatDoesNotAnswerIs502AndIsNotRetried() throws Exception {
    startRouter(Duration.ofMillis(300));
    TestBackend slow = backend("slow");
    TestBackend other = backend("other");
    table.register(HOST, slow.backend("web"));
    table.register(HOST, other.backend("web"));
    Reply reply = get(HOST, "/hang");
    assertEquals(502, reply.status());
    assertEquals("bad_gateway", reply.routerError());
    // The 300 ms may run out before a busy instance even read the request: wait for it.
    assertTrue(slow.entered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the request never arrived");
    assertEquals(1, slow.hits.get());
    assertEquals(0, other.hits.get(), "the request may have been handled: no second instance");
  }

  @Test
  void aPooledConnectionTheInstanceClosedIsReplacedNotAnError() throws Exception {
    startRouter(null);
    try (ClosingBackend closing = new ClosingBackend()) {
      table.register(HOST, new Backend("closing", "web", TestBackend.LOOPBACK, closing.port()));
      for (int i = 0; i < 3; i++) {
        Reply post = send(request(HOST, "/").post(okhttp3.RequestBody.create(
            ("small " + i).getBytes(StandardCharsets.UTF_8), null)).build());
        assertEquals(200, post.status(), post.body());
        assertEquals("small " + i, post.body());
        assertTrue(closing.closed.tryAcquire(10, TimeUnit.SECONDS));
        Reply get = get(HOST, "/");
        assertEquals(200, get.status(), get.body());
        assertTrue(closing.closed.tryAcquire(10, TimeUnit.SECONDS));
      }
      assertEquals(6, closing.requests.get(), "a request was sent twice, or lost");
    }
  }

  @Test
  void unregisterStopsTrafficAtOnce() throws Exception {
    startRouter(null);
    TestBackend alpha = backend("alpha");
    TestBackend beta = backend("beta");
    table.register(HOST, alpha.backend("web"));
    table.register(HOST, beta.backend("web"));
    get(HOST, "/");
    get(HOST, "/");
    assertEquals(1, beta.hits.get());

    table.unregister(HOST, "beta");
    for (int i = 0; i < 10; i++) {
      assertEquals("I am alpha", get(HOST, "/").body());
    }
    assertEquals(1, beta.hits.get());

    table.unregister(HOST, "alpha");
    assertEquals(503, get(HOST, "/").status());
    table.forget(HOST);
    assertEquals(404, get(HOST, "/").status());
  }

  @Test
  void concurrentClientsAreSpreadEvenly() throws Exception {
    startRouter(null);
    List<TestBackend> three = List.of(backend("alpha"), backend("beta"), backend("gamma"));
    for (TestBackend b : three) {
      table.register(HOST, b.backend("web"));
    }
    int clients = 8;
    int each = 50;
    Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            Reply reply = get(HOST, "/");
            assertEquals(200, reply.status(), reply.body());
            answers.computeIfAbsent(reply.body(), k -> new AtomicInteger()).incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(3, answers.size(), answers.toString());
    for (TestBackend b : three) {
      int hits = b.hits.get();
      assertTrue(hits == 133 || hits == 134, b.name + " got " + hits);
    }
  }

  @Test
  void clientConnectionsAreKeptAlive() throws Exception {
    startRouter(null);
    table.register(HOST, backend("alpha").backend("web"));
    for (int i = 0; i < 20; i++) {
      assertEquals(200, get(HOST, "/").status());
    }
    assertEquals(404, get("other.example.com", "/").status());
    assertEquals(200, get(HOST, "/").status());
    assertEquals(1, clientConnects.get(), "the client needed new connections");
  }

  @Test
  void badRequestsGetAnAnswerAndTheRouterCarriesOn() throws Exception {
    startRouter(null);
    table.register(HOST, backend("alpha").backend("web"));
    assertTrue(raw("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400"), "no Host");
    assertTrue(raw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: x\r\n\r\n")
        .startsWith("HTTP/1.1 400"));
    assertTrue(raw("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\n\r\nabc")
        .startsWith("HTTP/1.1 400"), "GET with a body");
    assertTrue(raw("NONSENSE\r\n\r\n").startsWith("HTTP/1.1 400"));
    assertTrue(raw("GET / HTTP/1.1\r\nHost: \u00e9\u0001.example\r\n\r\n").startsWith("HTTP/1.1 404"));
    assertEquals("I am alpha", get(HOST, "/").body());
  }

  @Test
  void stopCutsTheRequestsInFlightAndIsIdempotent() throws Exception {
    // A read timeout no test waits out: only the stop can end the request to the instance.
    startRouter(Duration.ofMinutes(10));
    try (SilentBackend silent = new SilentBackend()) {
      table.register(HOST, new Backend("silent", "web", TestBackend.LOOPBACK, silent.port()));
      OkHttpClient patient = client.newBuilder().readTimeout(Duration.ofMinutes(10)).build();
      CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return patient.newCall(request(HOST, "/").build()).execute();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      assertTrue(silent.entered.await(WAIT_SECONDS, TimeUnit.SECONDS),
          "the request never reached the instance");
      int port = router.port();

      router.stop();

      assertTrue(silent.closed.await(WAIT_SECONDS, TimeUnit.SECONDS),
          "the stopped router still holds its connection to the instance");
      ExecutionException cut = assertThrows(ExecutionException.class,
          () -> inFlight.get(WAIT_SECONDS, TimeUnit.SECONDS), "the client was not cut off");
      assertTrue(cut.getCause() instanceof UncheckedIOException, cut.toString());
      router.stop();
      assertThrows(IOException.class,
          () -> new Socket(InetAddress.getByName(TestBackend.LOOPBACK), port).close());
      assertThrows(IllegalStateException.class, router::start);
      assertThrows(IllegalStateException.class, router::port);
    }
  }

  @Test
  void builderRejectsMisuse() {
    assertThrows(IllegalStateException.class, () -> Router.builder().build());
    assertThrows(IllegalStateException.class, () -> Router.builder().port(1).port(2));
    assertThrows(IllegalArgumentException.class, () -> Router.builder().port(70_000));
    assertThrows(IllegalArgumentException.class,
        () -> Router.builder().readTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> Router.builder().routeTable(table).bindAddress("no-such-host.invalid").build());
    Router unstarted = Router.builder().routeTable(table).build();
    assertThrows(IllegalStateException.class, unstarted::port);
    unstarted.stop();
    assertThrows(IllegalStateException.class, unstarted::start);
  }

  @Test
  void aPortInUseFailsStart() throws Exception {
    startRouter(null);
    Router second = Router.builder().routeTable(table).port(router.port()).build();
    assertThrows(IOException.class, second::start);
    assertThrows(IllegalStateException.class, second::start);
    second.stop();
  }

  /** Sends {@code request} on a fresh connection; returns what came back until it closed. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getByName(TestBackend.LOOPBACK), router.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
