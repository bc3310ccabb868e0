package dev.paaskit.testing.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.MessageHandler;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The {@link MessageBus} contract, as abstract JUnit 5 tests that every implementation extends:
 * subject matching with {@code *} and {@code >}, per-subscription order, queue groups,
 * request-reply with no responders told apart from a timeout, unsubscribe, close, handler
 * failures and subject validation.
 *
 * <pre>{@code
 * class MyBusContractTest extends MessageBusContract {
 *   @Override
 *   protected MessageBus newBus() {
 *     return MyBus.connect(...);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh bus from {@link #newBus()} (some ask for more than one) and closes
 * them all afterwards; a subclass releases what its buses share (executors, clocks, servers) in its
 * own {@code @AfterEach}, which JUnit runs first. Buses must not share subscriptions. Waits are
 * bounded by {@link #WAIT}; checks that something did <em>not</em> happen either use a later
 * message on the same subscription as a barrier, relying on per-subscription order, or wait
 * {@link #QUIET} for nothing to arrive.
 *
 * <p>What the tests check:
 * <ul>
 *   <li>Subjects: an exact subscriber gets the subject and data, and no reply subject; it hears
 *       nothing of nearby subjects (a prefix, a longer subject, another case); {@code *} and
 *       {@code >} match as NATS matches them (24 cases, the concrete subject delivered); every
 *       matching subscription gets each message once, and a handler subscribed twice twice; a
 *       message published before anyone subscribed is gone.
 *   <li>Order: 2,000 messages reach each of three subscriptions in order, never two handler
 *       calls at once; four concurrent publishers each keep their own order.
 *   <li>Queue groups: each group gets every message once, every member a share, and plain
 *       subscribers get all; a closed member gets nothing more while the others take over.
 *   <li>Request-reply: the reply arrives on the request's own reply subject; concurrent
 *       requests have their own inboxes; the first reply wins; a request nobody listens to
 *       fails at once with {@link NoRespondersException} naming the subject; a silent responder
 *       times out with a {@code TimeoutException}, not before the timeout; a late reply is
 *       dropped; a published reply subject reaches the subscriber and {@code reply} uses it;
 *       replying to a message without one is refused.
 *   <li>Objects: a published object arrives as its encoding or as itself, also as a request
 *       and its reply; one without a concrete subject or a payload is refused.
 *   <li>Life: a closed subscription (closed twice) gets nothing more; one closed from its
 *       handler gets none of its queued messages; a failing handler does not stop delivery; the
 *       publisher may reuse its array at once; closing the bus fails pending requests (not as a
 *       timeout); a closed bus refuses every call with {@link IllegalStateException} and closes
 *       again quietly.
 *   <li>Validation: malformed subjects and wildcards in published subjects, reply subjects and
 *       requests, and malformed subscription subjects and queue group names, are refused with an
 *       {@link IllegalArgumentException} naming them.
 * </ul>
 */
@Timeout(30)
public abstract class MessageBusContract {
  /** How long a test waits for something that should happen. */
  protected static final Duration WAIT = Duration.ofSeconds(5);
  /** How long a test waits to see that something does not happen, where no barrier exists. */
  protected static final Duration QUIET = Duration.ofMillis(150);

  private final List<MessageBus> opened = new ArrayList<>();
  /** The bus of the current test. */
  protected MessageBus bus;

  /**
   * A new, empty bus that shares no subscriptions with any other. Called once before each test,
   * and again by tests that need more buses.
   *
   * @return an open bus, closed by the kit after the test
   * @throws Exception when the bus cannot be made; the test then fails
   */
  protected abstract MessageBus newBus() throws Exception;

  /**
   * Opens {@link #bus} for the test.
   *
   * @throws Exception what {@link #newBus()} throws
   */
  @BeforeEach
  protected final void openBus() throws Exception {
    bus = open();
  }

  /** Closes every bus the test opened, after the subclass's own {@code @AfterEach}. */
  @AfterEach
  protected final void closeBuses() {
    opened.forEach(MessageBus::close);
  }

  @Test
  void anExactSubscriberReceivesSubjectDataAndNoReplySubject() throws Exception {
    Recorder orders = new Recorder();
    Subscription subscription = bus.subscribe("orders.created", orders);
    assertEquals("orders.created", subscription.subject());
    bus.publish("orders.created", bytes("o-1"));
    Message message = orders.next();
    assertEquals("orders.created", message.subject());
    assertEquals("o-1", text(message));
    assertEquals(Optional.empty(), message.replyTo());
  }

  @Test
  void anExactSubscriptionIgnoresNearbySubjects() throws Exception {
    Recorder orders = new Recorder();
    bus.subscribe("orders.created", orders);
    for (String other : List.of("orders", "orders.created.eu", "orders.updated", "Orders.created",
        "orders.createdx", "x.orders.created")) {
      bus.publish(other, bytes(other));
    }
    bus.publish("orders.created", bytes("barrier"));
    assertEquals("barrier", text(orders.next()), "a message for another subject arrived first");
  }

  @TestFactory
  Stream<DynamicTest> wildcardsMatchLikeNats() {
    String[][] cases = {
        {"a.*", "a.b", "true"},
        {"a.*", "a", "false"},
        {"a.*", "a.b.c", "false"},
        {"*", "a", "true"},
        {"*", "a.b", "false"},
        {"*.b", "a.b", "true"},
        {"*.b", "a.c", "false"},
        {"a.*.c", "a.b.c", "true"},
        {"a.*.c", "a.c", "false"},
        {"a.*.c", "a.b.d", "false"},
        {"*.*", "a.b", "true"},
        {"*.*", "a.b.c", "false"},
        {"a.>", "a.b", "true"},
        {"a.>", "a.b.c.d", "true"},
        {"a.>", "a", "false"},
        {"a.>", "b.a", "false"},
        {">", "a", "true"},
        {">", "a.b.c", "true"},
        {"*.>", "a", "false"},
        {"*.>", "a.b", "true"},
        {"a.*.>", "a.b", "false"},
        {"a.*.>", "a.b.c", "true"},
        {"a.b", "a.bc", "false"},
        {"ab", "a.b", "false"},
    };
    return Stream.of(cases).map(c -> dynamicTest(c[0] + (c[2].equals("true") ? " matches " : " skips ") + c[1],
        () -> checkMatch(c[0], c[1], Boolean.parseBoolean(c[2]))));
  }

  private void checkMatch(String pattern, String subject, boolean matches) throws Exception {
    MessageBus fresh = open();
    Recorder recorder = new Recorder();
    fresh.subscribe(pattern, recorder);
    fresh.publish(subject, bytes("probe"));
    String barrier = pattern.replace("*", "zz").replace(">", "zz");
    fresh.publish(barrier, bytes("barrier"));
    Message first = recorder.next();
    if (matches) {
      assertEquals("probe", text(first), pattern + " should match " + subject);
      assertEquals(subject, first.subject(), "a wildcard subscriber sees the concrete subject");
      assertEquals("barrier", text(recorder.next()));
    } else {
      assertEquals("barrier", text(first), pattern + " should not match " + subject);
    }
  }

  @Test
  void everyMatchingSubscriptionGetsEachMessageOnce() throws Exception {
    Map<String, Recorder> subscriptions = new LinkedHashMap<>();
    for (String pattern : List.of("a.b.c", "a.*.c", "*.b.*", "*.*.c", "a.>", ">", "a.b", "b.>")) {
      Recorder recorder = new Recorder();
      subscriptions.put(pattern, recorder);
      bus.subscribe(pattern, recorder);
    }
    bus.publish("a.b.c", bytes("1"));
    bus.publish("a.b.c", bytes("2"));
    bus.publish("a.b", bytes("m1"));
    bus.publish("b.x", bytes("m2"));
    Map<String, List<String>> expected = Map.of(
        "a.b.c", List.of("1", "2"),
        "a.*.c", List.of("1", "2"),
        "*.b.*", List.of("1", "2"),
        "*.*.c", List.of("1", "2"),
        "a.>", List.of("1", "2", "m1"),
        ">", List.of("1", "2", "m1", "m2"),
        "a.b", List.of("m1"),
        "b.>", List.of("m2"));
    for (Map.Entry<String, Recorder> entry : subscriptions.entrySet()) {
      assertEquals(expected.get(entry.getKey()), texts(entry.getValue().next(expected.get(entry.getKey()).size())),
          entry.getKey());
    }
    assertQuiet(List.copyOf(subscriptions.values()));
  }

  @Test
  void oneHandlerSubscribedTwiceReceivesTwice() throws Exception {
    Recorder recorder = new Recorder();
    bus.subscribe("twice", recorder);
    bus.subscribe("twice", recorder);
    bus.publish("twice", bytes("x"));
    assertEquals(List.of("x", "x"), texts(recorder.next(2)));
  }

  @Test
  void aMessageWithNobodyListeningIsGone() throws Exception {
    bus.publish("early", bytes("lost"));
    Recorder recorder = new Recorder();
    bus.subscribe("early", recorder);
    bus.publish("early", bytes("kept"));
    assertEquals("kept", text(recorder.next()));
  }

  @Test
  void eachSubscriptionGetsManyMessagesInOrderOneAtATime() throws Exception {
    int count = 2000;
    List<OrderCheck> checks = new ArrayList<>();
    for (String pattern : List.of("seq.n", "seq.*", ">")) {
      OrderCheck check = new OrderCheck(count);
      checks.add(check);
      bus.subscribe(pattern, check);
    }
    for (int i = 0; i < count; i++) {
      bus.publish("seq.n", bytes(Integer.toString(i)));
    }
    for (OrderCheck check : checks) {
      assertTrue(check.done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "missing messages: " + check);
      assertNull(check.problem.get(), check.problem.get());
      assertEquals(1, check.maxInFlight.get(), "a handler ran concurrently with itself");
    }
  }

  @Test
  void messagesFromConcurrentPublishersKeepEachPublishersOrder() throws Exception {
    int publishers = 4;
    int each = 500;
    Map<Integer, Integer> last = new ConcurrentHashMap<>();
    AtomicReference<String> problem = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(publishers * each);
    bus.subscribe("multi", m -> {
      String[] parts = text(m).split(":");
      int publisher = Integer.parseInt(parts[0]);
      int n = Integer.parseInt(parts[1]);
      Integer previous = last.put(publisher, n);
      if (n != (previous == null ? 0 : previous + 1)) {
        problem.compareAndSet(null, "publisher " + publisher + " sent " + n + " after " + previous);
      }
      done.countDown();
    });
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int publisher = p;
      CompletableFuture<Void> finished = new CompletableFuture<>();
      running.add(finished);
      Thread thread = new Thread(() -> {
        try {
          assertTrue(start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
          for (int i = 0; i < each; i++) {
            bus.publish("multi", bytes(publisher + ":" + i));
          }
          finished.complete(null);
        } catch (Throwable t) {
          finished.completeExceptionally(t);
        }
      }, "contract-publisher-" + p);
      thread.setDaemon(true);
      thread.start();
    }
    start.countDown();
    for (CompletableFuture<Void> finished : running) {
      finished.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    assertTrue(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), done.getCount() + " messages missing");
    assertNull(problem.get(), problem.get());
  }

  @Test
  void aQueueGroupGetsEachMessageOnceAndPlainSubscribersGetAll() throws Exception {
    int count = 300;
    Map<String, Map<String, Integer>> seenByGroup = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(2 * count);
    String[][] members = {
        {"jobs.*", "workers", "w1"}, {"jobs.*", "workers", "w2"}, {"jobs.>", "workers", "w3"},
        {"jobs.build", "auditors", "a1"}, {"jobs.>", "auditors", "a2"},
    };
    for (String[] member : members) {
      perMember.put(member[2], new AtomicInteger());
      bus.subscribe(member[0], member[1], m -> {
        seenByGroup.computeIfAbsent(member[1], g -> new ConcurrentHashMap<>()).merge(text(m), 1, Integer::sum);
        perMember.get(member[2]).incrementAndGet();
        done.countDown();
      });
    }
    Recorder plain = new Recorder();
    bus.subscribe("jobs.build", plain);
    for (int i = 0; i < count; i++) {
      bus.publish("jobs.build", bytes("j" + i));
    }
    assertEquals(count, plain.next(count).size());
    assertTrue(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), done.getCount() + " group deliveries missing");
    for (String group : List.of("workers", "auditors")) {
      Map<String, Integer> seen = seenByGroup.get(group);
      assertEquals(count, seen.size(), group);
      seen.forEach((message, times) -> assertEquals(1, times, group + " got " + message + " " + times + " times"));
    }
    for (String worker : List.of("w1", "w2", "w3")) {
      assertTrue(perMember.get(worker).get() > 0, worker + " got no share of " + perMember);
    }
    plain.assertQuiet();
  }

  @Test
  void aClosedQueueMemberGetsNoMoreAndTheOthersTakeOver() throws Exception {
    Recorder stays = new Recorder();
    Recorder leaves = new Recorder();
    bus.subscribe("tasks", "q", stays);
    bus.subscribe("tasks", "q", leaves).close();
    for (int i = 0; i < 50; i++) {
      bus.publish("tasks", bytes("t" + i));
    }
    assertEquals(50, stays.next(50).size());
    leaves.assertQuiet();
  }

  @Test
  void aRequestCompletesWithTheReplyOnItsReplySubject() throws Exception {
    CompletableFuture<String> replyTo = new CompletableFuture<>();
    bus.subscribe("math.double", m -> {
      replyTo.complete(m.replyTo().orElseThrow());
      bus.reply(m, bytes(Integer.toString(2 * Integer.parseInt(text(m)))));
    });
    Message reply = bus.request("math.double", bytes("21"), WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals("42", text(reply));
    assertEquals(replyTo.getNow(null), reply.subject());
  }

  @Test
  void concurrentRequestsHaveTheirOwnInboxes() throws Exception {
    BlockingQueue<Message> requests = new LinkedBlockingQueue<>();
    bus.subscribe("held", requests::add);
    CompletableFuture<Message> first = bus.request("held", bytes("first"), WAIT);
    CompletableFuture<Message> second = bus.request("held", bytes("second"), WAIT);
    Message a = poll(requests);
    Message b = poll(requests);
    assertNotEquals(a.replyTo(), b.replyTo());
    bus.reply(b, bytes("answer to " + text(b)));
    bus.reply(a, bytes("answer to " + text(a)));
    assertEquals("answer to first", text(first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)));
    assertEquals("answer to second", text(second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)));
  }

  @Test
  void theFirstReplyWinsAndLaterOnesAreDropped() throws Exception {
    bus.subscribe("poll", m -> bus.reply(m, bytes("from-a")));
    bus.subscribe("poll", m -> bus.reply(m, bytes("from-b")));
    String answer = text(bus.request("poll", bytes("?"), WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(Set.of("from-a", "from-b").contains(answer), answer);
    String again = text(bus.request("poll", bytes("?"), WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(Set.of("from-a", "from-b").contains(again), again);
  }

  @Test
  void aRequestNobodyListensToFailsAtOnceWithNoResponders() {
    long start = System.nanoTime();
    CompletableFuture<Message> reply = bus.request("nobody.home", bytes("?"), Duration.ofMinutes(1));
    Throwable cause = failure(reply);
    assertInstanceOf(NoRespondersException.class, cause);
    assertTrue(cause.getMessage().contains("nobody.home"), cause.getMessage());
    assertTrue(System.nanoTime() - start < WAIT.toNanos());
  }

  @Test
  void aSilentResponderTimesOutAfterTheTimeoutNotBefore() {
    bus.subscribe("silent", m -> { });
    Duration timeout = Duration.ofMillis(300);
    long start = System.nanoTime();
    CompletableFuture<Message> reply = bus.request("silent", bytes("?"), timeout);
    Throwable cause = failure(reply);
    long elapsed = System.nanoTime() - start;
    assertInstanceOf(TimeoutException.class, cause);
    assertTrue(elapsed >= timeout.toNanos(), "timed out after " + Duration.ofNanos(elapsed));
  }

  @Test
  void aLateReplyIsDroppedAndTheBusGoesOn() throws Exception {
    BlockingQueue<Message> requests = new LinkedBlockingQueue<>();
    bus.subscribe("slow", requests::add);
    CompletableFuture<Message> reply = bus.request("slow", bytes("?"), Duration.ofMillis(200));
    Message request = poll(requests);
    assertInstanceOf(TimeoutException.class, failure(reply));
    bus.reply(request, bytes("too late"));
    assertTrue(reply.isCompletedExceptionally());
    bus.subscribe("fast", m -> bus.reply(m, bytes("ok")));
    assertEquals("ok", text(bus.request("fast", bytes("?"), WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)));
  }

  @Test
  void aPublishedReplySubjectReachesTheSubscriberAndReplyUsesIt() throws Exception {
    Recorder service = new Recorder();
    Recorder answers = new Recorder();
    bus.subscribe("svc", service);
    bus.subscribe("answers.mine", answers);
    bus.publish("svc", "answers.mine", bytes("question"));
    Message question = service.next();
    assertEquals(Optional.of("answers.mine"), question.replyTo());
    bus.reply(question, bytes("answer"));
    Message answer = answers.next();
    assertEquals("answers.mine", answer.subject());
    assertEquals("answer", text(answer));
  }

  @Test
  void aPublishedObjectArrivesAsItsEncodingOrAsItself() throws Exception {
    Recorder recorder = new Recorder();
    bus.subscribe("objects.order", recorder);
    Order order = new Order("o-7", 3);
    bus.publish("objects.order", order, Order::encode);
    Message message = recorder.next();
    assertEquals("objects.order", message.subject());
    assertEquals("o-7 x3", text(message));
    message.payload(Order.class).ifPresent(same -> assertSame(order, same));
    assertEquals(Optional.empty(), message.payload(String.class));
  }

  @Test
  void anObjectRequestAndAnObjectReplyReachTheOtherSide() throws Exception {
    bus.subscribe("objects.double", m -> {
      Order asked = m.payload(Order.class).orElseGet(() -> Order.decode(text(m)));
      bus.reply(m, new Order(asked.id(), 2 * asked.quantity()), Order::encode);
    });
    Message reply = bus.request("objects.double", new Order("o-8", 21), Order::encode, WAIT)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals("o-8 x42", text(reply));
    Order answer = reply.payload(Order.class).orElseGet(() -> Order.decode(text(reply)));
    assertEquals(new Order("o-8", 42), answer);
  }

  @Test
  void anObjectWithoutASubjectOrPayloadIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> bus.publish("objects.*", new Order("o-9", 1), Order::encode));
    assertThrows(NullPointerException.class,
        () -> bus.publish("objects.none", (Order) null, Order::encode));
  }

  @Test
  void replyingToAPlainMessageIsRefused() throws Exception {
    Recorder recorder = new Recorder();
    bus.subscribe("plain", recorder);
    bus.publish("plain", bytes("x"));
    Message plain = recorder.next();
    assertThrows(IllegalArgumentException.class, () -> bus.reply(plain, bytes("y")));
  }

  @Test
  void aClosedSubscriptionReceivesNothingMore() throws Exception {
    Recorder gone = new Recorder();
    Recorder witness = new Recorder();
    Subscription subscription = bus.subscribe("news", gone);
    bus.subscribe("news", witness);
    bus.publish("news", bytes("before"));
    assertEquals("before", text(gone.next()));
    subscription.close();
    subscription.close();
    bus.publish("news", bytes("after"));
    assertEquals(List.of("before", "after"), texts(witness.next(2)));
    gone.assertQuiet();
  }

  @Test
  void closingASubscriptionFromItsHandlerStopsItsQueuedMessages() throws Exception {
    Recorder witness = new Recorder();
    List<String> seen = new ArrayList<>();
    AtomicReference<Subscription> self = new AtomicReference<>();
    CountDownLatch allPublished = new CountDownLatch(1);
    self.set(bus.subscribe("once", m -> {
      assertTrue(allPublished.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      synchronized (seen) {
        seen.add(text(m));
      }
      self.get().close();
    }));
    bus.subscribe("once", witness);
    for (int i = 1; i <= 5; i++) {
      bus.publish("once", bytes(Integer.toString(i)));
    }
    allPublished.countDown();
    assertEquals(5, witness.next(5).size());
    assertQuiet(List.of(witness));
    synchronized (seen) {
      assertEquals(List.of("1"), seen);
    }
  }

  @Test
  void aFailingHandlerDoesNotStopDelivery() throws Exception {
    Recorder after = new Recorder();
    bus.subscribe("fragile", m -> {
      if (text(m).startsWith("boom")) {
        throw new IllegalStateException("handler failure on purpose: " + text(m));
      }
      after.onMessage(m);
    });
    bus.publish("fragile", bytes("boom-1"));
    bus.publish("fragile", bytes("ok-1"));
    bus.publish("fragile", bytes("boom-2"));
    bus.publish("fragile", bytes("ok-2"));
    assertEquals(List.of("ok-1", "ok-2"), texts(after.next(2)));
  }

  @Test
  void thePublisherMayReuseItsArrayAtOnce() throws Exception {
    Recorder recorder = new Recorder();
    bus.subscribe("buffer", recorder);
    byte[] buffer = bytes("first");
    bus.publish("buffer", buffer);
    byte[] overwrite = bytes("XXXXX");
    System.arraycopy(overwrite, 0, buffer, 0, buffer.length);
    assertEquals("first", text(recorder.next()));
  }

  @Test
  void closeFailsPendingRequests() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    bus.subscribe("never", m -> received.countDown());
    CompletableFuture<Message> reply = bus.request("never", bytes("?"), Duration.ofMinutes(1));
    assertTrue(received.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    bus.close();
    Throwable cause = failure(reply);
    assertFalse(cause instanceof TimeoutException, "failed by a timeout, not by close: " + cause);
  }

  @Test
  void aClosedBusRefusesWorkAndClosesAgainQuietly() {
    Recorder recorder = new Recorder();
    bus.subscribe("x", recorder);
    bus.close();
    bus.close();
    assertThrows(IllegalStateException.class, () -> bus.publish("x", bytes("late")));
    assertThrows(IllegalStateException.class, () -> bus.publish("x", "y", bytes("late")));
    assertThrows(IllegalStateException.class, () -> bus.subscribe("x", recorder));
    assertThrows(IllegalStateException.class, () -> bus.subscribe("x", "q", recorder));
    assertThrows(IllegalStateException.class, () -> bus.request("x", bytes("?"), WAIT));
  }

  @Test
  void invalidPublishSubjectsAreRejectedByName() {
    for (String subject : List.of("a..b", ".a", "a.", "a b", "a\tb", "a.*", "a.>", "*", ">")) {
      assertRejected(subject, () -> bus.publish(subject, bytes("x")));
      assertRejected(subject, () -> bus.publish(subject, "reply", bytes("x")));
      assertRejected(subject, () -> bus.publish("ok", subject, bytes("x")));
      assertRejected(subject, () -> bus.request(subject, bytes("x"), WAIT));
    }
    assertThrows(IllegalArgumentException.class, () -> bus.publish("", bytes("x")));
  }

  @Test
  void invalidSubscriptionSubjectsAreRejectedByName() {
    for (String subject : List.of("a..b", ".a", "a.", "a b", "a.>.b", ">.a", "a\nb")) {
      assertRejected(subject, () -> bus.subscribe(subject, m -> { }));
      assertRejected(subject, () -> bus.subscribe(subject, "q", m -> { }));
    }
    assertThrows(IllegalArgumentException.class, () -> bus.subscribe("", m -> { }));
    assertThrows(IllegalArgumentException.class, () -> bus.subscribe("a", "", m -> { }));
    assertThrows(IllegalArgumentException.class, () -> bus.subscribe("a", "my group", m -> { }));
  }

  /**
   * Opens another bus, closed after the test with the others.
   *
   * @return a new bus from {@link #newBus()}
   * @throws Exception what {@link #newBus()} throws
   */
  protected final MessageBus open() throws Exception {
    MessageBus opened = newBus();
    this.opened.add(opened);
    return opened;
  }

  /**
   * The UTF-8 bytes of {@code text}, for a payload.
   *
   * @param text the payload as text
   * @return a new array
   */
  protected static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /**
   * A message's payload as UTF-8 text.
   *
   * @param message a message received
   * @return its data decoded
   */
  protected static String text(Message message) {
    return new String(message.data(), UTF_8);
  }

  private static List<String> texts(List<Message> messages) {
    return messages.stream().map(MessageBusContract::text).toList();
  }

  private static void assertRejected(String subject, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, subject);
    assertNotNull(e.getMessage(), subject);
    assertTrue(e.getMessage().contains(subject), "message does not name \"" + subject + "\": " + e.getMessage());
  }

  /**
   * Checks that none of {@code recorders} receives anything more: waits up to {@link #QUIET} on
   * the first (returning at once if something arrives), then looks at the others.
   */
  private static void assertQuiet(List<Recorder> recorders) throws InterruptedException {
    recorders.get(0).assertQuiet();
    for (Recorder recorder : recorders.subList(1, recorders.size())) {
      recorder.assertEmpty();
    }
  }

  private static Message poll(BlockingQueue<Message> queue) throws InterruptedException {
    Message message = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(message, "nothing arrived within " + WAIT);
    return message;
  }

  /** The cause {@code future} fails with within {@link #WAIT}; fails the test if it succeeds. */
  private static Throwable failure(CompletableFuture<Message> future) {
    try {
      Message message = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected a failure, got " + message);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      return fail("the future did not complete within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted", e);
    }
  }

  /** An object payload, encoded as text. */
  private record Order(String id, int quantity) {
    byte[] encode() {
      return bytes(id + " x" + quantity);
    }

    static Order decode(String text) {
      int x = text.lastIndexOf(" x");
      return new Order(text.substring(0, x), Integer.parseInt(text.substring(x + 2)));
    }
  }

  /** Collects what a subscription receives, for the test thread to wait on. */
  private static final class Recorder implements MessageHandler {
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(Message message) {
      messages.add(message);
    }

    Message next() throws InterruptedException {
      return poll(messages);
    }

    List<Message> next(int count) throws InterruptedException {
      List<Message> received = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Message message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(message, "only " + i + " of " + count + " messages arrived within " + WAIT);
        received.add(message);
      }
      return received;
    }

    void assertQuiet() throws InterruptedException {
      Message extra = messages.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
      assertNull(extra, () -> "unexpected " + extra + ": " + text(extra));
    }

    void assertEmpty() {
      Message extra = messages.peek();
      assertNull(extra, () -> "unexpected " + extra + ": " + text(extra));
    }
  }

  /** Checks that a subscription sees 0, 1, 2 ... in order, one handler call at a time. */
  private static final class OrderCheck implements MessageHandler {
    final CountDownLatch done;
    final AtomicReference<String> problem = new AtomicReference<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private int expected;

    OrderCheck(int count) {
      done = new CountDownLatch(count);
    }

    @Override
    public void onMessage(Message message) {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      int n = Integer.parseInt(text(message));
      if (n != expected) {
        problem.compareAndSet(null, "got " + n + " when expecting " + expected);
      }
      expected = n + 1;
      inFlight.decrementAndGet();
      done.countDown();
    }

    @Override
    public String toString() {
      return done.getCount() + " left, next expected " + expected;
    }
  }
}
