package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.Subscription;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription with its own serial queue on a shared executor: its handler sees one message at
 * a time, in the order they were offered, and a slow handler holds back only this queue. At most
 * one drain task per subscription is on the executor at any time; it yields the thread after a
 * batch so that one busy subscription cannot starve the others.
 */
final class SerialSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(InProcessBus.class);
  private static final int BATCH = 64;

  private final String subject;
  private final String[] tokens;
  private final Optional<String> queueGroup;
  private final MessageHandler handler;
  private final Executor executor;
  private final Consumer<SerialSubscription> onClose;
  private final Queue<Message> queue = new ConcurrentLinkedQueue<>();
  /** Messages offered and not yet done with; the offer that moves it from 0 starts a drain. */
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Runnable drain = this::drain;

  SerialSubscription(String subject, String[] tokens, Optional<String> queueGroup,
      MessageHandler handler, Executor executor, Consumer<SerialSubscription> onClose) {
    this.subject = subject;
    this.tokens = tokens;
    this.queueGroup = queueGroup;
    this.handler = handler;
    this.executor = executor;
    this.onClose = onClose;
  }

  @Override
  public String subject() {
    return subject;
  }

  String[] tokens() {
    return tokens;
  }

  Optional<String> queueGroup() {
    return queueGroup;
  }

  /** Queues {@code message} for the handler without waiting for it. */
  void offer(Message message) {
    if (closed.get()) {
      return;
    }
    queue.add(message);
    if (pending.getAndIncrement() == 0) {
      scheduleDrain();
    }
  }

  /**
   * Stops delivery: no handler call starts after this returns, except one that had already
   * passed its check on another thread. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.accept(this);
    }
  }

  private void scheduleDrain() {
    try {
      executor.execute(drain);
    } catch (RejectedExecutionException e) {
      log.error("Executor rejected delivery to {}; closing the subscription", this, e);
      close();
      queue.clear();
    }
  }

  private void drain() {
    int budget = BATCH;
    while (true) {
      Message message = queue.poll();
      Error fatal = null;
      try {
        deliver(message);
      } catch (Error e) {
        fatal = e;
      }
      boolean more = pending.decrementAndGet() > 0;
      boolean yield = fatal != null || --budget == 0 || Thread.currentThread().isInterrupted();
      if (!more || yield) {
        if (more) {
          scheduleDrain();
        }
        if (fatal != null) {
          throw fatal;
        }
        return;
      }
    }
  }

  private void deliver(Message message) {
    if (closed.get()) {
      return;
    }
    try {
      handler.onMessage(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Handler of {} was interrupted on {}", this, message, e);
    } catch (Exception e) {
      log.warn("Handler of {} failed on {}; delivery goes on", this, message, e);
    } catch (Error e) {
      log.error("Handler of {} threw an error on {}", this, message, e);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Subscription{" + subject + queueGroup.map(g -> ", queue=" + g).orElse("") + "}";
  }
}
