package dev.paaskit.core.store;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.core.internal.store.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The whole {@link StateStore} contract over a sorted in-memory index, with a {@link Journal}
 * that makes each change durable before the index shows it. The public stores delegate here.
 *
 * <p>Writers take turns on one write lock, which they hold while the journal works (for the file
 * store: while it writes and fsyncs). Readers take the index's read lock, which writers hold only
 * to apply an already durable change, so reads wait for memory updates only, never for disk, and
 * every read sees the store as of one revision.
 */
final class StoreEngine implements StateStore {
  private static final long ANY_REVISION = -1;

  private final String name;
  private final Journal journal;
  private final WatchDispatcher dispatcher;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReadWriteLock indexLock = new ReentrantReadWriteLock();
  /** Guarded by indexLock; changed only by holders of writeLock, who may read it without. */
  private final NavigableMap<String, StoreEntry> entries;
  /** Guarded like entries. */
  private long revision;
  private volatile boolean closed;

  /**
   * @param name how messages name this store
   * @param entries the entries to start with, by key; the engine owns their arrays from now on
   * @param revision the revision to start from, at least that of every entry
   */
  StoreEngine(String name, Journal journal, Map<String, StoreEntry> entries, long revision) {
    this.name = name;
    this.journal = journal;
    this.dispatcher = new WatchDispatcher(name);
    this.entries = new TreeMap<>(entries);
    this.revision = revision;
  }

  @Override
  public Optional<StoreEntry> get(String key) {
    Keys.checkKey(key);
    indexLock.readLock().lock();
    try {
      checkOpen();
      return Optional.ofNullable(entries.get(key)).map(StoreEngine::copy);
    } finally {
      indexLock.readLock().unlock();
    }
  }

  @Override
  public List<StoreEntry> list(String prefix) {
    Keys.checkPrefix(prefix);
    indexLock.readLock().lock();
    try {
      checkOpen();
      List<StoreEntry> result = new ArrayList<>();
      for (StoreEntry entry : entries.tailMap(prefix, true).values()) {
        if (!entry.key().startsWith(prefix)) {
          break;
        }
        result.add(copy(entry));
      }
      return result;
    } finally {
      indexLock.readLock().unlock();
    }
  }

  @Override
  public long put(String key, byte[] value) {
    Keys.checkKey(key);
    return write(key, ANY_REVISION, Keys.checkValue(value).clone()).getAsLong();
  }

  @Override
  public OptionalLong compareAndSet(String key, long expectedRevision, byte[] value) {
    Keys.checkKey(key);
    checkExpected(expectedRevision);
    return write(key, expectedRevision, Keys.checkValue(value).clone());
  }

  @Override
  public boolean delete(String key) {
    Keys.checkKey(key);
    return write(key, ANY_REVISION, null).isPresent();
  }

  @Override
  public boolean compareAndDelete(String key, long expectedRevision) {
    Keys.checkKey(key);
    checkExpected(expectedRevision);
    return write(key, expectedRevision, null).isPresent();
  }

  @Override
  public Watch watch(String prefix, Consumer<WatchEvent> listener) {
    Keys.checkPrefix(prefix);
    Objects.requireNonNull(listener, "listener");
    writeLock.lock();
    try {
      checkOpen();
      return dispatcher.register(prefix, revision, listener);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long revision() {
    indexLock.readLock().lock();
    try {
      checkOpen();
      return revision;
    } finally {
      indexLock.readLock().unlock();
    }
  }

  /** Closes the journal once no write is under way. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      dispatcher.closeAll();
      journal.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close " + name, e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Applies a put ({@code value} not null) or a delete, if the key's revision is
   * {@code expectedRevision} (or that is {@link #ANY_REVISION}) and, for a delete, the key exists.
   */
  private OptionalLong write(String key, long expectedRevision, byte[] value) {
    writeLock.lock();
    try {
      checkOpen();
      StoreEntry current = entries.get(key);
      long currentRevision = current == null ? 0 : current.revision();
      if (expectedRevision != ANY_REVISION && expectedRevision != currentRevision) {
        return OptionalLong.empty();
      }
      if (value == null && current == null) {
        return OptionalLong.empty();
      }
      long next = revision + 1;
      WatchEvent change = value == null
          ? new WatchEvent(WatchEvent.Kind.DELETE, key, null, next)
          : new WatchEvent(WatchEvent.Kind.PUT, key, value, next);
      try {
        journal.append(change, current);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not write " + change.kind() + " of \"" + key + "\" to " + name, e);
      }
      indexLock.writeLock().lock();
      try {
        if (value == null) {
          entries.remove(key);
        } else {
          entries.put(key, new StoreEntry(key, value, next));
        }
        revision = next;
      } finally {
        indexLock.writeLock().unlock();
      }
      dispatcher.enqueue(change);
      journal.applied(entries.values(), next);
      return OptionalLong.of(next);
    } finally {
      writeLock.unlock();
      dispatcher.deliver();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  private static void checkExpected(long expectedRevision) {
    if (expectedRevision < 0) {
      throw new IllegalArgumentException(
          "expectedRevision must be 0 (must not exist) or a revision, not " + expectedRevision);
    }
  }

  private static StoreEntry copy(StoreEntry entry) {
    return new StoreEntry(entry.key(), entry.value().clone(), entry.revision());
  }

  @Override
  public String toString() {
    return name;
  }
}
