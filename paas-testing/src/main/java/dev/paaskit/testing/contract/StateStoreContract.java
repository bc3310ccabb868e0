package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link StateStore}, as tests that every implementation must pass. Extend it
 * with a factory of fresh, empty stores:
 *
 * <pre>{@code
 * class MyStateStoreContractTest extends StateStoreContract {
 *   @Override
 *   protected StateStore newStore() {
 *     return new MyStateStore();
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets its own store from {@link #newStore()} and closes it afterwards. Tests that
 * wait for watch events or threads give up after {@link #WAIT_SECONDS} seconds.
 *
 * <p>What the tests check:
 * <ul>
 *   <li>Revisions: an empty store is at revision 0 with no entries; revisions start at 1 and
 *       grow with every write of any key, deletes included; {@code get} gives the latest value
 *       with its write's revision; an empty value and one of {@link StateStore#MAX_VALUE_BYTES}
 *       are stored, one byte more is refused without taking a revision; values are copied in and
 *       out; null arguments are refused.
 *   <li>Keys: 13 valid keys (up to 255 characters) are stored and listed under themselves; 13
 *       invalid ones are refused by every operation with a message naming them, taking no
 *       revision; invalid prefixes are refused, and the empty prefix selects every key.
 *   <li>Compare-and-set and delete: 0 creates only an absent key; the key's current revision
 *       replaces its value, a stale one (or the store's) changes nothing; a missing or deleted
 *       key needs 0; a negative expected revision is refused; {@code delete} says whether the key
 *       existed, and only a delete of something takes a revision; {@code compareAndDelete}
 *       needs the current revision.
 *   <li>List: the entries under a prefix, compared character by character, sorted by key.
 *   <li>Watches: a watch gets the later changes under its prefix, puts and deletes, in revision
 *       order, and nothing after it is closed; failed writes make no events; the events of four
 *       concurrent writers come once each, in revision order, one call at a time; closing a
 *       watch twice is harmless; each listener gets its own copy of a value.
 *   <li>Concurrency and close: concurrent compare-and-set increments lose no update; concurrent
 *       writes get distinct revisions; a closed store refuses every call but {@code close} with
 *       {@link IllegalStateException}.
 * </ul>
 */
@Timeout(60)
public abstract class StateStoreContract {
  /** How long a test waits for an event or a thread before it fails. */
  protected static final long WAIT_SECONDS = 10;

  /** The store under test, fresh for each test. */
  protected StateStore store;

  /**
   * A new, empty store: revision 0, no entries. Called once before each test.
   *
   * @return an open store, closed by the kit after the test
   * @throws Exception when the store cannot be made; the test then fails
   */
  protected abstract StateStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    assertNotNull(store, "newStore() returned null");
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // --- revisions, get, put ---

  @Test
  void anEmptyStoreHasRevisionZeroAndNoEntries() {
    assertEquals(0, store.revision());
    assertTrue(store.get("a").isEmpty());
    assertEquals(List.of(), store.list(""));
  }

  @Test
  void revisionsStartAtOneAndGrowWithEveryWriteOfAnyKey() {
    long first = store.put("a", bytes("1"));
    long second = store.put("b", bytes("2"));
    long third = store.put("a", bytes("3"));
    long fourth = store.compareAndSet("c", 0, bytes("4")).orElseThrow();
    assertTrue(store.delete("b"));
    long afterDelete = store.revision();

    assertEquals(1, first);
    assertTrue(first < second && second < third && third < fourth && fourth < afterDelete,
        "revisions must grow: " + List.of(first, second, third, fourth, afterDelete));
    assertEquals(afterDelete, store.revision());
  }

  @Test
  void getReturnsTheLatestValueWithTheRevisionOfItsWrite() {
    long first = store.put("apps/shop", bytes("v1"));
    assertEntry("apps/shop", "v1", first, store.get("apps/shop"));

    long second = store.put("apps/shop", bytes("v2"));
    assertTrue(second > first);
    assertEntry("apps/shop", "v2", second, store.get("apps/shop"));
    assertEquals(second, store.revision());
  }

  @Test
  void emptyAndLargestValuesAreStoredAndOneByteMoreIsRejected() {
    byte[] largest = randomBytes(StateStore.MAX_VALUE_BYTES, 7);
    store.put("empty", new byte[0]);
    long revision = store.put("largest", largest);

    assertArrayEquals(new byte[0], store.get("empty").orElseThrow().value());
    assertArrayEquals(largest, store.get("largest").orElseThrow().value());
    byte[] tooLarge = new byte[StateStore.MAX_VALUE_BYTES + 1];
    assertThrows(IllegalArgumentException.class, () -> store.put("big", tooLarge));
    assertThrows(IllegalArgumentException.class, () -> store.compareAndSet("big", 0, tooLarge));
    assertTrue(store.get("big").isEmpty());
    assertEquals(revision, store.revision(), "a rejected write must not take a revision");
  }

  @Test
  void valuesAreCopiedInAndOut() {
    byte[] value = {1, 2, 3};
    store.put("k", value);
    value[0] = 9;
    store.get("k").orElseThrow().value()[1] = 9;
    store.list("").get(0).value()[2] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, store.get("k").orElseThrow().value());

    byte[] next = {4, 5};
    store.compareAndSet("k", store.revision(), next);
    next[0] = 9;
    assertArrayEquals(new byte[] {4, 5}, store.get("k").orElseThrow().value());
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> store.get(null));
    assertThrows(NullPointerException.class, () -> store.put(null, bytes("v")));
    assertThrows(NullPointerException.class, () -> store.put("k", null));
    assertThrows(NullPointerException.class, () -> store.compareAndSet("k", 0, null));
    assertThrows(NullPointerException.class, () -> store.list(null));
    assertThrows(NullPointerException.class, () -> store.watch("k", null));
    assertThrows(NullPointerException.class, () -> store.watch(null, event -> { }));
    assertEquals(0, store.revision());
  }

  // --- keys ---

  @TestFactory
  Stream<DynamicTest> validKeysAreAccepted() {
    return Stream.of("a", "Z", "0", "-", "_", "=", "/", "a.b", "a..b", "-._=/",
            "apps/shop-1/instances/0", "tenant=acme/app_x", "k".repeat(255))
        .map(key -> DynamicTest.dynamicTest(shown(key), () -> {
          long revision = store.put(key, bytes(key));
          assertEntry(key, key, revision, store.get(key));
          assertTrue(keys(store.list(key)).contains(key), "list(prefix) must hold the key itself");
        }));
  }

  @TestFactory
  Stream<DynamicTest> invalidKeysAreRejectedByEveryOperation() {
    return Stream.of("", ".", ".a", "a.", "a b", "a*b", "a:b", "a\\b", "a+b", "a\nb", "\u00e4",
            "apps/%20", "k".repeat(256))
        .map(key -> DynamicTest.dynamicTest(shown(key), () -> {
          assertRejected(key, () -> store.get(key));
          assertRejected(key, () -> store.put(key, bytes("v")));
          assertRejected(key, () -> store.compareAndSet(key, 0, bytes("v")));
          assertRejected(key, () -> store.delete(key));
          assertRejected(key, () -> store.compareAndDelete(key, 1));
          assertEquals(0, store.revision(), "a rejected write must not take a revision");
        }));
  }

  @Test
  void invalidPrefixesAreRejectedAndTheEmptyPrefixSelectsAll() {
    store.put("a", bytes("1"));
    assertThrows(IllegalArgumentException.class, () -> store.list("a b"));
    assertThrows(IllegalArgumentException.class, () -> store.list("k".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> store.watch("a*", event -> { }));
    assertEquals(List.of("a"), keys(store.list("")));
  }

  // --- compare-and-set and delete ---

  @Test
  void compareAndSetWithZeroCreatesOnlyAnAbsentKey() {
    OptionalLong created = store.compareAndSet("k", 0, bytes("first"));
    assertTrue(created.isPresent());
    assertEquals(OptionalLong.empty(), store.compareAndSet("k", 0, bytes("second")));
    assertEntry("k", "first", created.getAsLong(), store.get("k"));
    assertEquals(created.getAsLong(), store.revision(), "a failed write must not take a revision");
  }

  @Test
  void compareAndSetWithTheCurrentRevisionReplacesTheValue() {
    long first = store.put("k", bytes("v1"));
    OptionalLong second = store.compareAndSet("k", first, bytes("v2"));
    assertTrue(second.isPresent());
    assertTrue(second.getAsLong() > first);
    assertEntry("k", "v2", second.getAsLong(), store.get("k"));
  }

  @Test
  void compareAndSetWithAStaleRevisionFailsAndChangesNothing() {
    long first = store.put("k", bytes("v1"));
    long second = store.put("k", bytes("v2"));
    store.put("other", bytes("x"));
    long revision = store.revision();

    assertEquals(OptionalLong.empty(), store.compareAndSet("k", first, bytes("lost")));
    assertEquals(OptionalLong.empty(), store.compareAndSet("k", revision, bytes("lost")),
        "the store's revision is not the key's");
    assertEntry("k", "v2", second, store.get("k"));
    assertEquals(revision, store.revision());
  }

  @Test
  void compareAndSetOfAMissingKeyNeedsZero() {
    long revision = store.put("other", bytes("x"));
    assertEquals(OptionalLong.empty(), store.compareAndSet("missing", revision, bytes("v")));
    assertTrue(store.get("missing").isEmpty());

    long deleted = store.put("gone", bytes("v"));
    store.delete("gone");
    assertEquals(OptionalLong.empty(), store.compareAndSet("gone", deleted, bytes("again")));
    assertTrue(store.compareAndSet("gone", 0, bytes("again")).isPresent());
  }

  @Test
  void aNegativeExpectedRevisionIsRejected() {
    store.put("k", bytes("v"));
    assertThrows(IllegalArgumentException.class, () -> store.compareAndSet("k", -1, bytes("x")));
    assertThrows(IllegalArgumentException.class, () -> store.compareAndDelete("k", -1));
    assertEquals(1, store.revision());
  }

  @Test
  void deleteRemovesTheKeyAndSaysWhetherItExisted() {
    store.put("k", bytes("v"));
    store.put("k2", bytes("v"));
    assertTrue(store.delete("k"));
    assertTrue(store.get("k").isEmpty());
    assertEquals(List.of("k2"), keys(store.list("")));
    assertFalse(store.delete("k"));
    assertFalse(store.delete("never"));
  }

  @Test
  void aDeleteTakesARevisionAndADeleteOfNothingDoesNot() {
    long put = store.put("k", bytes("v"));
    store.delete("k");
    long deleted = store.revision();
    assertTrue(deleted > put);

    assertFalse(store.delete("k"));
    assertFalse(store.compareAndDelete("k", 0));
    assertEquals(deleted, store.revision());
    assertTrue(store.put("k", bytes("v")) > deleted);
  }

  @Test
  void compareAndDeleteNeedsTheCurrentRevision() {
    long first = store.put("k", bytes("v1"));
    long second = store.put("k", bytes("v2"));

    assertFalse(store.compareAndDelete("k", first));
    assertEntry("k", "v2", second, store.get("k"));
    assertTrue(store.compareAndDelete("k", second));
    assertTrue(store.get("k").isEmpty());
    assertFalse(store.compareAndDelete("k", second));
    assertFalse(store.compareAndDelete("missing", 0));
  }

  // --- list ---

  @Test
  void listReturnsTheEntriesUnderAPrefixSortedByKey() {
    List<String> written = new ArrayList<>(List.of("apps/b", "apps/a", "apps/c/1", "app", "apps",
        "b/apps/x", "apps-x", "apps/a/b", "APPS/z"));
    Collections.shuffle(written, new Random(42));
    for (String key : written) {
      store.put(key, bytes("value of " + key));
    }

    List<StoreEntry> apps = store.list("apps/");
    assertEquals(List.of("apps/a", "apps/a/b", "apps/b", "apps/c/1"), keys(apps));
    for (StoreEntry entry : apps) {
      assertEntry(entry.key(), "value of " + entry.key(), entry.revision(), store.get(entry.key()));
    }
    assertEquals(List.of("apps", "apps-x", "apps/a", "apps/a/b", "apps/b", "apps/c/1"),
        keys(store.list("apps")));
    assertEquals(List.of("APPS/z", "app", "apps", "apps-x", "apps/a", "apps/a/b", "apps/b",
        "apps/c/1", "b/apps/x"), keys(store.list("")));
    assertEquals(List.of(), store.list("zzz"));
    assertEquals(List.of(), store.list("apps/a/b/"));
  }

  // --- watches ---

  @Test
  void aWatchGetsLaterChangesUnderItsPrefixInRevisionOrder() throws Exception {
    long before = store.put("apps/before", bytes("old"));
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    StateStore.Watch watch = store.watch("apps/", events::add);
    long put = store.put("apps/a", bytes("1"));
    store.put("other/x", bytes("not watched"));
    long created = store.compareAndSet("apps/b", 0, bytes("2")).orElseThrow();
    assertTrue(store.delete("apps/a"));
    long deleted = store.revision();
    long updated = store.compareAndSet("apps/b", created, bytes("3")).orElseThrow();
    assertTrue(store.compareAndDelete("apps/before", before));
    long deletedBefore = store.revision();

    assertEvent(WatchEvent.Kind.PUT, "apps/a", "1", put, next(events));
    assertEvent(WatchEvent.Kind.PUT, "apps/b", "2", created, next(events));
    assertEvent(WatchEvent.Kind.DELETE, "apps/a", "", deleted, next(events));
    assertEvent(WatchEvent.Kind.PUT, "apps/b", "3", updated, next(events));
    assertEvent(WatchEvent.Kind.DELETE, "apps/before", "", deletedBefore, next(events));
    watch.close();
    store.put("apps/after", bytes("unwatched"));
    assertNull(events.poll(), "no event was expected after these: " + events);
  }

  @Test
  void failedWritesMakeNoEvents() throws Exception {
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    store.watch("", events::add);
    long revision = store.put("k", bytes("v"));
    assertFalse(store.compareAndSet("k", 0, bytes("x")).isPresent());
    assertFalse(store.compareAndDelete("k", revision + 1));
    assertFalse(store.delete("missing"));
    long marker = store.put("marker", bytes("m"));

    assertEquals(revision, next(events).revision());
    assertEvent(WatchEvent.Kind.PUT, "marker", "m", marker, next(events));
  }

  @Test
  void watchEventsOfConcurrentWritersComeOneAtATimeInRevisionOrder() throws Exception {
    int threads = 4;
    int writesPerThread = 50;
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inListener = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch allSeen = new CountDownLatch(threads * writesPerThread);
    store.watch("c/", event -> {
      if (inListener.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      seen.add(event.revision());
      for (int i = 0; i < 20; i++) {
        Thread.yield(); // stays in the call a little, for an overlapping call to show
      }
      inListener.decrementAndGet();
      allSeen.countDown();
    });

    List<Long> written = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(threads, thread -> {
      for (int i = 0; i < writesPerThread; i++) {
        written.add(store.put("c/" + thread + "/" + i, bytes(thread + ":" + i)));
      }
    });

    assertTrue(allSeen.await(WAIT_SECONDS, TimeUnit.SECONDS),
        "saw only " + seen.size() + " of " + threads * writesPerThread + " events");
    assertEquals(0, overlaps.get(), "the listener was called while a call was under way");
    List<Long> sorted = new ArrayList<>(written);
    Collections.sort(sorted);
    assertEquals(sorted, seen, "events must come once each, in revision order");
  }

  @Test
  void aClosedWatchGetsNothingMoreAndClosingTwiceIsHarmless() throws Exception {
    BlockingQueue<WatchEvent> closedEvents = new LinkedBlockingQueue<>();
    BlockingQueue<WatchEvent> openEvents = new LinkedBlockingQueue<>();
    StateStore.Watch closing = store.watch("k", closedEvents::add);
    store.watch("k", openEvents::add);

    store.put("k1", bytes("1"));
    assertEquals("k1", next(closedEvents).key());
    assertEquals("k1", next(openEvents).key());
    closing.close();
    closing.close();
    store.put("k2", bytes("2"));

    assertEquals("k2", next(openEvents).key());
    assertNull(closedEvents.poll(), "a closed watch got " + closedEvents);
  }

  @Test
  void eachListenerGetsItsOwnCopyOfAValue() throws Exception {
    BlockingQueue<WatchEvent> second = new LinkedBlockingQueue<>();
    store.watch("k", event -> event.value()[0] = 'X');
    store.watch("k", second::add);
    store.put("k", bytes("abc"));

    assertEquals("abc", text(next(second).value()));
    assertEquals("abc", text(store.get("k").orElseThrow().value()));
  }

  // --- concurrency and close ---

  @Test
  void concurrentCompareAndSetIncrementsLoseNoUpdate() throws Exception {
    int threads = 4;
    int incrementsPerThread = 100;
    AtomicInteger conflicts = new AtomicInteger();
    runConcurrently(threads, thread -> {
      for (int i = 0; i < incrementsPerThread; i++) {
        while (true) {
          Optional<StoreEntry> current = store.get("counter");
          long expected = current.map(StoreEntry::revision).orElse(0L);
          int count = current.map(entry -> Integer.parseInt(text(entry.value()))).orElse(0);
          if (store.compareAndSet("counter", expected, bytes(Integer.toString(count + 1)))
              .isPresent()) {
            break;
          }
          conflicts.incrementAndGet();
        }
      }
    });

    StoreEntry counter = store.get("counter").orElseThrow();
    assertEquals(Integer.toString(threads * incrementsPerThread), text(counter.value()),
        "after " + conflicts.get() + " conflicts");
    assertEquals(counter.revision(), store.revision());
  }

  @Test
  void concurrentWritesGetDistinctRevisions() throws Exception {
    int threads = 4;
    int writesPerThread = 50;
    List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(threads, thread -> {
      for (int i = 0; i < writesPerThread; i++) {
        revisions.add(store.put("shared/" + (i % 5), bytes(thread + ":" + i)));
      }
    });

    assertEquals(threads * writesPerThread, revisions.stream().distinct().count());
    assertEquals(Collections.max(revisions), store.revision());
    long newest = store.list("shared/").stream().mapToLong(StoreEntry::revision).max().orElse(0);
    assertEquals(store.revision(), newest);
  }

  @Test
  void aClosedStoreRejectsEveryCallButClose() {
    store.put("k", bytes("v"));
    StateStore.Watch watch = store.watch("", event -> { });
    store.close();
    store.close();
    watch.close();

    assertThrows(IllegalStateException.class, () -> store.get("k"));
    assertThrows(IllegalStateException.class, () -> store.list(""));
    assertThrows(IllegalStateException.class, () -> store.put("k", bytes("v")));
    assertThrows(IllegalStateException.class, () -> store.compareAndSet("k", 1, bytes("v")));
    assertThrows(IllegalStateException.class, () -> store.delete("k"));
    assertThrows(IllegalStateException.class, () -> store.compareAndDelete("k", 1));
    assertThrows(IllegalStateException.class, () -> store.watch("", event -> { }));
    assertThrows(IllegalStateException.class, () -> store.revision());
  }

  // --- helpers for subclasses and the tests above ---

  /**
   * The UTF-8 bytes of {@code text}, for a value.
   *
   * @param text the value as text
   * @return a new array
   */
  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A value as UTF-8 text.
   *
   * @param bytes a value read from the store
   * @return the value decoded
   */
  protected static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Bytes that are the same for the same seed, for large values.
   *
   * @param count how many bytes
   * @param seed the seed of the pseudo-random sequence
   * @return a new array
   */
  protected static byte[] randomBytes(int count, long seed) {
    byte[] bytes = new byte[count];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * The keys of {@code entries}, in their order.
   *
   * @param entries entries as {@link StateStore#list} returns them
   * @return the keys
   */
  protected static List<String> keys(List<StoreEntry> entries) {
    return entries.stream().map(StoreEntry::key).toList();
  }

  /**
   * Fails unless {@code actual} is the entry of {@code key} holding {@code value} at
   * {@code revision}.
   *
   * @param key the expected key
   * @param value the expected value, as UTF-8 text
   * @param revision the expected revision
   * @param actual what the store returned
   */
  protected static void assertEntry(
      String key, String value, long revision, Optional<StoreEntry> actual) {
    assertTrue(actual.isPresent(), "no entry for " + key);
    assertEquals(key, actual.get().key());
    assertEquals(value, text(actual.get().value()), "value of " + key);
    assertEquals(revision, actual.get().revision(), "revision of " + key);
  }

  /**
   * The next event, waiting up to {@link #WAIT_SECONDS}.
   *
   * @param events the queue a watch's listener adds to
   * @return the event; the test fails when none comes in time
   * @throws InterruptedException if the test thread is interrupted
   */
  protected static WatchEvent next(BlockingQueue<WatchEvent> events) throws InterruptedException {
    WatchEvent event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (event == null) {
      fail("no watch event within " + WAIT_SECONDS + " seconds");
    }
    return event;
  }

  /**
   * Runs {@code body} on {@code threads} threads at once, numbered from 0, and waits for all.
   *
   * @param threads how many threads
   * @param body the work of each thread, given its number
   * @throws Exception what a thread threw (wrapped in an {@code ExecutionException}), or a
   *     {@code TimeoutException} when one did not finish in time
   */
  protected static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(executor.submit(() -> {
          start.await();
          body.run(thread);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(WAIT_SECONDS * 3, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS),
          "threads still running");
    }
  }

  /** The work of one thread of {@link #runConcurrently}. */
  @FunctionalInterface
  protected interface ThreadBody {
    /**
     * Does one thread's work.
     *
     * @param thread the thread's number, from 0
     * @throws Exception anything; it fails the test
     */
    void run(int thread) throws Exception;
  }

  private static void assertEvent(
      WatchEvent.Kind kind, String key, String value, long revision, WatchEvent actual) {
    assertEquals(kind, actual.kind(), "kind of " + actual);
    assertEquals(key, actual.key(), "key of " + actual);
    assertEquals(value, text(actual.value()), "value of " + actual);
    assertEquals(revision, actual.revision(), "revision of " + actual);
  }

  private static void assertRejected(String key, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    if (!key.isEmpty() && key.length() < 20 && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      assertTrue(e.getMessage().contains(key),
          "the message should name the key: " + e.getMessage());
    }
  }

  private static String shown(String key) {
    String printable = key.replace("\n", "\\n");
    return "\"" + (printable.length() > 20 ? printable.substring(0, 20) + "..." : printable) + "\"";
  }
}
