package dev.paaskit.api.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Subject-based publish, subscribe and request-reply, with the semantics of NATS core.
 *
 * <p>Subjects are tokens separated by {@code .}; a subscription may use {@code *} for exactly one
 * token and a final {@code >} for one or more. Delivery is at most once: a message published
 * while nobody listens is gone. Subscribers in the same queue group share the messages of a
 * subject, each message going to one of them.
 *
 * <p><b>Objects as payloads.</b> The methods taking a payload and an encoder let a bus whose
 * subscribers live in the publisher's process hand them the object itself, readable with
 * {@link Message#payload(Class)}, and skip encoding and decoding it; such a payload must be
 * immutable. A bus that sends bytes encodes it at once, which is what these methods do unless a
 * bus overrides them. Subscribers must accept either form: {@link Message#data()} always holds
 * the bytes.
 *
 * <p>Thread-safe. Handlers run on threads the bus owns or was given, never on the publisher's
 * thread for a remote bus; an in-process bus documents its own choice.
 */
public interface MessageBus extends AutoCloseable {
  /**
   * Sends {@code data} to every subscription matching {@code subject}.
   *
   * @throws IllegalArgumentException if the subject is empty or holds a wildcard
   * @throws IllegalStateException if the bus is closed
   */
  void publish(String subject, byte[] data);

  /** Sends {@code data} with a reply subject, for a responder to answer on. */
  void publish(String subject, String replyTo, byte[] data);

  /**
   * Sends {@code payload} to every subscription matching {@code subject}, as {@code encoder}'s
   * bytes or, on a bus that can, as the object itself.
   *
   * @throws IllegalArgumentException if the subject is empty or holds a wildcard
   * @throws IllegalStateException if the bus is closed
   */
  default <T> void publish(String subject, T payload, Function<? super T, byte[]> encoder) {
    publish(subject, encoder.apply(java.util.Objects.requireNonNull(payload, "payload")));
  }

  /** Subscribes {@code handler} to {@code subject}, which may hold wildcards. */
  Subscription subscribe(String subject, MessageHandler handler);

  /** As {@link #subscribe(String, MessageHandler)}, sharing messages within {@code queueGroup}. */
  Subscription subscribe(String subject, String queueGroup, MessageHandler handler);

  /**
   * Sends a request and completes with the first reply. Completes exceptionally with
   * {@link NoRespondersException} when nobody is subscribed, with
   * {@link java.util.concurrent.TimeoutException} when no reply came within {@code timeout}.
   */
  CompletableFuture<Message> request(String subject, byte[] data, Duration timeout);

  /**
   * As {@link #request(String, byte[], Duration)}, sending {@code payload} as in
   * {@link #publish(String, Object, Function)}.
   */
  default <T> CompletableFuture<Message> request(String subject, T payload,
      Function<? super T, byte[]> encoder, Duration timeout) {
    return request(subject, encoder.apply(java.util.Objects.requireNonNull(payload, "payload")),
        timeout);
  }

  /** Answers a request: publishes {@code data} to the request's reply subject. */
  default void reply(Message request, byte[] data) {
    publish(replySubject(request), data);
  }

  /** Answers a request with {@code payload}, as in {@link #publish(String, Object, Function)}. */
  default <T> void reply(Message request, T payload, Function<? super T, byte[]> encoder) {
    publish(replySubject(request), payload, encoder);
  }

  private static String replySubject(Message request) {
    return request.replyTo().orElseThrow(
        () -> new IllegalArgumentException("not a request: " + request));
  }

  /** Closes all subscriptions and fails pending requests. Idempotent. */
  @Override
  void close();
}
