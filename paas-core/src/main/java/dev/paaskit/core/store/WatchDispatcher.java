package dev.paaskit.core.store;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.WatchEvent;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a store's changes to its watches, one event at a time and in the order they were
 * queued, on the threads of the writers: whichever writer finds no delivery under way delivers
 * everything queued, including events queued by others meanwhile.
 *
 * <p>The store must {@link #register} and {@link #enqueue} under its write lock, so that events
 * are queued in revision order and a watch sees exactly the changes after its registration.
 */
final class WatchDispatcher {
  private static final Logger logger = LoggerFactory.getLogger(WatchDispatcher.class);

  private final String storeName;
  private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
  private final Queue<WatchEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  WatchDispatcher(String storeName) {
    this.storeName = storeName;
  }

  /** A watch that receives changes with a revision above {@code afterRevision}. */
  StateStore.Watch register(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
    Registration registration = new Registration(prefix, afterRevision, listener);
    registrations.add(registration);
    return registration;
  }

  void enqueue(WatchEvent change) {
    if (!registrations.isEmpty()) {
      queue.add(change);
    }
  }

  /**
   * Delivers queued events unless another thread, or this one further up its stack (a listener
   * that writes), is already delivering them.
   */
  void deliver() {
    while (!queue.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        WatchEvent event;
        while ((event = queue.poll()) != null) {
          for (Registration registration : registrations) {
            registration.offer(event);
          }
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  /** Stops every watch; events still queued are dropped. */
  void closeAll() {
    for (Registration registration : registrations) {
      registration.close();
    }
    queue.clear();
  }

  private final class Registration implements StateStore.Watch {
    private final String prefix;
    private final long afterRevision;
    private final Consumer<WatchEvent> listener;
    private volatile boolean closed;

    Registration(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
      this.prefix = prefix;
      this.afterRevision = afterRevision;
      this.listener = listener;
    }

    void offer(WatchEvent event) {
      if (closed || event.revision() <= afterRevision || !event.key().startsWith(prefix)) {
        return;
      }
      // Each listener gets its own copy, so one that scribbles on the array harms no other.
      WatchEvent copy =
          new WatchEvent(event.kind(), event.key(), event.value().clone(), event.revision());
      try {
        listener.accept(copy);
      } catch (RuntimeException e) {
        logger.warn("Watch listener on {} (prefix \"{}\") threw on {}; it keeps receiving events",
            storeName, prefix, copy, e);
      }
    }

    @Override
    public void close() {
      closed = true;
      registrations.remove(this);
    }
  }
}
