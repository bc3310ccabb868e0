package dev.paaskit.nats;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.bus.Subjects;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MessageBus} on NATS core, through jnats: subjects, wildcards, queue groups and
 * at-most-once delivery are those of the NATS server; the subjects PaaSKit uses are listed in
 * {@link dev.paaskit.core.internal.protocol.Subjects} and in {@code docs/nats.md}.
 *
 * <p><b>Threading.</b> {@code publish} hands the message to the connection and returns without
 * waiting for any subscriber. Each subscription has a jnats dispatcher of its own, so its handler
 * runs on that dispatcher's thread (taken from the connection's executor, see
 * {@link io.nats.client.Options.Builder#executor}), one message at a time and in the order NATS
 * delivered them: handlers never run on the publisher's thread, a slow handler delays only its
 * own subscription, and a message reaches its handler without changing threads. The price is a
 * thread per live subscription. A handler exception is logged and delivery goes on.
 *
 * <p><b>Request-reply.</b> Replies come to one inbox subscription per bus,
 * {@code _INBOX.<unique>.*}, read by a second dispatcher thread. A request fails with
 * {@link NoRespondersException} when the server answers it with status 503 (nobody subscribed;
 * the connection must keep jnats' default of announcing no-responders support), with
 * {@link TimeoutException} when the injected clock's timer fires first, and with
 * {@link IllegalStateException} when the bus closes first. The future completes on the reply
 * dispatcher thread (reply, no responders) or the clock's timer thread (timeout); chain heavy work
 * with the {@code *Async} methods.
 *
 * <p><b>Outages.</b> While the connection is down jnats reconnects by itself and restores every
 * subscription on its return. Messages published meanwhile wait in jnats' reconnect buffer, whose
 * size in bytes is {@link NatsSettings#reconnectBufferBytes()}; they are sent on reconnect. When
 * the buffer is full, or the connection was closed under the bus, {@code publish} throws
 * {@link PublishRefusedException} at once and the message is not sent; a request fails with it.
 * While connected, a publish waits at most jnats' offer timeout (a fraction of a second) for room
 * in the outgoing queue, then is refused the same way; nothing waits for the server to return.
 * Which commands are safe to receive late, after a reconnect, is in {@code docs/nats.md}.
 *
 * <p><b>Payloads.</b> {@code publish} copies the payload, so the caller may reuse its array.
 *
 * <p><b>Several clouds on one server.</b> A bus made with a subject prefix
 * ({@link #create(Connection, Clock, String)}) puts the prefix and a dot before every subject it
 * publishes, requests or subscribes to, and takes it off the subjects of the messages it
 * delivers, so the roles of a cloud see the subjects they use, and two clouds whose buses have
 * different prefixes never hear each other on one NATS server. Reply subjects under the
 * connection's inbox prefix ({@code _INBOX.} by default) are left as they are: they are unique
 * to their requester already. Give each cloud its own JetStream buckets too.
 *
 * <p>The bus does not own the clock. It owns its connection only when made by
 * {@link #connect}; then {@link #close()} closes the connection too.
 *
 * <pre>{@code
 * Connection connection = settings.connect();
 * MessageBus bus = NatsBus.create(connection, clock);
 * bus.subscribe("paaskit.node.*.start", "nodes", msg -> bus.reply(msg, ack));
 * }</pre>
 */
public final class NatsBus implements MessageBus {
  private static final Logger log = LoggerFactory.getLogger(NatsBus.class);
  private static final int NO_RESPONDERS = 503;

  private final Connection connection;
  private final boolean ownsConnection;
  /** The prefix and its dot, or empty for none. */
  private final String prefix;
  /** Subjects starting with this are inboxes, never prefixed. */
  private final String natsInboxPrefix;
  private final Clock clock;
  private final Dispatcher replies;
  private final String inboxPrefix;
  private final AtomicLong requestIds = new AtomicLong();
  private final Map<String, PendingReply> pending = new ConcurrentHashMap<>();
  private final Set<NatsSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  private NatsBus(Connection connection, boolean ownsConnection, Clock clock, String prefix) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.ownsConnection = ownsConnection;
    this.prefix = prefix.isEmpty() ? "" : checkPrefix(prefix) + ".";
    this.natsInboxPrefix = connection.getOptions().getInboxPrefix();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.replies = connection.createDispatcher(this::onReply);
    this.inboxPrefix = connection.createInbox() + ".";
    replies.subscribe(inboxPrefix + "*");
  }

  /**
   * A bus on {@code connection}, which the caller keeps and closes after the bus; several buses
   * and stores may share one connection.
   *
   * @param connection an open connection; the bus subscribes its reply inbox on it at once
   * @param clock times requests out; not closed by the bus
   * @return an open bus without a subject prefix
   * @throws NullPointerException if an argument is null
   */
  public static NatsBus create(Connection connection, Clock clock) {
    return new NatsBus(connection, false, clock, "");
  }

  /**
   * As {@link #create(Connection, Clock)}, for one of several clouds sharing a NATS server: every
   * subject the bus sends on or listens to is {@code subjectPrefix + "." + subject}.
   *
   * @param connection an open connection, kept by the caller as in
   *     {@link #create(Connection, Clock)}
   * @param clock times requests out; not closed by the bus
   * @param subjectPrefix one or more subject tokens without wildcards, such as {@code acme} or
   *     {@code acme.prod}; not empty
   * @return an open bus that prefixes its subjects
   * @throws IllegalArgumentException if {@code subjectPrefix} is empty or not such a subject
   * @throws NullPointerException if an argument is null
   */
  public static NatsBus create(Connection connection, Clock clock, String subjectPrefix) {
    Objects.requireNonNull(subjectPrefix, "subjectPrefix");
    if (subjectPrefix.isEmpty()) {
      throw new IllegalArgumentException("subjectPrefix is empty; use create(connection, clock)"
          + " for a bus without one");
    }
    return new NatsBus(connection, false, clock, subjectPrefix);
  }

  /**
   * The prefix this bus puts before its subjects.
   *
   * @return the prefix without its trailing dot, such as {@code acme.prod}; empty for none
   */
  public String subjectPrefix() {
    return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
  }

  /**
   * Connects with {@code settings} and returns a bus that owns the connection and closes it.
   * Blocks the caller while connecting, as {@link NatsSettings#connect()} does.
   *
   * @param settings where and how to connect
   * @param clock times requests out; not closed by the bus
   * @return an open bus without a subject prefix
   * @throws IOException if no server of {@code settings} could be reached or authentication
   *     failed; the message names the servers, never a credential
   */
  public static NatsBus connect(NatsSettings settings, Clock clock) throws IOException {
    Connection connection = settings.connect();
    try {
      return new NatsBus(connection, true, clock, "");
    } catch (RuntimeException e) {
      NatsSettings.closeQuietly(connection);
      throw e;
    }
  }

  /**
   * The connection this bus publishes on, for instance to open JetStream stores on it.
   *
   * @return the connection; closing it makes later publishes fail with
   *     {@link PublishRefusedException}
   */
  public Connection connection() {
    return connection;
  }

  /**
   * {@inheritDoc}
   *
   * @throws PublishRefusedException if the message could not be handed to NATS
   */
  @Override
  public void publish(String subject, byte[] data) {
    Subjects.checkPublish(subject);
    Objects.requireNonNull(data, "data");
    ensureOpen("publish to " + subject);
    send(wire(subject), null, data.clone());
  }

  /**
   * Encodes {@code payload} once the subject is known to be valid, and sends the bytes as they
   * come from the encoder, uncopied.
   *
   * @throws PublishRefusedException if the message could not be handed to NATS
   */
  @Override
  public <T> void publish(String subject, T payload, Function<? super T, byte[]> encoder) {
    Subjects.checkPublish(subject);
    Objects.requireNonNull(payload, "payload");
    ensureOpen("publish to " + subject);
    send(wire(subject), null,
        Objects.requireNonNull(encoder.apply(payload), "encoder returned null"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws PublishRefusedException if the message could not be handed to NATS
   */
  @Override
  public void publish(String subject, String replyTo, byte[] data) {
    Subjects.checkPublish(subject);
    Subjects.checkPublish(Objects.requireNonNull(replyTo, "replyTo"));
    Objects.requireNonNull(data, "data");
    ensureOpen("publish to " + subject);
    send(wire(subject), wire(replyTo), data.clone());
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the subject is invalid
   * @throws IllegalStateException if the bus is closed
   */
  @Override
  public Subscription subscribe(String subject, MessageHandler handler) {
    return add(subject, Optional.empty(), handler);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the subject or the queue group name is invalid
   * @throws IllegalStateException if the bus is closed
   */
  @Override
  public Subscription subscribe(String subject, String queueGroup, MessageHandler handler) {
    return add(subject, Optional.of(Subjects.checkQueueGroup(queueGroup)), handler);
  }

  /**
   * {@inheritDoc} Fails with {@link PublishRefusedException} when the request could not be
   * handed to NATS.
   *
   * @throws IllegalArgumentException if the subject is invalid or {@code timeout} is not positive
   * @throws IllegalStateException if the bus is closed
   */
  @Override
  public CompletableFuture<Message> request(String subject, byte[] data, Duration timeout) {
    Subjects.checkRequest(subject, data, timeout);
    ensureOpen("send a request to " + subject);
    return sendRequest(subject, data.clone(), timeout);
  }

  /** As {@link #request(String, byte[], Duration)}, encoding once the arguments are checked. */
  @Override
  public <T> CompletableFuture<Message> request(String subject, T payload,
      Function<? super T, byte[]> encoder, Duration timeout) {
    Subjects.checkRequest(subject, timeout);
    Objects.requireNonNull(payload, "payload");
    ensureOpen("send a request to " + subject);
    return sendRequest(subject,
        Objects.requireNonNull(encoder.apply(payload), "encoder returned null"), timeout);
  }

  /** Sends a request of {@code data}, which the bus now owns. */
  private CompletableFuture<Message> sendRequest(String subject, byte[] data, Duration timeout) {
    String inbox = inboxPrefix + requestIds.incrementAndGet();
    PendingReply reply = new PendingReply(subject, new CompletableFuture<>());
    pending.put(inbox, reply);
    Cancellable timer = clock.schedule(timeout, () -> reply.future.completeExceptionally(
        new TimeoutException("no reply to " + subject + " within " + timeout)));
    reply.future.whenComplete((message, failure) -> {
      pending.remove(inbox);
      timer.cancel();
    });
    if (closed) {
      reply.future.completeExceptionally(closedBeforeReply(subject));
      return reply.future;
    }
    try {
      send(wire(subject), inbox, data);
    } catch (PublishRefusedException e) {
      reply.future.completeExceptionally(e);
    }
    return reply.future;
  }

  /**
   * Stops every subscription, fails pending requests with an {@link IllegalStateException}, and
   * closes the bus's dispatchers (and its connection, if it owns it). Later publish, subscribe
   * and request calls throw {@code IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (PendingReply reply : new ArrayList<>(pending.values())) {
      reply.future.completeExceptionally(closedBeforeReply(reply.subject));
    }
    boolean open = connection.getStatus() != Connection.Status.CLOSED;
    for (NatsSubscription subscription : subscriptions) {
      if (subscription.markClosed() && open) {
        closeDispatcher(subscription.dispatcher());
      }
    }
    subscriptions.clear();
    if (open) {
      closeDispatcher(replies);
    }
    if (ownsConnection) {
      NatsSettings.closeQuietly(connection);
    }
  }

  @Override
  public String toString() {
    return "NatsBus{" + connection.getConnectedUrl()
        + (prefix.isEmpty() ? "" : ", prefix " + subjectPrefix()) + ", " + subscriptions.size()
        + " subscriptions" + (closed ? ", closed" : "") + "}";
  }

  private Subscription add(String subject, Optional<String> queueGroup, MessageHandler handler) {
    Subjects.checkSubscribe(subject);
    Objects.requireNonNull(handler, "handler");
    NatsSubscription subscription = new NatsSubscription(subject, queueGroup, handler, this::remove,
        this::local);
    synchronized (lifecycle) {
      ensureOpen("subscribe to " + subject);
      Dispatcher dispatcher = connection.createDispatcher(subscription::onNatsMessage);
      if (queueGroup.isPresent()) {
        dispatcher.subscribe(wire(subject), queueGroup.get());
      } else {
        dispatcher.subscribe(wire(subject));
      }
      subscription.bind(dispatcher);
      subscriptions.add(subscription);
    }
    return subscription;
  }

  private void remove(NatsSubscription subscription) {
    synchronized (lifecycle) {
      if (!subscriptions.remove(subscription) || closed) {
        return;
      }
    }
    closeDispatcher(subscription.dispatcher());
  }

  /** The subject on the wire for {@code subject}: prefixed, unless it is an inbox. */
  private String wire(String subject) {
    if (prefix.isEmpty() || subject.startsWith(natsInboxPrefix)) {
      return subject;
    }
    return prefix + subject;
  }

  /** The subject the roles know for {@code wire}: the prefix taken off where it has one. */
  private String local(String wire) {
    if (wire == null || prefix.isEmpty() || !wire.startsWith(prefix)) {
      return wire;
    }
    return wire.substring(prefix.length());
  }

  private static String checkPrefix(String prefix) {
    try {
      Subjects.checkPublish(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("subjectPrefix '" + prefix + "' is not a subject without"
          + " wildcards: " + e.getMessage(), e);
    }
    return prefix;
  }

  private void send(String subject, String replyTo, byte[] data) {
    try {
      connection.publish(subject, replyTo, data);
    } catch (IllegalStateException e) {
      throw new PublishRefusedException(subject, refusal(e), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot publish " + data.length + " bytes to " + subject
          + ": " + e.getMessage(), e);
    }
  }

  private String refusal(IllegalStateException e) {
    Connection.Status status = connection.getStatus();
    if (status == Connection.Status.CLOSED) {
      return "the NATS connection is closed";
    }
    if (status != Connection.Status.CONNECTED) {
      return "disconnected from NATS (" + status + ") and the reconnect buffer of "
          + connection.getOptions().getReconnectBufferSize() + " bytes is full";
    }
    return String.valueOf(e.getMessage());
  }

  private void onReply(io.nats.client.Message received) {
    PendingReply reply = pending.get(received.getSubject());
    if (reply == null) {
      return;
    }
    if (received.isStatusMessage()) {
      if (received.getStatus().getCode() == NO_RESPONDERS) {
        reply.future.completeExceptionally(new NoRespondersException(reply.subject));
      } else {
        log.debug("Status {} on the reply to {} ignored", received.getStatus(), reply.subject);
      }
      return;
    }
    byte[] data = received.getData();
    reply.future.complete(new Message(received.getSubject(),
        Optional.ofNullable(received.getReplyTo()), data == null ? new byte[0] : data));
  }

  private void closeDispatcher(Dispatcher closing) {
    try {
      connection.closeDispatcher(closing);
    } catch (IllegalStateException e) {
      log.debug("Dispatcher of {} already closed with its connection", this, e);
    }
  }

  private void ensureOpen(String action) {
    if (closed) {
      throw new IllegalStateException("bus is closed: cannot " + action);
    }
  }

  private static IllegalStateException closedBeforeReply(String subject) {
    return new IllegalStateException("bus closed before a reply to " + subject);
  }

  private record PendingReply(String subject, CompletableFuture<Message> future) {}
}
