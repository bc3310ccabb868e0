package dev.paaskit.core.internal.util;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps a listener in step with the keys under a prefix: their current values first, then every
 * change, each applied only if newer than what the listener already has. Watching before listing
 * and ordering by revision means a write or delete that lands between the two is neither lost nor
 * overwritten by the older listed value.
 */
public final class StoreMirror<T> implements AutoCloseable {
  /** Hears the mirrored keys change; called one at a time, under the mirror's lock. */
  public interface Listener<T> {
    void put(String key, T value);

    void deleted(String key);
  }

  private final Function<byte[], T> parse;
  private final Listener<T> listener;
  /** Last applied revision per key, deletes included, so a late older event is recognised. */
  private final Map<String, Long> revisions = new HashMap<>();
  private List<WatchEvent> early = new ArrayList<>();
  private StateStore.Watch watch;

  private StoreMirror(Function<byte[], T> parse, Listener<T> listener) {
    this.parse = parse;
    this.listener = listener;
  }

  /** Starts mirroring {@code prefix} of {@code store} into {@code listener}. */
  public static <T> StoreMirror<T> open(StateStore store, String prefix, Function<byte[], T> parse,
      Listener<T> listener) {
    StoreMirror<T> mirror = new StoreMirror<>(parse, listener);
    mirror.watch = store.watch(prefix, mirror::onEvent);
    List<StoreEntry> entries = store.list(prefix);
    synchronized (mirror) {
      for (StoreEntry e : entries) {
        mirror.apply(new WatchEvent(WatchEvent.Kind.PUT, e.key(), e.value(), e.revision()));
      }
      List<WatchEvent> buffered = mirror.early;
      mirror.early = null;
      buffered.forEach(mirror::apply);
    }
    return mirror;
  }

  private synchronized void onEvent(WatchEvent e) {
    if (early != null) {
      early.add(e);
    } else {
      apply(e);
    }
  }

  private void apply(WatchEvent e) {
    Long known = revisions.get(e.key());
    if (known != null && e.revision() <= known) {
      return;
    }
    revisions.put(e.key(), e.revision());
    if (e.kind() == WatchEvent.Kind.DELETE) {
      listener.deleted(e.key());
    } else {
      listener.put(e.key(), parse.apply(e.value()));
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
