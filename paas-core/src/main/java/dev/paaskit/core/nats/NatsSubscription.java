package dev.paaskit.core.nats;

import com.google.common.util.concurrent.MoreExecutors;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.Subscription;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of a {@link NatsBus}. The jnats dispatcher thread only hands each message to
 * a sequential executor over the bus's executor, so the handler runs one message at a time, in
 * the order NATS delivered them, and a slow handler holds up its own subscription alone.
 */
final class NatsSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(NatsSubscription.class);

  private final String subject;
  private final Optional<String> queueGroup;
  private final MessageHandler handler;
  private final Executor serial;
  private final Consumer<NatsSubscription> onClose;
  private volatile io.nats.client.Subscription natsSubscription;
  private final AtomicBoolean closed = new AtomicBoolean();

  NatsSubscription(String subject, Optional<String> queueGroup, MessageHandler handler,
      Executor executor, Consumer<NatsSubscription> onClose) {
    this.subject = subject;
    this.queueGroup = queueGroup;
    this.handler = handler;
    this.serial = MoreExecutors.newSequentialExecutor(executor);
    this.onClose = onClose;
  }

  @Override
  public String subject() {
    return subject;
  }

  Optional<String> queueGroup() {
    return queueGroup;
  }

  void bind(io.nats.client.Subscription natsSubscription) {
    this.natsSubscription = natsSubscription;
  }

  io.nats.client.Subscription natsSubscription() {
    return natsSubscription;
  }

  /** Called on the jnats dispatcher thread; must not block. */
  void onNatsMessage(io.nats.client.Message received) {
    if (closed.get()) {
      return;
    }
    byte[] data = received.getData();
    Message message = new Message(received.getSubject(), Optional.ofNullable(received.getReplyTo()),
        data == null ? new byte[0] : data);
    try {
      serial.execute(() -> deliver(message));
    } catch (RejectedExecutionException e) {
      log.error("Executor rejected delivery to {}; closing the subscription", this, e);
      close();
    }
  }

  /** Stops delivery: no handler call starts after this returns. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.accept(this);
    }
  }

  /** Stops delivery without unsubscribing, for a bus that is closing all at once. */
  void markClosed() {
    closed.set(true);
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
    }
  }

  @Override
  public String toString() {
    return "NatsSubscription{" + subject + queueGroup.map(g -> ", queue=" + g).orElse("") + "}";
  }
}
