package dev.paaskit.core.bus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.api.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the contract kit cannot ask of every bus: this bus's threading, bookkeeping and middleware. */
@Timeout(10)
class InProcessBusTest {
  private final ManualClock clock = new ManualClock();
  private final ManualExecutor manual = new ManualExecutor();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool = Executors.newFixedThreadPool(4, task -> {
    Thread thread = new Thread(task, "bus-test-" + threads.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void publishHandsDeliveryToTheExecutorAndReturns() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> seen.add(new String(m.data(), UTF_8)));
    bus.publish("a", bytes("one"));
    assertEquals(List.of(), seen);
    assertEquals(1, manual.queued());
    manual.runAll();
    assertEquals(List.of("one"), seen);
  }

  @Test
  void handlersNeverRunOnThePublishersThread() throws Exception {
    InProcessBus bus = InProcessBus.create(pool, clock);
    CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
    bus.subscribe("a", m -> handlerThread.complete(Thread.currentThread()));
    bus.publish("a", bytes("x"));
    Thread thread = handlerThread.get(5, TimeUnit.SECONDS);
    assertNotSame(Thread.currentThread(), thread);
    assertTrue(thread.getName().startsWith("bus-test-"), thread.getName());
  }

  @Test
  void aSlowHandlerDelaysOnlyItsOwnSubscription() throws Exception {
    InProcessBus bus = InProcessBus.create(pool, clock);
    CountDownLatch release = new CountDownLatch(1);
    List<String> slowSeen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch slowDone = new CountDownLatch(10);
    bus.subscribe("work", m -> {
      assertTrue(release.await(5, TimeUnit.SECONDS));
      slowSeen.add(new String(m.data(), UTF_8));
      slowDone.countDown();
    });
    CountDownLatch fastDone = new CountDownLatch(10);
    bus.subscribe("work", m -> fastDone.countDown());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add("m" + i);
      bus.publish("work", bytes("m" + i));
    }
    assertTrue(fastDone.await(5, TimeUnit.SECONDS), "fast subscription held back by the slow one");
    assertEquals(List.of(), slowSeen);
    release.countDown();
    assertTrue(slowDone.await(5, TimeUnit.SECONDS));
    assertEquals(sent, slowSeen);
  }

  @Test
  void thePayloadIsCopiedOnPublish() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> seen.add(new String(m.data(), UTF_8)));
    byte[] data = bytes("original");
    bus.publish("a", data);
    data[0] = 'X';
    manual.runAll();
    assertEquals(List.of("original"), seen);
  }

  @Test
  void anObjectReachesEverySubscriberItselfAndIsEncodedOnlyWhenBytesAreAskedFor() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    AtomicInteger encoded = new AtomicInteger();
    List<Message> seen = new ArrayList<>();
    bus.subscribe("objects", seen::add);
    bus.subscribe("objects", seen::add);
    List<String> payload = List.of("a", "b");
    bus.publish("objects", payload, p -> {
      encoded.incrementAndGet();
      return bytes(String.join(",", p));
    });
    manual.runAll();
    assertEquals(2, seen.size());
    assertSame(seen.get(0), seen.get(1));
    assertSame(payload, seen.get(0).payload(List.class).orElseThrow());
    assertEquals(0, encoded.get());
    assertEquals("a,b", new String(seen.get(0).data(), UTF_8));
    assertEquals("a,b", new String(seen.get(1).data(), UTF_8));
    assertEquals(1, encoded.get());
  }

  @Test
  void aMessageCarryingAnObjectNamesItsTypeNotItsContent() {
    Message message = Message.carrying("secrets", Optional.empty(), List.of("s3cr3t"),
        p -> bytes(p.get(0)));
    assertFalse(message.toString().contains("s3cr3t"), message.toString());
    assertTrue(message.toString().contains("secrets"), message.toString());
  }

  @Test
  void anInterceptorSeesAnObjectRequestAndMayRewriteItToBytes() throws Exception {
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> chain.proceed(chain.message().subject().equals("ask")
            ? new Message("ask", chain.message().replyTo(), bytes("rewritten"))
            : chain.message()))
        .build();
    List<Optional<String>> asked = new ArrayList<>();
    bus.subscribe("ask", m -> {
      asked.add(m.payload(String.class));
      bus.reply(m, new String(m.data(), UTF_8) + "!", s -> bytes(s));
    });
    CompletableFuture<Message> reply = bus.request("ask", "question", s -> bytes(s),
        Duration.ofSeconds(1));
    manual.runAll();
    assertEquals(List.of(Optional.empty()), asked);
    assertEquals("rewritten!", reply.get(1, TimeUnit.SECONDS).payload(String.class).orElseThrow());
  }

  @Test
  void aHandlerPublishingToItsOwnSubjectIsServedInOrderOnADirectExecutor() {
    InProcessBus bus = InProcessBus.create(Runnable::run, clock);
    List<Integer> seen = new ArrayList<>();
    bus.subscribe("count", m -> {
      int n = Integer.parseInt(new String(m.data(), UTF_8));
      seen.add(n);
      if (n > 0 && n < 1000) {
        bus.publish("count", bytes(String.valueOf(n + 1)));
        bus.publish("count", bytes(String.valueOf(-n)));
      }
    });
    bus.publish("count", bytes("1"));
    assertEquals(1999, seen.size());
    assertEquals(List.of(1, 2, -1, 3, -2, 4), seen.subList(0, 6));
  }

  @Test
  void queueGroupMembersTakeTurns() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<List<String>> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> seen = new ArrayList<>();
      members.add(seen);
      bus.subscribe(i == 0 ? "jobs.*" : "jobs.>", "workers", m -> seen.add(new String(m.data(), UTF_8)));
    }
    for (int i = 0; i < 9; i++) {
      bus.publish("jobs.build", bytes("j" + i));
    }
    manual.runAll();
    for (List<String> seen : members) {
      assertEquals(3, seen.size(), members.toString());
    }
  }

  @Test
  void aThrowingHandlerIsLoggedAndLaterMessagesStillArrive() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> {
      String text = new String(m.data(), UTF_8);
      seen.add(text);
      if (text.equals("exception")) {
        throw new IllegalStateException("handler failure on purpose");
      }
      if (text.equals("error")) {
        throw new AssertionError("handler error on purpose");
      }
    });
    for (String text : List.of("exception", "after-exception", "error", "after-error")) {
      bus.publish("a", bytes(text));
    }
    manual.runAll();
    assertEquals(List.of("exception", "after-exception", "error", "after-error"), seen);
    assertEquals(1, manual.thrown().size());
    assertInstanceOf(AssertionError.class, manual.thrown().get(0));
  }

  @Test
  void closingASubscriptionInsideItsHandlerStopsTheRestOfItsQueue() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<String> seen = new ArrayList<>();
    AtomicReference<Subscription> self = new AtomicReference<>();
    self.set(bus.subscribe("a", m -> {
      seen.add(new String(m.data(), UTF_8));
      self.get().close();
    }));
    bus.publish("a", bytes("1"));
    bus.publish("a", bytes("2"));
    bus.publish("a", bytes("3"));
    manual.runAll();
    assertEquals(List.of("1"), seen);
    assertEquals(0, bus.subscriptionCount());
  }

  @Test
  void anExecutorThatRejectsClosesTheSubscriptionNotThePublisher() {
    InProcessBus bus = InProcessBus.create(task -> {
      throw new RejectedExecutionException("full on purpose");
    }, clock);
    bus.subscribe("a", m -> {
      throw new AssertionError("must not run");
    });
    bus.publish("a", bytes("x"));
    assertEquals(0, bus.subscriptionCount());
  }

  @Test
  void requestsTimeOutByTheInjectedClock() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    bus.subscribe("silent", m -> { });
    CompletableFuture<Message> reply = bus.request("silent", bytes("?"), Duration.ofSeconds(5));
    clock.advance(Duration.ofMillis(4999));
    assertFalse(reply.isDone());
    clock.advance(Duration.ofMillis(1));
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(0, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("silent"), e.getCause().getMessage());
    assertEquals(1, bus.subscriptionCount());
  }

  @Test
  void noInboxOrTimerOutlivesItsRequest() throws Exception {
    InProcessBus bus = InProcessBus.create(pool, clock);
    bus.subscribe("echo", m -> bus.reply(m, m.data()));
    bus.subscribe("silent", m -> { });
    List<CompletableFuture<Message>> answered = new ArrayList<>();
    List<CompletableFuture<Message>> timedOut = new ArrayList<>();
    List<CompletableFuture<Message>> cancelled = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answered.add(bus.request("echo", bytes("r" + i), Duration.ofSeconds(30)));
      timedOut.add(bus.request("silent", bytes("t" + i), Duration.ofSeconds(1)));
      cancelled.add(bus.request("silent", bytes("c" + i), Duration.ofSeconds(30)));
      CompletableFuture<Message> nobody = bus.request("nobody", bytes("n" + i), Duration.ofSeconds(30));
      assertTrue(nobody.isCompletedExceptionally());
    }
    for (int i = 0; i < 200; i++) {
      assertEquals("r" + i, new String(answered.get(i).get(5, TimeUnit.SECONDS).data(), UTF_8));
      cancelled.get(i).cancel(false);
    }
    clock.advance(Duration.ofSeconds(1));
    for (CompletableFuture<Message> future : timedOut) {
      assertTrue(future.isCompletedExceptionally());
    }
    assertEquals(2, bus.subscriptionCount());
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void aReplyAfterTheTimeoutIsDropped() throws Exception {
    InProcessBus bus = InProcessBus.create(manual, clock);
    List<Message> requests = new ArrayList<>();
    bus.subscribe("slow", requests::add);
    CompletableFuture<Message> reply = bus.request("slow", bytes("?"), Duration.ofSeconds(1));
    manual.runAll();
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, bus.subscriptionCount());
    bus.reply(requests.get(0), bytes("too late"));
    manual.runAll();
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(0, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
  }

  @Test
  void closingTheBusFailsPendingRequestsAndReleasesTheirTimers() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    bus.subscribe("silent", m -> { });
    CompletableFuture<Message> reply = bus.request("silent", bytes("?"), Duration.ofSeconds(30));
    bus.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(0, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals(0, bus.subscriptionCount());
    assertEquals(0, clock.pendingTimers());
    assertThrows(IllegalStateException.class,
        () -> bus.request("silent", bytes("?"), Duration.ofSeconds(1)));
  }

  @Test
  void requestArgumentsAreChecked() {
    InProcessBus bus = InProcessBus.create(manual, clock);
    assertThrows(IllegalArgumentException.class, () -> bus.request("a", bytes("?"), Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> bus.request("a", bytes("?"), Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> bus.request("a.*", bytes("?"), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> bus.publish("a", "reply.>", bytes("?")));
    assertThrows(IllegalArgumentException.class, () -> bus.subscribe("a", " ", m -> { }));
    assertEquals(0, bus.subscriptionCount());
  }

  @Test
  void interceptorsRunInOrderAndMayRewrite() {
    List<String> trail = new ArrayList<>();
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> {
          trail.add("first:" + chain.message().subject());
          chain.proceed(new Message(chain.message().subject(), chain.message().replyTo(), bytes("rewritten")));
        })
        .addInterceptor(chain -> {
          trail.add("second:" + new String(chain.message().data(), UTF_8));
          chain.proceed(chain.message());
        })
        .build();
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> seen.add(new String(m.data(), UTF_8)));
    bus.publish("a", bytes("original"));
    manual.runAll();
    assertEquals(List.of("first:a", "second:rewritten"), trail);
    assertEquals(List.of("rewritten"), seen);
  }

  @Test
  void anInterceptorCanDropMessagesAndRequestsThenTimeOut() {
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> {
          if (!chain.message().subject().startsWith("lossy.")) {
            chain.proceed(chain.message());
          }
        })
        .build();
    List<String> seen = new ArrayList<>();
    bus.subscribe(">", m -> seen.add(m.subject()));
    bus.publish("lossy.a", bytes("x"));
    bus.publish("kept.a", bytes("x"));
    CompletableFuture<Message> reply = bus.request("lossy.rpc", bytes("?"), Duration.ofSeconds(2));
    manual.runAll();
    assertEquals(List.of("kept.a"), seen);
    assertFalse(reply.isDone(), "a dropped request is lost in transit, not unanswered");
    clock.advance(Duration.ofSeconds(2));
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(0, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
  }

  @Test
  void anInterceptorCanDelayMessagesOnTheClock() {
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> clock.schedule(Duration.ofMillis(50), () -> chain.proceed(chain.message())))
        .build();
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> seen.add(new String(m.data(), UTF_8)));
    bus.publish("a", bytes("late"));
    manual.runAll();
    assertEquals(List.of(), seen);
    clock.advance(Duration.ofMillis(50));
    manual.runAll();
    assertEquals(List.of("late"), seen);
  }

  @Test
  void aNoResponderAnswerComesWhenTheDelayedRequestArrives() {
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> clock.schedule(Duration.ofMillis(50), () -> chain.proceed(chain.message())))
        .build();
    CompletableFuture<Message> reply = bus.request("nobody", bytes("?"), Duration.ofSeconds(5));
    assertFalse(reply.isDone());
    clock.advance(Duration.ofMillis(50));
    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(0, TimeUnit.SECONDS));
    assertInstanceOf(NoRespondersException.class, e.getCause());
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void aDelayedMessageArrivingAfterCloseIsDropped() {
    InProcessBus bus = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> clock.schedule(Duration.ofMillis(50), () -> chain.proceed(chain.message())))
        .build();
    List<String> seen = new ArrayList<>();
    bus.subscribe("a", m -> seen.add("delivered"));
    bus.publish("a", bytes("x"));
    bus.close();
    clock.advance(Duration.ofMillis(50));
    manual.runAll();
    assertEquals(List.of(), seen);
  }

  @Test
  void proceedingTwiceOrToAnInvalidSubjectIsRefused() {
    InProcessBus twice = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> {
          chain.proceed(chain.message());
          chain.proceed(chain.message());
        })
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> twice.publish("a", bytes("x")));
    assertTrue(e.getMessage().contains("more than once"), e.getMessage());

    InProcessBus wild = InProcessBus.builder().executor(manual).clock(clock)
        .addInterceptor(chain -> chain.proceed(new Message("a.*", Optional.empty(), chain.message().data())))
        .build();
    assertThrows(IllegalArgumentException.class, () -> wild.publish("a", bytes("x")));
  }

  @Test
  void theBuilderWantsOneExecutorAndOneClock() {
    assertThrows(IllegalStateException.class, () -> InProcessBus.builder().clock(clock).build());
    assertThrows(IllegalStateException.class, () -> InProcessBus.builder().executor(manual).build());
    assertThrows(IllegalStateException.class, () -> InProcessBus.builder().executor(manual).executor(pool));
    assertThrows(IllegalStateException.class, () -> InProcessBus.builder().clock(clock).clock(clock));
    assertThrows(NullPointerException.class, () -> InProcessBus.create(null, clock));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
