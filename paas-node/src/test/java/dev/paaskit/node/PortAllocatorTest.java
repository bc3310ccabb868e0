package dev.paaskit.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PortAllocatorTest {
  private static final int[] EPHEMERAL =
      PortAllocator.readEphemeralRange(PortAllocator.EPHEMERAL_RANGE_FILE);

  @TempDir Path dir;

  private static boolean ephemeral(int port) {
    return port >= EPHEMERAL[0] && port <= EPHEMERAL[1];
  }

  private Path ephemeralFile(String content) throws IOException {
    return Files.writeString(dir.resolve("ip_local_port_range"), content);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    return socket;
  }

  @Test
  void theDefaultRangeLiesOutsideTheKernelsEphemeralRange() {
    PortAllocator ports = PortAllocator.create();
    assertTrue(ports.first() <= ports.last(), ports.toString());
    assertFalse(ports.first() <= EPHEMERAL[1] && ports.last() >= EPHEMERAL[0], ports.toString());
    Set<Integer> handedOut = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      int port = ports.allocate();
      assertFalse(ephemeral(port), "ephemeral port " + port + " from " + ports);
      assertTrue(port >= ports.first() && port <= ports.last(), port + " outside " + ports);
      assertTrue(handedOut.add(port), "port " + port + " handed out twice");
    }
    assertEquals(300, ports.allocatedCount());
  }

  @Test
  void neverHandsOutAHeldPortUntilItIsReleased() {
    PortAllocator probe = PortAllocator.builder().seed(7).build();
    int base = probe.allocate();
    int first = Math.max(probe.first(), Math.min(base, probe.last() - 2));
    PortAllocator ports = PortAllocator.builder().range(first, first + 2).seed(11).build();

    Set<Integer> held = new HashSet<>(List.of(ports.allocate(), ports.allocate(), ports.allocate()));
    assertEquals(Set.of(first, first + 1, first + 2), held);
    IllegalStateException full = assertThrows(IllegalStateException.class, ports::allocate);
    assertTrue(full.getMessage().contains("3 held"), full.getMessage());

    ports.release(first + 1);
    assertFalse(ports.isAllocated(first + 1));
    assertEquals(first + 1, ports.allocate());
    assertTrue(ports.isAllocated(first + 1));
    IllegalArgumentException notHeld =
        assertThrows(IllegalArgumentException.class, () -> ports.release(first - 1));
    assertTrue(notHeld.getMessage().contains(Integer.toString(first - 1)), notHeld.getMessage());
  }

  @Test
  void skipsAPortAnotherSocketIsBoundTo() throws IOException {
    PortAllocator probe = PortAllocator.builder().seed(3).build();
    int busy = probe.allocate();
    probe.release(busy);
    try (ServerSocket socket = bind(busy)) {
      PortAllocator only = PortAllocator.builder().range(busy, busy).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, only::allocate);
      assertTrue(e.getMessage().contains("1 bound by other sockets"), e.getMessage());

      int low = Math.max(probe.first(), busy - 2);
      PortAllocator around = PortAllocator.builder().range(low, low + 4).seed(5).build();
      for (int i = 0; i < 40; i++) {
        int port = around.allocate();
        assertNotEquals(busy, port, "handed out the bound port " + busy);
        around.release(port);
      }
      assertTrue(socket.isBound());
    }
    PortAllocator only = PortAllocator.builder().range(busy, busy).build();
    assertEquals(busy, only.allocate(), "free again once the socket closed");
  }

  @Test
  void rejectsARangeThatOverlapsTheEphemeralRangeOrIsEmpty() {
    IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
        () -> PortAllocator.builder().range(EPHEMERAL[0] - 10, EPHEMERAL[0]).build());
    assertTrue(overlap.getMessage().contains("ephemeral range " + EPHEMERAL[0] + "-" + EPHEMERAL[1]),
        overlap.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PortAllocator.builder().range(EPHEMERAL[1], EPHEMERAL[1] + 1).build());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> PortAllocator.builder().range(20010, 20000).build());
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PortAllocator.builder().range(0, 100).build());
    assertThrows(IllegalStateException.class,
        () -> PortAllocator.builder().range(20000, 20010).range(20000, 20010));
    assertThrows(IllegalStateException.class, () -> PortAllocator.builder().seed(1).seed(2));
  }

  @Test
  void theDefaultRangeIsClippedToTheKernelsSetting() throws IOException {
    PortAllocator clipped = PortAllocator.builder()
        .ephemeralRangeFile(ephemeralFile("25000\t60999\n")).build();
    assertEquals(List.of(20000, 24999), List.of(clipped.first(), clipped.last()));

    assertArrayEquals(new int[] {20000, 29999}, PortAllocator.defaultRange(new int[] {32768, 60999}));
    assertArrayEquals(new int[] {25001, 29999}, PortAllocator.defaultRange(new int[] {10000, 25000}));
    assertArrayEquals(new int[] {1024, 14999}, PortAllocator.defaultRange(new int[] {15000, 60999}));
    assertThrows(IllegalStateException.class, () -> PortAllocator.builder()
        .ephemeralRangeFile(ephemeralFile("1024 65535")).build());
    assertThrows(IllegalStateException.class, () -> PortAllocator.builder()
        .ephemeralRangeFile(ephemeralFile("not a range")).build());

    PortAllocator elsewhere = PortAllocator.builder()
        .ephemeralRangeFile(dir.resolve("missing")).range(40000, 40010).build();
    assertEquals(40000, elsewhere.first());
    assertThrows(IllegalArgumentException.class, () -> PortAllocator.builder()
        .ephemeralRangeFile(dir.resolve("missing")).range(49000, 49152).build(),
        "without the kernel's file the IANA range 49152-65535 is assumed");
  }

  @Test
  void seedsStartTheSearchAtDifferentPlaces() {
    int a = PortAllocator.builder().seed(1).build().allocate();
    int sameSeed = PortAllocator.builder().seed(1).build().allocate();
    int b = PortAllocator.builder().seed(2).build().allocate();
    assertEquals(a, sameSeed);
    assertNotEquals(a, b);
  }

  @Test
  void oneSharedAllocatorNeverHandsOutAPortTwiceUnderConcurrency() throws Exception {
    PortAllocator ports = PortAllocator.create();
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> duplicates = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        duplicates.add(pool.submit(() -> {
          go.await();
          int dup = 0;
          for (int i = 0; i < 50; i++) {
            if (!seen.add(ports.allocate())) {
              dup++;
            }
          }
          return dup;
        }));
      }
      go.countDown();
      for (Future<Integer> f : duplicates) {
        assertEquals(0, f.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, seen.size());
    assertEquals(200, ports.allocatedCount());
  }
}
