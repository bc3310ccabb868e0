package dev.paaskit.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.StoreEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process writing to a FileStateStore with SIGKILL, at several points, and checks that
 * the store it leaves holds every acknowledged write and nothing inconsistent. Each round starts
 * from the store the previous kill left behind.
 */
class FileStateStoreKillTest {
  /** How many acknowledgements each round waits for before the kill. */
  private static final int[] ACKS_BEFORE_KILL = {200, 1000, 1, 1500};

  @TempDir Path work;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyAcknowledgedWriteSurvivesAKillDuringWritesAndCompactions() throws Exception {
    Path dir = work.resolve("store");
    long revision = 0;
    NavigableMap<String, StoreChild.Entry> earlierRounds = new TreeMap<>();
    for (int round = 0; round < ACKS_BEFORE_KILL.length; round++) {
      Path stderr = work.resolve("child-" + round + ".err");
      child = ChildJvm.start(stderr, StoreChild.class, "write", dir.toString(), "" + round);
      BufferedReader acks = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));

      String ready = acks.readLine();
      assertNotNull(ready, () -> "the child died before it was ready: " + ChildJvm.errors(stderr));
      assertEquals("ready " + revision, ready, "the store must reopen at the revision it had");
      int acked = 0;
      while (acked < ACKS_BEFORE_KILL[round]) {
        acked = readAck(acks.readLine(), acked, revision, stderr);
      }
      if (round == 1) {
        IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> FileStateStore.open(dir));
        assertTrue(e.getMessage().contains("another process"), e.getMessage());
      }
      // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
      // pipe and lose the acknowledgements printed just before the kill.
      assertTrue(child.toHandle().destroyForcibly(), "could not kill the child");
      assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child outlived SIGKILL");
      assertEquals(137, child.exitValue(), "the child should have died of SIGKILL");
      for (String line; (line = acks.readLine()) != null; ) {
        acked = readAck(line, acked, revision, stderr);
      }

      try (FileStateStore store = FileStateStore.open(dir, StoreChild.OPTIONS)) {
        revision = checkRound(store, round, revision, acked);
        NavigableMap<String, StoreChild.Entry> others = byKey(store.list(""));
        String prefix = "r" + round + "/";
        others.keySet().removeIf(key -> key.startsWith(prefix));
        assertSameEntries(earlierRounds, others, "earlier rounds must be untouched");
        earlierRounds = byKey(store.list(""));
        if (acked >= 1000) {
          assertTrue(store.logSizeBytes() < 64 << 10,
              "the log should have been compacted, but has " + store.logSizeBytes() + " bytes");
        }
      }
      assertFalse(Files.exists(dir.resolve(StateLog.COMPACTING_FILE)));
    }
  }

  /** Parses {@code ack <i> <revision>}, which must be the next op; returns the count of acks. */
  private static int readAck(String line, int acked, long base, Path stderr) {
    if (line == null) {
      fail("the child died after " + acked + " acks: " + ChildJvm.errors(stderr));
    }
    String[] parts = line.split(" ");
    assertEquals(3, parts.length, line);
    assertEquals("ack", parts[0], line);
    assertEquals(acked, Integer.parseInt(parts[1]), line);
    assertEquals(base + acked + 1, Long.parseLong(parts[2]), "each op takes the next revision");
    return acked + 1;
  }

  /**
   * The round's entries must be those after every acknowledged op, or after one more: the op
   * under way at the kill may have become durable without being acknowledged. Returns the store's
   * revision.
   */
  private static long checkRound(FileStateStore store, int round, long base, int acked) {
    NavigableMap<String, StoreChild.Entry> actual = byKey(store.list("r" + round + "/"));
    long revision = store.revision();
    if (revision == base + acked + 1) {
      assertSameEntries(StoreChild.expected(round, base, acked + 1), actual,
          "round " + round + ": the op after the last of " + acked + " acks became durable");
    } else {
      assertEquals(base + acked, revision,
          "round " + round + ": revision after " + acked + " acks");
      assertSameEntries(StoreChild.expected(round, base, acked), actual,
          "round " + round + ": after " + acked + " acks");
    }
    return revision;
  }

  private static void assertSameEntries(NavigableMap<String, StoreChild.Entry> expected,
      NavigableMap<String, StoreChild.Entry> actual, String what) {
    List<String> differences = new ArrayList<>();
    for (String key : union(expected.keySet(), actual.keySet())) {
      StoreChild.Entry wanted = expected.get(key);
      StoreChild.Entry found = actual.get(key);
      if (!Objects.equals(wanted, found)) {
        differences.add(key + ": expected " + shown(wanted) + " but was " + shown(found));
      }
    }
    if (!differences.isEmpty()) {
      fail(what + ": " + differences.size() + " entries differ: " + differences);
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> union = new TreeSet<>(a);
    union.addAll(b);
    return union;
  }

  private static String shown(StoreChild.Entry entry) {
    if (entry == null) {
      return "nothing";
    }
    String value = entry.value();
    return "\"" + (value.length() > 30 ? value.substring(0, 30) + "..." : value) + "\"@"
        + entry.revision();
  }

  /** Entries as the model of {@link StoreChild#expected} has them. */
  private static NavigableMap<String, StoreChild.Entry> byKey(List<StoreEntry> entries) {
    NavigableMap<String, StoreChild.Entry> result = new TreeMap<>();
    for (StoreEntry entry : entries) {
      result.put(entry.key(), new StoreChild.Entry(
          new String(entry.value(), StandardCharsets.UTF_8), entry.revision()));
    }
    return result;
  }
}
