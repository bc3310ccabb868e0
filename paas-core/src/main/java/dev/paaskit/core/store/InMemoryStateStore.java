package dev.paaskit.core.store;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A {@link StateStore} that keeps everything in memory and forgets it when dropped: the default
 * for tests and for a cloud that need not survive its JVM.
 *
 * <p>It follows the whole contract of {@link StateStore}: revisions start at 1 and grow with
 * every write store-wide; values are copied in and out; watches get changes one at a time, in
 * revision order, on the thread of a writer. Reads never wait for a slow watch listener; writes
 * may, as the writer that finds no delivery under way delivers queued events before returning.
 *
 * <pre>{@code
 * StateStore store = new InMemoryStateStore();
 * long revision = store.put("apps/shop", spec);
 * store.compareAndSet("apps/shop", revision, updatedSpec); // empty if someone wrote in between
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class InMemoryStateStore implements StateStore {
  private final StoreEngine engine =
      new StoreEngine("in-memory state store", Journal.NONE, Map.of(), 0);

  /** An empty store at revision 0. */
  public InMemoryStateStore() {}

  @Override
  public Optional<StoreEntry> get(String key) {
    return engine.get(key);
  }

  @Override
  public List<StoreEntry> list(String prefix) {
    return engine.list(prefix);
  }

  @Override
  public long put(String key, byte[] value) {
    return engine.put(key, value);
  }

  @Override
  public OptionalLong compareAndSet(String key, long expectedRevision, byte[] value) {
    return engine.compareAndSet(key, expectedRevision, value);
  }

  @Override
  public boolean delete(String key) {
    return engine.delete(key);
  }

  @Override
  public boolean compareAndDelete(String key, long expectedRevision) {
    return engine.compareAndDelete(key, expectedRevision);
  }

  @Override
  public Watch watch(String prefix, Consumer<WatchEvent> listener) {
    return engine.watch(prefix, listener);
  }

  @Override
  public long revision() {
    return engine.revision();
  }

  @Override
  public void close() {
    engine.close();
  }
}
