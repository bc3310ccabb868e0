package dev.paaskit.testing;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Subscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One node's view of a shared bus that a test can cut: while cut, what the node publishes is lost
 * and nothing reaches its subscriptions, as when its network link is down. Closing it closes
 * nothing of the shared bus, not even the subscriptions made through it. Give one to each role
 * whose link a test or benchmark cuts.
 *
 * <p>Unlike a real link, a request made while cut fails at once with a
 * {@link java.util.concurrent.TimeoutException}, without waiting for its timeout; and a request
 * made before the cut still gets its reply, whose inbox is the shared bus's own. Subscriptions
 * are made on the shared bus even while cut, and hear messages again once healed. Thread-safe.
 */
public final class PartitionableBus implements MessageBus {
  private final MessageBus bus;
  private volatile boolean cut;

  PartitionableBus(MessageBus bus) {
    this.bus = bus;
  }

  /**
   * A view of {@code bus} that starts connected.
   *
   * @param bus the shared bus; not closed by the view
   * @return a new view
   * @throws NullPointerException if {@code bus} is null
   */
  public static PartitionableBus over(MessageBus bus) {
    return new PartitionableBus(java.util.Objects.requireNonNull(bus, "bus"));
  }

  /** Drops everything in both directions from now on. */
  public void cut() {
    cut = true;
  }

  /** Lets messages through again; what was dropped meanwhile stays lost. */
  public void heal() {
    cut = false;
  }

  /**
   * Whether the view is cut now.
   *
   * @return true between {@link #cut()} and {@link #heal()}
   */
  public boolean isCut() {
    return cut;
  }

  @Override
  public void publish(String subject, byte[] data) {
    if (!cut) {
      bus.publish(subject, data);
    }
  }

  @Override
  public void publish(String subject, String replyTo, byte[] data) {
    if (!cut) {
      bus.publish(subject, replyTo, data);
    }
  }

  @Override
  public <T> void publish(String subject, T payload, Function<? super T, byte[]> encoder) {
    if (!cut) {
      bus.publish(subject, payload, encoder);
    }
  }

  @Override
  public Subscription subscribe(String subject, dev.paaskit.api.spi.MessageHandler handler) {
    return bus.subscribe(subject, m -> {
      if (!cut) {
        handler.onMessage(m);
      }
    });
  }

  @Override
  public Subscription subscribe(String subject, String queueGroup,
      dev.paaskit.api.spi.MessageHandler handler) {
    return bus.subscribe(subject, queueGroup, m -> {
      if (!cut) {
        handler.onMessage(m);
      }
    });
  }

  @Override
  public CompletableFuture<Message> request(String subject, byte[] data, Duration timeout) {
    if (cut) {
      return CompletableFuture.failedFuture(new TimeoutException(
          "request on " + subject + " from a partitioned node"));
    }
    return bus.request(subject, data, timeout);
  }

  @Override
  public <T> CompletableFuture<Message> request(String subject, T payload,
      Function<? super T, byte[]> encoder, Duration timeout) {
    if (cut) {
      return CompletableFuture.failedFuture(new TimeoutException(
          "request on " + subject + " from a partitioned node"));
    }
    return bus.request(subject, payload, encoder, timeout);
  }

  @Override
  public void close() {}
}
