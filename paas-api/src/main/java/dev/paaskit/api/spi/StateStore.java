package dev.paaskit.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Versioned keys with compare-and-set and watches, shaped like a JetStream key-value bucket.
 *
 * <p>Keys are 1 to 255 characters of {@code [-/_=.a-zA-Z0-9]}, not starting or ending with
 * {@code .}; values at most {@link #MAX_VALUE_BYTES}, possibly empty. Every write (a delete
 * included) gets a store-wide revision greater than all before it, starting at 1; a write that
 * fails or is refused takes none and makes no watch event. A write that returns has been made
 * durable as far as the implementation promises (the file store: fsynced); a restart loses
 * nothing acknowledged. Values are copied in and out: a caller may change an array it gave or
 * got.
 *
 * <p>What an implementation must guarantee: thread-safety, with concurrent compare-and-sets of
 * one key never both winning; an invalid key, prefix or value refused with an
 * {@link IllegalArgumentException} naming it, a null argument with a
 * {@link NullPointerException}, before anything changes; after {@link #close()}, every call but
 * {@code close} refused with an {@link IllegalStateException}. I/O failures are thrown as
 * {@link java.io.UncheckedIOException}. Calls may block on the disk or the network.
 * {@code StateStoreContract} in paas-testing holds the tests every implementation must pass.
 */
public interface StateStore extends AutoCloseable {
  /** The largest value a store takes: 1 MiB. */
  int MAX_VALUE_BYTES = 1 << 20;

  /**
   * The key's value now.
   *
   * @param key a valid key
   * @return the value with the revision of the write that made it, or empty when the key does
   *     not exist
   */
  Optional<StoreEntry> get(String key);

  /**
   * Entries whose key starts with {@code prefix}, sorted by key; a snapshot of one moment.
   *
   * @param prefix the start of the keys, compared character by character (so {@code apps}
   *     also selects {@code apps-x}); empty for every key. Made of the characters of a key, at
   *     most 255
   * @return the entries, sorted by key in {@link String#compareTo} order; empty when none matches
   */
  List<StoreEntry> list(String prefix);

  /**
   * Writes unconditionally.
   *
   * @param key a valid key
   * @param value at most {@link #MAX_VALUE_BYTES}; copied
   * @return the new revision, which the entry now carries
   */
  long put(String key, byte[] value);

  /**
   * Writes only if the key's current revision is {@code expectedRevision}, where 0 means the key
   * must not exist. A deleted key counts as not existing.
   *
   * @param key a valid key
   * @param expectedRevision the revision of the key's entry as last read, or 0; not negative.
   *     The store's {@link #revision()} is not the key's
   * @param value at most {@link #MAX_VALUE_BYTES}; copied
   * @return the new revision, or empty when another write came first (nothing changed then)
   * @throws IllegalArgumentException also if {@code expectedRevision} is negative
   */
  OptionalLong compareAndSet(String key, long expectedRevision, byte[] value);

  /**
   * Deletes the key; a delete takes a revision, a delete of nothing does not.
   *
   * @param key a valid key
   * @return true when the key existed, false when it did not
   */
  boolean delete(String key);

  /**
   * Deletes the key only if its revision is {@code expectedRevision}.
   *
   * @param key a valid key
   * @param expectedRevision the revision of the key's entry as last read; not negative
   * @return true when the key was deleted; false when its revision differs or it does not exist
   * @throws IllegalArgumentException also if {@code expectedRevision} is negative
   */
  boolean compareAndDelete(String key, long expectedRevision);

  /**
   * Calls {@code listener} for every change to a key starting with {@code prefix} from now on,
   * one event at a time, in revision order. Events are delivered after the write is durable,
   * possibly on the writer's thread; a listener must be quick and must not write to the store
   * from within the call. Each listener gets its own copy of each value.
   *
   * @param prefix the start of the keys to watch, as {@link #list} takes it; empty for all
   * @param listener called with each change; what it throws is the implementation's to log
   * @return the watch, whose {@code close()} stops delivery
   */
  Watch watch(String prefix, Consumer<WatchEvent> listener);

  /**
   * The revision of the latest write, of any key.
   *
   * @return the revision, deletes included; 0 for a store never written
   */
  long revision();

  /** Releases files or connections. Idempotent; later calls throw IllegalStateException. */
  @Override
  void close();

  /** A registered watch; {@link #close()} stops delivery and is idempotent. */
  interface Watch extends AutoCloseable {
    /**
     * Stops delivery: no event reaches the listener once this returns, except from a call
     * already under way. Harmless after the store was closed. Idempotent.
     */
    @Override
    void close();
  }
}
