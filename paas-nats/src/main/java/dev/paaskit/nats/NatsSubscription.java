package dev.paaskit.nats;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.Subscription;
import io.nats.client.Dispatcher;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of a {@link NatsBus}, with a jnats dispatcher of its own: its handler runs on
 * that dispatcher's thread, one message at a time in the order NATS delivered them, so a slow
 * handler holds up its own subscription alone and no message changes threads on its way in.
 */
final class NatsSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(NatsSubscription.class);

  private final String subject;
  private final Optional<String> queueGroup;
  private final MessageHandler handler;
  private final Consumer<NatsSubscription> onClose;
  /** Takes the bus's subject prefix off a subject received. */
  private final UnaryOperator<String> local;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Dispatcher dispatcher;

  NatsSubscription(String subject, Optional<String> queueGroup, MessageHandler handler,
      Consumer<NatsSubscription> onClose, UnaryOperator<String> local) {
    this.subject = subject;
    this.queueGroup = queueGroup;
    this.handler = handler;
    this.onClose = onClose;
    this.local = local;
  }

  @Override
  public String subject() {
    return subject;
  }

  void bind(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Runs the handler; called on this subscription's dispatcher thread. */
  void onNatsMessage(io.nats.client.Message received) {
    if (closed.get()) {
      return;
    }
    byte[] data = received.getData();
    Message message = new Message(local.apply(received.getSubject()),
        Optional.ofNullable(local.apply(received.getReplyTo())), data == null ? new byte[0] : data);
    try {
      handler.onMessage(message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Handler of {} was interrupted on {}", this, message, e);
    } catch (Exception e) {
      log.warn("Handler of {} failed on {}; delivery goes on", this, message, e);
    }
  }

  /** Stops delivery: no handler call starts after this returns. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.accept(this);
    }
  }

  /** Stops delivery without telling the bus, for a bus that is closing them all. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return "NatsSubscription{" + subject + queueGroup.map(g -> ", queue=" + g).orElse("") + "}";
  }
}
