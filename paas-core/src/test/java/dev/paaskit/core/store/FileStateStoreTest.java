package dev.paaskit.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class FileStateStoreTest {
  private static final FileStateStore.Options NEVER_COMPACT =
      FileStateStore.Options.DEFAULTS.withCompactionThresholdBytes(Long.MAX_VALUE);
  private static final FileStateStore.Options ALWAYS_COMPACT = FileStateStore.Options.DEFAULTS
      .withCompactionThresholdBytes(0)
      .withCompactionGarbageFraction(0);

  @TempDir Path dir;

  // --- reopen ---

  @Test
  void reopenKeepsEveryEntryAndTheRevisionCounter() throws IOException {
    byte[] large = randomBytes(100_000, 1);
    List<StoreEntry> before;
    try (FileStateStore store = FileStateStore.open(dir)) {
      store.put("apps/a", bytes("one"));
      store.put("apps/b", large);
      store.put("apps/a", bytes("uno"));
      store.put("tmp", bytes("x"));
      store.delete("tmp");
      before = store.list("");
      assertEquals(5, store.revision());
    }

    try (FileStateStore store = FileStateStore.open(dir)) {
      assertEquals(describe(before), describe(store.list("")));
      assertArrayEquals(large, store.get("apps/b").orElseThrow().value());
      assertEquals(5, store.revision(), "the delete's revision must survive");
      assertEquals(6, store.put("next", bytes("n")));
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      assertEquals(6, store.revision());
      assertEquals(List.of("apps/a", "apps/b", "next"), keys(store.list("")));
    }
  }

  @Test
  void reopenAfterCompactionKeepsTheRevisionOfADeletedKey() throws IOException {
    try (FileStateStore store = FileStateStore.open(dir, ALWAYS_COMPACT)) {
      store.put("a", bytes("1"));
      store.put("b", bytes("2"));
      store.delete("b");
      assertEquals(LogReplay.liveBytes(new TreeMap<>(Map.of("a", store.get("a").orElseThrow()))),
          store.logSizeBytes(), "the log should hold just the live entry");
    }
    try (FileStateStore store = FileStateStore.open(dir, ALWAYS_COMPACT)) {
      assertEquals(3, store.revision());
      assertEquals(List.of(describe("a", 1, "1")), describe(store.list("")));
      assertEquals(4, store.put("c", bytes("3")));
    }
  }

  @Test
  void anEmptyStoreReopensEmpty() throws IOException {
    FileStateStore.open(dir).close();
    try (FileStateStore store = FileStateStore.open(dir)) {
      assertEquals(0, store.revision());
      assertEquals(List.of(), store.list(""));
    }
  }

  // --- torn tails ---

  @ParameterizedTest(name = "{0} bytes of the last record kept")
  @ValueSource(ints = {1, 4, 8, 9, 30, 179})
  void aLastRecordCutShortIsDroppedAndEverythingBeforeKept(int keptBytes) throws IOException {
    long[] offsets = writeTenRecords();
    long lastRecordBytes = Files.size(logFile()) - offsets[9];
    assertTrue(keptBytes < lastRecordBytes, "the last record has only " + lastRecordBytes);
    truncate(logFile(), offsets[9] + keptBytes);

    try (FileStateStore store = FileStateStore.open(dir, NEVER_COMPACT)) {
      assertEquals(9, store.revision());
      assertEquals(expectedKeys(9), keys(store.list("")));
      assertEquals(offsets[9], Files.size(logFile()), "the torn record should be cut off");
      assertEquals(10, store.put("k9", value(9)));
    }
    try (FileStateStore store = FileStateStore.open(dir, NEVER_COMPACT)) {
      assertEquals(10, store.revision());
      assertEquals(expectedKeys(10), keys(store.list("")));
      assertArrayEquals(value(9), store.get("k9").orElseThrow().value());
    }
  }

  static Stream<Arguments> garbage() {
    byte[] frame = LogFormat.changeFrame(new WatchEvent(WatchEvent.Kind.PUT, "k10", value(10), 11));
    byte[] badChecksum = frame.clone();
    badChecksum[20] ^= 1;
    return Stream.of(
        Arguments.of("one byte", new byte[] {42}),
        Arguments.of("zeros", new byte[4096]),
        Arguments.of("random bytes", randomBytes(1000, 2)),
        Arguments.of("a header promising more than follows",
            ByteBuffer.allocate(20).putInt(1000).putInt(1234).array()),
        Arguments.of("a next record cut short", Arrays.copyOf(frame, frame.length - 3)),
        Arguments.of("a next record failing its checksum", badChecksum));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  void garbageAfterTheLastRecordIsDropped(String what, byte[] garbage) throws IOException {
    writeTenRecords();
    long goodBytes = Files.size(logFile());
    Files.write(logFile(), garbage, StandardOpenOption.APPEND);

    try (FileStateStore store = FileStateStore.open(dir, NEVER_COMPACT)) {
      assertEquals(10, store.revision());
      assertEquals(expectedKeys(10), keys(store.list("")));
      assertArrayEquals(value(9), store.get("k9").orElseThrow().value());
      assertEquals(goodBytes, Files.size(logFile()));
    }
  }

  // --- damage that is no torn write ---

  @Test
  void aDamagedRecordBeforeGoodOnesFailsTheOpenAndLeavesTheFileAlone() throws IOException {
    long[] offsets = writeTenRecords();
    byte[] damaged = Files.readAllBytes(logFile());
    damaged[(int) offsets[3] + 12] ^= 0x10;
    Files.write(logFile(), damaged);

    CorruptStateLogException e = assertThrows(CorruptStateLogException.class,
        () -> FileStateStore.open(dir, NEVER_COMPACT));
    assertEquals(logFile(), e.file());
    assertEquals(offsets[3], e.offset());
    assertTrue(e.getMessage().contains(logFile() + " is corrupt at offset " + offsets[3]),
        e.getMessage());
    assertArrayEquals(damaged, Files.readAllBytes(logFile()), "the file must stay as it was");
    assertThrows(CorruptStateLogException.class, () -> FileStateStore.open(dir, NEVER_COMPACT),
        "a failed open must release the directory");
  }

  @Test
  void aDamagedLengthBeforeGoodRecordsFailsTheOpen() throws IOException {
    long[] offsets = writeTenRecords();
    byte[] damaged = Files.readAllBytes(logFile());
    ByteBuffer.wrap(damaged).putInt((int) offsets[5], Integer.MAX_VALUE);
    Files.write(logFile(), damaged);

    CorruptStateLogException e = assertThrows(CorruptStateLogException.class,
        () -> FileStateStore.open(dir, NEVER_COMPACT));
    assertEquals(offsets[5], e.offset());
  }

  @Test
  void aRecordWithBytesMissingBeforeGoodRecordsFailsTheOpen() throws IOException {
    long[] offsets = writeTenRecords();
    byte[] log = Files.readAllBytes(logFile());
    int cut = (int) offsets[4] + 15;
    byte[] damaged = new byte[log.length - 5];
    System.arraycopy(log, 0, damaged, 0, cut);
    System.arraycopy(log, cut + 5, damaged, cut, log.length - cut - 5);
    Files.write(logFile(), damaged);

    CorruptStateLogException e = assertThrows(CorruptStateLogException.class,
        () -> FileStateStore.open(dir, NEVER_COMPACT));
    assertEquals(offsets[4], e.offset());
  }

  @Test
  void aFileThatIsNoStateLogIsRefused() throws IOException {
    Files.writeString(logFile(), "this is not a state log, it only has the name of one");
    CorruptStateLogException e = assertThrows(CorruptStateLogException.class,
        () -> FileStateStore.open(dir));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("not a PaaSKit state log"), e.getMessage());
  }

  // --- compaction ---

  @Test
  void compactionShrinksTheLogAndLosesNothing() throws IOException {
    // Compaction syncs either way; sparing the sync per write keeps this test quick.
    FileStateStore.Options options = FileStateStore.Options.DEFAULTS
        .withCompactionThresholdBytes(8 << 10)
        .withFsync(false);
    Map<String, String> expected = new TreeMap<>();
    int shrinks = 0;
    try (FileStateStore store = FileStateStore.open(dir, options)) {
      long size = store.logSizeBytes();
      for (int i = 0; i < 2000; i++) {
        String key = "k/" + (i % 20);
        String value = "value " + i + " " + "v".repeat(i % 100);
        store.put(key, bytes(value));
        expected.put(key, value);
        if (i % 10 == 9) {
          store.delete(key);
          expected.remove(key);
        }
        if (store.logSizeBytes() < size) {
          shrinks++;
        }
        size = store.logSizeBytes();
        assertTrue(size < 16 << 10, "the log grew to " + size + " bytes at write " + i);
      }
      assertEquals(expected, values(store.list("")));
      assertEquals(2200, store.revision());
    }
    assertTrue(shrinks > 10, "the log should have been compacted again and again: " + shrinks);
    assertFalse(Files.exists(dir.resolve(StateLog.COMPACTING_FILE)));

    try (FileStateStore store = FileStateStore.open(dir, options)) {
      assertEquals(expected, values(store.list("")));
      assertEquals(2200, store.revision());
      assertEquals(store.logSizeBytes(), Files.size(logFile()));
    }
  }

  @Test
  void whatAnUnfinishedCompactionLeftIsRemovedOnOpen() throws IOException {
    try (FileStateStore store = FileStateStore.open(dir)) {
      store.put("a", bytes("1"));
    }
    Path compacting = dir.resolve(StateLog.COMPACTING_FILE);
    Files.write(compacting, Arrays.copyOf(LogFormat.MAGIC, 20));

    try (FileStateStore store = FileStateStore.open(dir)) {
      assertEquals(List.of(describe("a", 1, "1")), describe(store.list("")));
    }
    assertFalse(Files.exists(compacting));
  }

  // --- the directory lock ---

  @Test
  void aSecondOpenOfTheSameDirectoryFailsClearly() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
    try (FileStateStore store = FileStateStore.open(dir)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> FileStateStore.open(dir));
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toRealPath().toString()), e.getMessage());
      assertThrows(IllegalStateException.class, () -> FileStateStore.open(link));
      assertThrows(IllegalStateException.class,
          () -> FileStateStore.open(dir.resolve("sub").resolve("..")));
      store.put("still", bytes("works"));
    } finally {
      Files.delete(link);
    }
    try (FileStateStore store = FileStateStore.open(dir)) {
      assertEquals(1, store.revision());
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aRefusedSecondOpenInThisProcessLeavesOtherProcessesLockedOut() throws Exception {
    try (FileStateStore store = FileStateStore.open(dir)) {
      assertThrows(IllegalStateException.class, () -> FileStateStore.open(dir));
      String probe = probeFromAnotherProcess();
      assertTrue(probe.startsWith("refused ") && probe.contains("another process"), probe);
    }
    assertEquals("opened", probeFromAnotherProcess());
  }

  @Test
  void optionsAreChecked() {
    FileStateStore.Options defaults = FileStateStore.Options.DEFAULTS;
    assertThrows(IllegalArgumentException.class, () -> defaults.withCompactionThresholdBytes(-1));
    assertThrows(IllegalArgumentException.class, () -> defaults.withCompactionGarbageFraction(1));
    assertThrows(IllegalArgumentException.class,
        () -> defaults.withCompactionGarbageFraction(-0.1));
    assertThrows(IllegalArgumentException.class,
        () -> defaults.withCompactionGarbageFraction(Double.NaN));
    assertFalse(defaults.withFsync(false).fsync());
  }

  // --- helpers ---

  private Path logFile() {
    return dir.resolve(StateLog.LOG_FILE);
  }

  /** Puts k0 to k9 at revisions 1 to 10 and returns where each record starts in the log. */
  private long[] writeTenRecords() throws IOException {
    long[] offsets = new long[10];
    try (FileStateStore store = FileStateStore.open(dir, NEVER_COMPACT)) {
      for (int i = 0; i < 10; i++) {
        offsets[i] = store.logSizeBytes();
        store.put("k" + i, value(i));
      }
    }
    return offsets;
  }

  private static byte[] value(int i) {
    return bytes(("value " + i + " ").repeat(20));
  }

  private static List<String> expectedKeys(int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  private String probeFromAnotherProcess() throws Exception {
    Path stderr = Files.createTempFile(dir, "probe", ".err");
    Process child = ChildJvm.start(stderr, StoreChild.class, "probe", dir.toString());
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the probe did not finish");
      assertEquals(0, child.exitValue(), () -> "the probe failed: " + ChildJvm.errors(stderr));
      return line;
    } finally {
      child.destroyForcibly();
    }
  }

  private static void truncate(Path file, long length) throws IOException {
    try (var channel = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int count, long seed) {
    byte[] bytes = new byte[count];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static List<String> keys(List<StoreEntry> entries) {
    return entries.stream().map(StoreEntry::key).toList();
  }

  /** Each entry as {@code key@revision#hash of the value}. */
  private static List<String> describe(List<StoreEntry> entries) {
    return entries.stream()
        .map(e -> e.key() + "@" + e.revision() + "#" + Arrays.hashCode(e.value()))
        .toList();
  }

  private static String describe(String key, long revision, String value) {
    return key + "@" + revision + "#" + Arrays.hashCode(bytes(value));
  }

  private static Map<String, String> values(List<StoreEntry> entries) {
    Map<String, String> values = new TreeMap<>();
    for (StoreEntry entry : entries) {
      values.put(entry.key(), new String(entry.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
