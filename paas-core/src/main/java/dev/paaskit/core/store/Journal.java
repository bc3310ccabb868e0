package dev.paaskit.core.store;

import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.io.IOException;
import java.util.Collection;

/**
 * Where a {@link StoreEngine} makes each change durable before it applies it. The engine calls
 * every method under its write lock, so an implementation sees one change at a time, in revision
 * order, and needs no locking of its own.
 */
interface Journal {
  /** Keeps nothing: for a store that lives only in memory. */
  Journal NONE = new Journal() {
    @Override
    public void append(WatchEvent change, StoreEntry replaced) {}

    @Override
    public void applied(Collection<StoreEntry> live, long revision) {}

    @Override
    public void close() {}
  };

  /**
   * Makes {@code change} durable, as far as this journal promises, before returning. If this
   * throws, the change is not applied and the journal decides whether it can take another.
   *
   * @param replaced the entry that {@code change} overwrites or deletes, or null if none
   */
  void append(WatchEvent change, StoreEntry replaced) throws IOException;

  /**
   * Called after a change has been applied. {@code live} holds every entry, is only valid during
   * the call and must not be modified; {@code revision} is the store's revision.
   */
  void applied(Collection<StoreEntry> live, long revision);

  /** Releases files; called once, after the last change. */
  void close() throws IOException;
}
