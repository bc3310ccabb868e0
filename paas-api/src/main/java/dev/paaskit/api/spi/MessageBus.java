package dev.paaskit.api.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Subject-based publish, subscribe and request-reply, with the semantics of NATS core.
 *
 * <p>Subjects are tokens separated by {@code .}, none empty, without whitespace or control
 * characters; a subscription may use {@code *} for exactly one token and a final {@code >} for
 * one or more. {@code *} and {@code >} are allowed only as whole tokens, and only in
 * subscriptions: {@code a.b*} is refused, not read as a literal. Delivery is at most once: a
 * message published while nobody listens is gone. Subscribers in the same queue group share the
 * messages of a subject, each message going to one of them; every plain subscription that
 * matches gets each message once. Messages of one publisher reach a subscription in the order
 * published.
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
   * Sends {@code data} to every subscription matching {@code subject}, without waiting for any
   * handler. The publisher may reuse the array as soon as this returns.
   *
   * @param subject a concrete subject, such as {@code paaskit.node.n1.start}
   * @param data the payload; not null, possibly empty
   * @throws IllegalArgumentException if the subject is empty, malformed or holds a wildcard; the
   *     message names it
   * @throws IllegalStateException if the bus is closed
   */
  void publish(String subject, byte[] data);

  /**
   * Sends {@code data} with a reply subject, for a responder to answer on with
   * {@link #reply(Message, byte[])}.
   *
   * @param subject a concrete subject
   * @param replyTo a concrete subject the answer goes to
   * @param data the payload; not null
   * @throws IllegalArgumentException if either subject is empty, malformed or holds a wildcard
   * @throws IllegalStateException if the bus is closed
   */
  void publish(String subject, String replyTo, byte[] data);

  /**
   * Sends {@code payload} to every subscription matching {@code subject}, as {@code encoder}'s
   * bytes or, on a bus that can, as the object itself.
   *
   * @param <T> the payload's type
   * @param subject a concrete subject
   * @param payload the object, immutable; not null
   * @param encoder makes its bytes, the same each time
   * @throws IllegalArgumentException if the subject is empty or holds a wildcard
   * @throws IllegalStateException if the bus is closed
   * @throws NullPointerException if {@code payload} is null
   */
  default <T> void publish(String subject, T payload, Function<? super T, byte[]> encoder) {
    publish(subject, encoder.apply(java.util.Objects.requireNonNull(payload, "payload")));
  }

  /**
   * Subscribes {@code handler} to {@code subject}, which may hold wildcards, from now on: what
   * was published before is not delivered. Subscribing one handler twice delivers each message
   * to it twice.
   *
   * @param subject a subject, possibly with wildcards
   * @param handler called with each matching message, one at a time
   * @return the subscription, whose {@code close()} ends it
   * @throws IllegalArgumentException if the subject is empty or malformed; the message names it
   * @throws IllegalStateException if the bus is closed
   */
  Subscription subscribe(String subject, MessageHandler handler);

  /**
   * As {@link #subscribe(String, MessageHandler)}, sharing messages within {@code queueGroup}:
   * each message goes to one member of the group.
   *
   * @param subject a subject, possibly with wildcards
   * @param queueGroup the group's name: not empty, without whitespace or control characters
   * @param handler called with this member's share of the messages, one at a time
   * @return the subscription; closing it leaves the group to its other members
   * @throws IllegalArgumentException if the subject or the group name is empty or malformed
   * @throws IllegalStateException if the bus is closed
   */
  Subscription subscribe(String subject, String queueGroup, MessageHandler handler);

  /**
   * Sends a request and completes with the first reply. Completes exceptionally with
   * {@link NoRespondersException} when nobody is subscribed, with
   * {@link java.util.concurrent.TimeoutException} when no reply came within {@code timeout}, and
   * with another exception when the bus closes first. Later replies are dropped. Each request
   * has its own reply subject. The future completes on a thread of the bus (or of its clock);
   * add heavy stages with an executor.
   *
   * @param subject a concrete subject
   * @param data the request's payload; not null
   * @param timeout how long to wait for a reply, by the bus's clock; positive
   * @return completes with the reply, whose subject is the request's reply subject
   * @throws IllegalArgumentException if the subject is malformed or the timeout not positive
   * @throws IllegalStateException if the bus is closed
   */
  CompletableFuture<Message> request(String subject, byte[] data, Duration timeout);

  /**
   * As {@link #request(String, byte[], Duration)}, sending {@code payload} as in
   * {@link #publish(String, Object, Function)}.
   *
   * @param <T> the payload's type
   * @param subject a concrete subject
   * @param payload the object, immutable; not null
   * @param encoder makes its bytes, the same each time
   * @param timeout how long to wait for a reply; positive
   * @return completes with the reply, as {@link #request(String, byte[], Duration)} does
   * @throws NullPointerException if {@code payload} is null
   */
  default <T> CompletableFuture<Message> request(String subject, T payload,
      Function<? super T, byte[]> encoder, Duration timeout) {
    return request(subject, encoder.apply(java.util.Objects.requireNonNull(payload, "payload")),
        timeout);
  }

  /**
   * Answers a request: publishes {@code data} to the request's reply subject.
   *
   * @param request a message received with a reply subject
   * @param data the answer's payload; not null
   * @throws IllegalArgumentException if {@code request} has no reply subject
   * @throws IllegalStateException if the bus is closed
   */
  default void reply(Message request, byte[] data) {
    publish(replySubject(request), data);
  }

  /**
   * Answers a request with {@code payload}, as in {@link #publish(String, Object, Function)}.
   *
   * @param <T> the payload's type
   * @param request a message received with a reply subject
   * @param payload the answer, immutable; not null
   * @param encoder makes its bytes, the same each time
   * @throws IllegalArgumentException if {@code request} has no reply subject
   * @throws IllegalStateException if the bus is closed
   */
  default <T> void reply(Message request, T payload, Function<? super T, byte[]> encoder) {
    publish(replySubject(request), payload, encoder);
  }

  private static String replySubject(Message request) {
    return request.replyTo().orElseThrow(
        () -> new IllegalArgumentException("not a request: " + request));
  }

  /**
   * Closes all subscriptions and fails pending requests (not with a timeout). Idempotent; every
   * later call but {@code close} throws {@link IllegalStateException}. A bus given a connection,
   * executor or clock by its host closes none of them.
   */
  @Override
  void close();
}
