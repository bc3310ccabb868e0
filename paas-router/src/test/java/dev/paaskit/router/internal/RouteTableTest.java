package dev.paaskit.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.router.Backend;
import dev.paaskit.router.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class RouteTableTest {
  private static final Backend A = new Backend("i-a", "web", "10.0.0.1", 61001);
  private static final Backend B = new Backend("i-b", "web", "10.0.0.2", 61002);
  private static final Backend C = new Backend("i-c", "web", "10.0.0.3", 61003);

  private final RouteTable table = new RouteTable();

  @Test
  void unknownDeclaredAndServedHostsAreToldApart() {
    assertEquals(Optional.empty(), table.lookup("web.example.com"));

    assertTrue(table.declare("web.example.com", "web"));
    Route declared = table.lookup("web.example.com").orElseThrow();
    assertEquals("web", declared.appName());
    assertEquals(List.of(), declared.backends());
    assertEquals(Optional.empty(), table.next("web.example.com"));

    assertTrue(table.register("web.example.com", A));
    assertEquals(List.of(A), table.lookup("web.example.com").orElseThrow().backends());
    assertEquals(Optional.of(A), table.next("web.example.com"));
  }

  @ParameterizedTest
  @CsvSource({
      "Web.Example.COM, web.example.com",
      "web.example.com:8080, web.example.com",
      "WEB.example.com.:80, web.example.com",
      "'  web.example.com ', web.example.com",
      "[::1]:8080, [::1]",
      "10.1.2.3:80, 10.1.2.3",
  })
  void hostsAreLowerCasedWithoutPort(String given, String key) {
    table.register(given, A);
    assertEquals(key, table.snapshot().get(0).host());
    assertEquals(Optional.of(A), table.next(key));
    assertEquals(Optional.of(A), table.next(given));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", ":8080", "a b.com", "a/b", "x@y.com", "a,b"})
  void rejectsWhatIsNotAHost(String host) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> table.declare(host, "web"));
    assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    assertEquals(List.of(), table.snapshot());
  }

  @Test
  void declareKeepsBackendsAndIsIdempotent() {
    table.register("h.example", A);
    assertFalse(table.declare("h.example", "web"));
    assertTrue(table.declare("h.example", "web-v2"));
    Route route = table.lookup("h.example").orElseThrow();
    assertEquals("web-v2", route.appName());
    assertEquals(List.of(A), route.backends());
  }

  @Test
  void registerAndUnregisterAreIdempotent() {
    assertTrue(table.register("h.example", A));
    assertFalse(table.register("h.example", A));
    assertTrue(table.register("h.example", B));
    assertEquals(List.of(A, B), table.lookup("h.example").orElseThrow().backends());

    Backend movedA = new Backend("i-a", "web", "10.0.0.9", 61009);
    assertTrue(table.register("h.example", movedA));
    assertEquals(List.of(movedA, B), table.lookup("h.example").orElseThrow().backends());

    assertTrue(table.unregister("h.example", "i-a"));
    assertFalse(table.unregister("h.example", "i-a"));
    assertFalse(table.unregister("other.example", "i-a"));
    assertTrue(table.unregister("h.example", "i-b"));
    assertEquals(List.of(), table.lookup("h.example").orElseThrow().backends(),
        "the host stays declared after its last backend leaves");
  }

  @Test
  void forgetMakesTheHostUnknown() {
    table.register("h.example", A);
    assertTrue(table.forget("H.EXAMPLE:443"));
    assertFalse(table.forget("h.example"));
    assertEquals(Optional.empty(), table.lookup("h.example"));
  }

  @Test
  void nextRotatesEvenlyAndSkipsUnregisteredBackends() {
    table.register("h.example", A);
    table.register("h.example", B);
    table.register("h.example", C);
    Map<Backend, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(table.next("h.example").orElseThrow(), 1, Integer::sum);
    }
    assertEquals(Map.of(A, 100, B, 100, C, 100), counts);

    table.unregister("h.example", "i-b");
    for (int i = 0; i < 20; i++) {
      Backend next = table.next("h.example").orElseThrow();
      assertTrue(next.equals(A) || next.equals(C), "got " + next);
    }
  }

  @Test
  void concurrentSelectionIsExactlyEven() throws Exception {
    table.register("h.example", A);
    table.register("h.example", B);
    table.register("h.example", C);
    Map<Backend, AtomicInteger> counts = new ConcurrentHashMap<>();
    int threads = 4;
    int perThread = 3_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            counts.computeIfAbsent(table.next("h.example").orElseThrow(), k -> new AtomicInteger())
                .incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int each = threads * perThread / 3;
    assertEquals(each, counts.get(A).get());
    assertEquals(each, counts.get(B).get());
    assertEquals(each, counts.get(C).get());
  }

  @Test
  void replaceAllSwapsTheWholeTable() {
    table.register("old.example", A);
    table.register("kept.example", A);
    table.replaceAll(List.of(
        new Route("kept.example", "web", List.of(B, C)),
        new Route("New.Example", "api", List.of())));
    assertEquals(List.of(
        new Route("kept.example", "web", List.of(B, C)),
        new Route("new.example", "api", List.of())), table.snapshot());
    assertEquals(Optional.empty(), table.lookup("old.example"));
  }

  @Test
  void replaceAllWithTwoRoutesForOneHostChangesNothing() {
    table.register("h.example", A);
    List<Route> before = table.snapshot();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> table.replaceAll(List.of(
            new Route("x.example", "web", List.of(B)),
            new Route("X.example:80", "web", List.of(C)))));
    assertTrue(e.getMessage().contains("x.example"), e.getMessage());
    assertEquals(before, table.snapshot());
  }

  @Test
  void readersNeverSeeAHalfReplacedTable() throws Exception {
    // Two snapshots that differ on every host: a reader must see all of one or all of the other.
    List<Route> even = new ArrayList<>();
    List<Route> odd = new ArrayList<>();
    for (int h = 0; h < 50; h++) {
      even.add(new Route("h" + h + ".example", "web", List.of(A)));
      odd.add(new Route("h" + h + ".example", "web", List.of(B)));
    }
    table.replaceAll(even);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger swaps = new AtomicInteger();
    Thread writer = new Thread(() -> {
      while (!stop.get()) {
        table.replaceAll(swaps.incrementAndGet() % 2 == 0 ? even : odd);
      }
    });
    writer.start();
    try {
      for (int i = 0; i < 2_000; i++) {
        assertTrue(table.lookup("h" + (i % 50) + ".example").isPresent(),
            "a host in both tables went missing during a swap");
        List<Route> seen = table.snapshot();
        assertEquals(50, seen.size());
        Backend first = seen.get(0).backends().get(0);
        for (Route route : seen) {
          assertEquals(first, route.backends().get(0), "a snapshot mixed two tables");
        }
      }
    } finally {
      stop.set(true);
      writer.join(5_000);
    }
    assertTrue(swaps.get() > 1, "the writer never ran");
  }

  @Test
  void routesAndBackendsValidate() {
    assertThrows(IllegalArgumentException.class,
        () -> new Route("h.example", "web", List.of(A, new Backend("i-a", "web", "h", 1))));
    assertThrows(IllegalArgumentException.class, () -> new Route("h.example", " ", List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Backend("i", "web", "h", 0));
    assertThrows(IllegalArgumentException.class, () -> new Backend("i", "web", "h", 65_536));
    assertThrows(IllegalArgumentException.class, () -> new Backend(" ", "web", "h", 1));
    assertThrows(NullPointerException.class, () -> new Backend("i", "web", null, 1));
    List<Backend> mutable = new ArrayList<>(List.of(A));
    Route route = new Route("h.example", "web", mutable);
    mutable.add(B);
    assertEquals(List.of(A), route.backends());
  }
}
