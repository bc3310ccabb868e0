package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.bus.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A {@link MessageBus} inside one JVM, with the semantics of NATS core: at-most-once delivery,
 * wildcard subjects, queue groups and request-reply. Two buses never see each other's messages.
 *
 * <p><b>Threading.</b> {@code publish} routes the message on the caller's thread and returns
 * without waiting for any handler. Each subscription has its own serial queue on the injected
 * executor: its handler is called one message at a time, in the order the bus received them, and
 * a slow handler delays only its own subscription. Handlers therefore never run on the publisher's
 * thread, unless the executor itself runs tasks on the calling thread. A handler exception is
 * logged and delivery goes on. Queues are unbounded: a handler that cannot keep up makes its queue
 * grow rather than slowing the publisher.
 *
 * <p><b>Payloads.</b> {@code publish} copies bytes once; every subscriber of that message sees
 * the same copy and must not modify it. An object published with an encoder is not copied or
 * encoded: every subscriber reads the object itself with {@link Message#payload(Class)}, and
 * {@link Message#data()} encodes it on first call.
 *
 * <p><b>Queue groups</b> are identified by name; each message goes to one member of every queue
 * group that matches it, taking turns, and to every plain subscriber.
 *
 * <p><b>Request-reply.</b> Each request subscribes a fresh inbox {@code _INBOX.<n>} and completes
 * with its first reply. It fails at once with {@link NoRespondersException} when no subscription
 * matches the subject, with {@link TimeoutException} when the injected clock's timer fires first,
 * and with {@link IllegalStateException} when the bus closes first. Later replies are dropped. The
 * inbox subscription and the timer are released before the future completes, whatever the outcome,
 * including the caller cancelling the future. The future completes on the executor (reply), the
 * requesting thread (no responders), the clock's timer thread (timeout) or the closing thread;
 * chain heavy work with the {@code *Async} methods.
 *
 * <p>The bus does not own the executor or the clock; {@link #close()} stops neither.
 *
 * <pre>{@code
 * InProcessBus bus = InProcessBus.create(executor, clock);
 * bus.subscribe("greet.*", msg -> bus.reply(msg, "hello".getBytes(UTF_8)));
 * Message reply = bus.request("greet.bob", new byte[0], Duration.ofSeconds(1)).get();
 * }</pre>
 */
public final class InProcessBus implements MessageBus {
  static final String INBOX_PREFIX = "_INBOX.";

  private final Executor executor;
  private final Clock clock;
  private final List<BusInterceptor> interceptors;
  private final SubscriptionTable table = new SubscriptionTable();
  private final Map<String, PendingRequest> requests = new ConcurrentHashMap<>();
  private final AtomicLong inboxes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private InProcessBus(Builder builder) {
    this.executor = builder.executor;
    this.clock = builder.clock;
    this.interceptors = List.copyOf(builder.interceptors);
  }

  /**
   * A bus without interceptors.
   *
   * @param executor runs every handler; the bus never shuts it down
   * @param clock times requests out; the bus never closes it
   * @return a new, open bus with no subscription
   * @throws NullPointerException if either is null
   */
  public static InProcessBus create(Executor executor, Clock clock) {
    return builder().executor(executor).clock(clock).build();
  }

  /**
   * A builder, for a bus with interceptors.
   *
   * @return a new builder with no executor, clock or interceptor set
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void publish(String subject, byte[] data) {
    String[] tokens = Subjects.checkPublish(subject);
    Objects.requireNonNull(data, "data");
    send(new Message(subject, Optional.empty(), data.clone()), tokens);
  }

  @Override
  public void publish(String subject, String replyTo, byte[] data) {
    String[] tokens = Subjects.checkPublish(subject);
    Subjects.checkPublish(Objects.requireNonNull(replyTo, "replyTo"));
    Objects.requireNonNull(data, "data");
    send(new Message(subject, Optional.of(replyTo), data.clone()), tokens);
  }

  /** Hands every subscriber {@code payload} itself; nothing is encoded unless one asks for bytes. */
  @Override
  public <T> void publish(String subject, T payload, Function<? super T, byte[]> encoder) {
    String[] tokens = Subjects.checkPublish(subject);
    send(Message.carrying(subject, Optional.empty(), payload, encoder), tokens);
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
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the subject is invalid or {@code timeout} is not positive
   * @throws IllegalStateException if the bus is closed
   */
  @Override
  public CompletableFuture<Message> request(String subject, byte[] data, Duration timeout) {
    Subjects.checkRequest(subject, data, timeout);
    byte[] copy = data.clone();
    return request(subject, timeout, inbox -> new Message(subject, Optional.of(inbox), copy));
  }

  /** As {@link #request(String, byte[], Duration)}, handing the responder {@code payload} itself. */
  @Override
  public <T> CompletableFuture<Message> request(String subject, T payload,
      Function<? super T, byte[]> encoder, Duration timeout) {
    Subjects.checkRequest(subject, timeout);
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(encoder, "encoder");
    return request(subject, timeout,
        inbox -> Message.carrying(subject, Optional.of(inbox), payload, encoder));
  }

  private CompletableFuture<Message> request(String subject, Duration timeout,
      Function<String, Message> messageTo) {
    if (closed.get()) {
      throw new IllegalStateException("bus is closed: cannot send a request to " + subject);
    }
    String inbox = INBOX_PREFIX + inboxes.incrementAndGet();
    PendingRequest request = new PendingRequest(subject);
    Subscription replies = add(inbox, Optional.empty(), request::complete);
    request.onSettle(replies::close);
    requests.put(inbox, request);
    request.onSettle(() -> requests.remove(inbox));
    if (closed.get()) {
      request.fail(closedBeforeReply(subject));
      return request.future();
    }
    try {
      Cancellable timer = clock.schedule(timeout, () -> request.fail(
          new TimeoutException("no reply to " + subject + " within " + timeout)));
      request.onSettle(timer::cancel);
      InterceptorChain.start(interceptors, messageTo.apply(inbox), this::route);
    } catch (RuntimeException e) {
      request.fail(e);
      throw e;
    }
    return request.future();
  }

  /**
   * Closes every subscription and fails every pending request with an
   * {@link IllegalStateException}; later publish, subscribe and request calls throw one.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (PendingRequest request : new ArrayList<>(requests.values())) {
      request.fail(closedBeforeReply(request.subject()));
    }
    for (SerialSubscription subscription : table.closeAll()) {
      subscription.close();
    }
  }

  /** Live subscriptions, request inboxes included. */
  int subscriptionCount() {
    return table.size();
  }

  private Subscription add(String subject, Optional<String> queueGroup, MessageHandler handler) {
    String[] tokens = Subjects.checkSubscribe(subject);
    Objects.requireNonNull(handler, "handler");
    SerialSubscription subscription =
        new SerialSubscription(subject, tokens, queueGroup, handler, executor, table::remove);
    table.add(subscription);
    return subscription;
  }

  /** Sends {@code message}, whose subject split into {@code tokens}. */
  private void send(Message message, String[] tokens) {
    if (closed.get()) {
      throw new IllegalStateException("bus is closed: cannot publish to " + message.subject());
    }
    if (interceptors.isEmpty()) {
      route(message, tokens);
    } else {
      InterceptorChain.start(interceptors, message, this::route);
    }
  }

  private void route(Message message) {
    route(message, Subjects.split(message.subject()));
  }

  private void route(Message message, String[] tokens) {
    if (closed.get()) {
      return;
    }
    List<SerialSubscription> targets = table.route(tokens);
    for (SerialSubscription target : targets) {
      target.offer(message);
    }
    if (targets.isEmpty() && message.replyTo().isPresent()) {
      PendingRequest request = requests.get(message.replyTo().get());
      if (request != null) {
        request.fail(new NoRespondersException(message.subject()));
      }
    }
  }

  private static IllegalStateException closedBeforeReply(String subject) {
    return new IllegalStateException("bus closed before a reply to " + subject);
  }

  /**
   * Configures an {@link InProcessBus}. The executor and the clock are required; setting either
   * twice is an error. Not thread-safe.
   */
  public static final class Builder {
    private Executor executor;
    private Clock clock;
    private final List<BusInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /**
     * Sets what runs the handlers. Required.
     *
     * @param executor runs each subscription's handler, one message at a time per subscription,
     *     and completes replies to requests; the bus never shuts it down
     * @return this builder
     * @throws IllegalStateException if the executor was set before
     */
    public Builder executor(Executor executor) {
      Objects.requireNonNull(executor, "executor");
      if (this.executor != null) {
        throw new IllegalStateException("executor already set to " + this.executor);
      }
      this.executor = executor;
      return this;
    }

    /**
     * Sets what times requests out. Required.
     *
     * @param clock its timers fail requests that got no reply in time; the bus never closes it
     * @return this builder
     * @throws IllegalStateException if the clock was set before
     */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock already set to " + this.clock);
      }
      this.clock = clock;
      return this;
    }

    /**
     * Appends {@code interceptor} to the chain every published message passes through; may be
     * called any number of times.
     *
     * @param interceptor runs after those added before it
     * @return this builder
     */
    public Builder addInterceptor(BusInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Makes a bus of the options as they are now; the builder may be used again.
     *
     * @return a new, open bus with no subscription
     * @throws IllegalStateException if the executor or the clock is missing
     */
    public InProcessBus build() {
      if (executor == null) {
        throw new IllegalStateException("executor is required");
      }
      if (clock == null) {
        throw new IllegalStateException("clock is required");
      }
      return new InProcessBus(this);
    }
  }
}
