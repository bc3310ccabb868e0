package dev.paaskit.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Versioned keys with compare-and-set and watches, shaped like a JetStream key-value bucket.
 *
 * <p>Keys are 1 to 255 characters of {@code [-/_=.a-zA-Z0-9]}, not starting or ending with
 * {@code .}; values at most {@link #MAX_VALUE_BYTES}. Every write gets a store-wide revision
 * greater than all before it. A write that returns has been made durable as far as the
 * implementation promises (the file store: fsynced); a restart loses nothing acknowledged.
 *
 * <p>Thread-safe. I/O failures are thrown as {@link java.io.UncheckedIOException}.
 */
public interface StateStore extends AutoCloseable {
  int MAX_VALUE_BYTES = 1 << 20;

  Optional<StoreEntry> get(String key);

  /** Entries whose key starts with {@code prefix}, sorted by key. */
  List<StoreEntry> list(String prefix);

  /** Writes unconditionally and returns the new revision. */
  long put(String key, byte[] value);

  /**
   * Writes only if the key's current revision is {@code expectedRevision}, where 0 means the key
   * must not exist. Returns the new revision, or empty when another write came first.
   */
  OptionalLong compareAndSet(String key, long expectedRevision, byte[] value);

  /** Deletes the key; returns false when it did not exist. */
  boolean delete(String key);

  /** Deletes the key only if its revision is {@code expectedRevision}. */
  boolean compareAndDelete(String key, long expectedRevision);

  /**
   * Calls {@code listener} for every change to a key starting with {@code prefix} from now on,
   * one event at a time, in revision order. Events are delivered after the write is durable,
   * possibly on the writer's thread; a listener must be quick and must not write to the store
   * from within the call.
   */
  Watch watch(String prefix, Consumer<WatchEvent> listener);

  /** The revision of the latest write, 0 for an empty store. */
  long revision();

  /** Releases files or connections. Idempotent; later calls throw IllegalStateException. */
  @Override
  void close();

  /** A registered watch; {@link #close()} stops delivery and is idempotent. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
