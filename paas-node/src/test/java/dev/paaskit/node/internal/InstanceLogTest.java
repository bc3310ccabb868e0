package dev.paaskit.node.internal;

import static dev.paaskit.api.spi.ContainerListener.Stream.STDERR;
import static dev.paaskit.api.spi.ContainerListener.Stream.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.node.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InstanceLogTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static List<String> texts(List<LogLine> lines) {
    return lines.stream().map(LogLine::text).toList();
  }

  @Test
  void keepsAtMostMaxLinesDroppingTheOldestFirst() {
    InstanceLog log = InstanceLog.builder().maxLines(3).build();
    for (int i = 1; i <= 5; i++) {
      log.append(i % 2 == 0 ? STDERR : STDOUT, "line " + i, T0.plusSeconds(i));
    }

    assertEquals(List.of("line 3", "line 4", "line 5"), texts(log.tail(10)));
    assertEquals(List.of("line 4", "line 5"), texts(log.tail(2)));
    assertEquals(List.of(), log.tail(0));
    assertEquals(2, log.droppedLines());
    assertEquals(3, log.size());
    assertEquals(5, log.lastSeq());
    LogLine last = log.tail(1).get(0);
    assertEquals(new LogLine(5, T0.plusSeconds(5), STDOUT, "line 5"), last);
    assertEquals(STDERR, log.tail(2).get(0).stream());
    assertThrows(IllegalArgumentException.class, () -> log.tail(-1));
  }

  @Test
  void keepsAtMostMaxBytesCountedInUtf8() {
    InstanceLog log = InstanceLog.builder().maxBytes(10).build();
    log.append(STDOUT, "aaaa", T0);
    log.append(STDOUT, "bbbb", T0);
    log.append(STDOUT, "éé", T0);
    assertEquals(List.of("bbbb", "éé"), texts(log.tail(5)), "é is two bytes");
    assertEquals(8, log.bytes());
    assertEquals(1, log.droppedLines());

    log.append(STDOUT, "cc", T0);
    assertEquals(10, log.bytes());
    assertEquals(List.of("bbbb", "éé", "cc"), texts(log.tail(5)));
  }

  @Test
  void aLineLongerThanTheByteBoundIsCutAtACharacterBoundary() {
    InstanceLog log = InstanceLog.builder().maxBytes(6).build();
    log.append(STDOUT, "earlier", T0);
    LogLine cut = log.append(STDOUT, "aé😀tail", T0);
    assertEquals("aé", cut.text(), "the emoji's four bytes do not fit after three");
    assertEquals(List.of("aé"), texts(log.tail(5)));
    assertEquals("abcdef", log.append(STDOUT, "abcdefgh", T0).text());
  }

  @Test
  void followersReadWhatIsNewAndSeeGapsAfterDrops() {
    InstanceLog log = InstanceLog.builder().maxLines(4).build();
    assertEquals(List.of(), log.linesSince(0));
    log.append(STDOUT, "a", T0);
    log.append(STDOUT, "b", T0);
    List<LogLine> first = log.linesSince(0);
    assertEquals(List.of("a", "b"), texts(first));
    long seen = first.get(first.size() - 1).seq();
    assertEquals(List.of(), log.linesSince(seen));

    for (String s : List.of("c", "d", "e", "f", "g")) {
      log.append(STDOUT, s, T0);
    }
    List<LogLine> next = log.linesSince(seen);
    assertEquals(List.of("d", "e", "f", "g"), texts(next));
    assertTrue(next.get(0).seq() > seen + 1, "the gap shows that c was dropped unread");
    assertEquals(List.of("g"), texts(log.linesSince(6)));
    assertEquals(List.of(), log.linesSince(99));
  }

  @Test
  void stampsLinesWithTheClockOrTheGivenTime() {
    ManualClock clock = new ManualClock(T0);
    InstanceLog log = InstanceLog.builder().clock(clock).build();
    clock.advance(Duration.ofSeconds(42));
    assertEquals(T0.plusSeconds(42), log.append(STDOUT, "now").at());
    assertEquals(T0, log.append(STDOUT, "then", T0).at());

    InstanceLog clockless = InstanceLog.builder().build();
    assertThrows(IllegalStateException.class, () -> clockless.append(STDOUT, "when?"));
    assertThrows(IllegalArgumentException.class, () -> InstanceLog.builder().maxLines(0));
    assertThrows(IllegalStateException.class, () -> InstanceLog.builder().maxBytes(5).maxBytes(6));
    assertThrows(IllegalArgumentException.class, () -> new LogLine(0, T0, STDOUT, "x"));
  }

  @Test
  void concurrentAppendsGetDistinctIncreasingNumbers() throws Exception {
    InstanceLog log = InstanceLog.builder().maxLines(10_000).build();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int writer = t;
        writers.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 1000; i++) {
            log.append(STDOUT, writer + ":" + i, T0);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : writers) {
        f.get(5, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<LogLine> all = log.tail(10_000);
    assertEquals(4000, all.size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).seq());
    }
    assertEquals(0, log.droppedLines());
  }
}
