package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link BlobStore}, as tests that every implementation must pass. Extend it
 * with a factory of fresh, empty stores, and override {@link #assertNothingLeftBehind()} to
 * check what only the implementation can see, such as temporary files:
 *
 * <pre>{@code
 * class MyBlobStoreContractTest extends BlobStoreContract {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected BlobStore newStore() throws IOException {
 *     return MyBlobStore.open(dir);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets its own store from {@link #newStore()}; a blob store has no {@code close},
 * so a subclass releases what its stores hold in its own {@code @AfterEach}.
 *
 * <p>What the tests check:
 * <ul>
 *   <li>Puts: a put returns the sha256 and size of the content (the empty blob included); a
 *       stored blob of 300 KB can be stated and read back, twice; 5 MiB arriving 7,919 bytes
 *       per read is stored whole; a file's content is stored by {@code put(Path)}.
 *   <li>Addresses: the same bytes put twice are stored once and removed by one delete; a
 *       deleted blob can be stored again; an unknown sha256 is not there to open, state or
 *       delete; a null, short, long, upper-case or path-like address is refused by
 *       {@code open}, {@code stat} and {@code delete} with {@link IllegalArgumentException}.
 *   <li>Failures: a put whose stream fails throws an {@link IOException} caused by the stream's
 *       failure, leaves nothing behind ({@link #assertNothingLeftBehind()}), and the store still
 *       works.
 *   <li>Concurrency: six concurrent puts of the same 1 MiB all succeed alike; four threads'
 *       puts of different content are all kept.
 * </ul>
 */
@Timeout(60)
public abstract class BlobStoreContract {
  /** How long a test waits for its threads before it fails. */
  protected static final long WAIT_SECONDS = 20;

  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String HELLO_SHA256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  /** The store under test, fresh for each test. */
  protected BlobStore store;

  /**
   * A new, empty store. Called once before each test.
   *
   * @return the store under test
   * @throws Exception when the store cannot be made; the test then fails
   */
  protected abstract BlobStore newStore() throws Exception;

  /**
   * Fails if the store keeps any trace of a put that failed, beyond what the SPI shows (which the
   * tests check themselves). By default checks nothing more.
   *
   * @throws Exception a failure (such as an {@link AssertionError}) naming what was left
   */
  protected void assertNothingLeftBehind() throws Exception {}

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    assertNotNull(store, "newStore() returned null");
  }

  @Test
  void putReturnsTheSha256AndSizeOfTheContent() throws Exception {
    assertEquals(new BlobInfo(HELLO_SHA256, 5), put(bytes("hello")));
    assertEquals(new BlobInfo(EMPTY_SHA256, 0), put(new byte[0]));
  }

  @Test
  void aStoredBlobCanBeStatedAndReadBack() throws Exception {
    byte[] content = randomBytes(300_000, 1);
    BlobInfo info = put(content);

    assertEquals(sha256(content), info.sha256());
    assertEquals(content.length, info.sizeBytes());
    assertEquals(Optional.of(info), store.stat(info.sha256()));
    assertArrayEquals(content, read(info.sha256()));
    assertArrayEquals(content, read(info.sha256()), "a blob can be read more than once");
  }

  @Test
  void anEmptyBlobIsABlobToo() throws Exception {
    BlobInfo info = put(new byte[0]);
    assertEquals(Optional.of(info), store.stat(EMPTY_SHA256));
    assertArrayEquals(new byte[0], read(EMPTY_SHA256));
  }

  @Test
  void aLargeBlobArrivingInSmallReadsIsStoredWhole() throws Exception {
    byte[] content = randomBytes(5 << 20, 2);
    BlobInfo info = store.put(new TrickleInputStream(content, 7919));

    assertEquals(new BlobInfo(sha256(content), content.length), info);
    assertArrayEquals(content, read(info.sha256()));
  }

  @Test
  void storingTheSameBytesTwiceStoresThemOnce() throws Exception {
    byte[] content = bytes("same bytes");
    BlobInfo first = put(content);
    BlobInfo second = put(content);

    assertEquals(first, second);
    assertTrue(store.delete(first.sha256()));
    assertEquals(Optional.empty(), store.stat(first.sha256()), "one delete removes the blob");
    assertFalse(store.delete(first.sha256()));
  }

  @Test
  void aDeletedBlobCanBeStoredAgain() throws Exception {
    BlobInfo info = put(bytes("again"));
    assertTrue(store.delete(info.sha256()));
    assertEquals(Optional.empty(), store.open(info.sha256()));

    assertEquals(info, put(bytes("again")));
    assertArrayEquals(bytes("again"), read(info.sha256()));
  }

  @Test
  void putOfAFileStoresItsContent(@TempDir Path dir) throws Exception {
    byte[] content = randomBytes(70_000, 3);
    Path file = Files.write(dir.resolve("droplet.tgz"), content);

    BlobInfo info = store.put(file);
    assertEquals(new BlobInfo(sha256(content), content.length), info);
    assertArrayEquals(content, read(info.sha256()));
  }

  @Test
  void anUnknownSha256IsNotThere() throws Exception {
    put(bytes("something else"));
    String unknown = sha256(bytes("never stored"));

    assertEquals(Optional.empty(), store.open(unknown));
    assertEquals(Optional.empty(), store.stat(unknown));
    assertFalse(store.delete(unknown));
  }

  @TestFactory
  Stream<DynamicTest> anArgumentThatIsNoSha256IsRejected() {
    return Stream.of(null, "", "abc", HELLO_SHA256.toUpperCase(), HELLO_SHA256.substring(1),
            HELLO_SHA256 + "0", "g".repeat(64), "../" + HELLO_SHA256.substring(3),
            HELLO_SHA256.substring(0, 2) + "/" + HELLO_SHA256.substring(3))
        .map(sha -> DynamicTest.dynamicTest(sha == null ? "null" : "\"" + sha + "\"", () -> {
          assertThrows(IllegalArgumentException.class, () -> store.open(sha));
          assertThrows(IllegalArgumentException.class, () -> store.stat(sha));
          assertThrows(IllegalArgumentException.class, () -> store.delete(sha));
        }));
  }

  @Test
  void aPutWhoseStreamFailsThrowsAndLeavesNothing() throws Exception {
    byte[] prefix = randomBytes(200_000, 4);
    IOException failure = new IOException("the upload was cut off");
    InputStream failing = new InputStream() {
      private final InputStream delivered = new ByteArrayInputStream(prefix);

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = delivered.read(buffer, offset, length);
        if (n < 0) {
          throw failure;
        }
        return n;
      }
    };

    IOException thrown = assertThrows(IOException.class, () -> store.put(failing));
    assertTrue(causes(thrown).contains(failure), "the stream's failure should be the cause");
    assertEquals(Optional.empty(), store.stat(sha256(prefix)));
    assertNothingLeftBehind();

    BlobInfo info = put(prefix);
    assertArrayEquals(prefix, read(info.sha256()), "the store still works after a failed put");
  }

  @Test
  void concurrentPutsOfTheSameContentAllSucceedAlike() throws Exception {
    byte[] content = randomBytes(1 << 20, 5);
    List<BlobInfo> infos = runConcurrently(6, thread -> put(content));

    assertEquals(Set.of(new BlobInfo(sha256(content), content.length)), Set.copyOf(infos));
    assertArrayEquals(content, read(sha256(content)));
    assertNothingLeftBehind();
  }

  @Test
  void concurrentPutsOfDifferentContentAreAllKept() throws Exception {
    List<BlobInfo> infos = runConcurrently(4, thread -> {
      BlobInfo last = null;
      for (int i = 0; i < 10; i++) {
        last = put(bytes("blob " + thread + "/" + i));
      }
      return last;
    });

    assertEquals(4, infos.size());
    for (int thread = 0; thread < 4; thread++) {
      for (int i = 0; i < 10; i++) {
        byte[] content = bytes("blob " + thread + "/" + i);
        assertArrayEquals(content, read(sha256(content)));
      }
    }
    assertNothingLeftBehind();
  }

  // --- helpers for subclasses and the tests above ---

  /**
   * Puts {@code content} into the store under test.
   *
   * @param content the blob's bytes
   * @return what the store returned
   * @throws IOException what the store threw
   */
  protected BlobInfo put(byte[] content) throws IOException {
    return store.put(new ByteArrayInputStream(content));
  }

  /**
   * The whole stored blob, read and closed; fails the test if there is none.
   *
   * @param sha256 the blob's address
   * @return its bytes
   * @throws IOException what the store or its stream threw
   */
  protected byte[] read(String sha256) throws IOException {
    Optional<InputStream> opened = store.open(sha256);
    assertTrue(opened.isPresent(), "no blob " + sha256);
    try (InputStream in = opened.get()) {
      return in.readAllBytes();
    }
  }

  /**
   * The UTF-8 bytes of {@code text}, for small blobs.
   *
   * @param text the content as text
   * @return a new array
   */
  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Bytes that are the same for the same seed, for large blobs.
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
   * The address {@code content} must be stored under.
   *
   * @param content the bytes
   * @return their SHA-256 as 64 lower-case hex digits
   */
  protected static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code body} on {@code threads} threads at once and returns their results in order.
   *
   * @param <T> what each thread returns
   * @param threads how many threads
   * @param body the work of each thread, given its number from 0
   * @return what each thread returned, in thread order
   * @throws Exception what a thread threw (wrapped in an {@code ExecutionException}), or a
   *     {@code TimeoutException} when one did not finish in time
   */
  protected static <T> List<T> runConcurrently(int threads, ThreadBody<T> body) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(executor.submit(() -> {
          start.await();
          return body.run(thread);
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS),
          "threads still running");
    }
  }

  /** The work of one thread of {@link #runConcurrently}. */
  @FunctionalInterface
  protected interface ThreadBody<T> {
    /**
     * Does one thread's work.
     *
     * @param thread the thread's number, from 0
     * @return the thread's result
     * @throws Exception anything; it fails the test
     */
    T run(int thread) throws Exception;
  }

  private static Set<Throwable> causes(Throwable thrown) {
    return Stream.iterate(thrown, t -> t != null, Throwable::getCause).collect(Collectors.toSet());
  }

  /** Hands out at most {@code chunk} bytes per read, as a slow network would. */
  private static final class TrickleInputStream extends InputStream {
    private final ByteArrayInputStream content;
    private final int chunk;

    TrickleInputStream(byte[] content, int chunk) {
      this.content = new ByteArrayInputStream(content);
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return content.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      return content.read(buffer, offset, Math.min(length, chunk));
    }
  }
}
