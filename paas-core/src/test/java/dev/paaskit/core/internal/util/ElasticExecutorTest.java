package dev.paaskit.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The executor's rules, checked on fake time: each test moves the clock, the threads' CPU time and
 * the collectors' time by hand and makes the executor look when it chooses, so what a look sees
 * does not depend on how fast or busy the machine is. Tasks still run on real threads; the tests
 * wait for them on latches, whose time limits only stop a broken executor from hanging the build.
 */
@Timeout(60)
class ElasticExecutorTest {
  private static final Duration STALL = Duration.ofMillis(10);
  private static final long HALF_STALL = STALL.toNanos() / 2;
  /** Only stops a broken executor from hanging the test; a working one is far quicker. */
  private static final long PATIENCE_SECONDS = 20;
  private static final ThreadFactory THREADS =
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("elastic-test-%d").build();

  private final FakeGauges gauges = new FakeGauges();
  /** Released by every test task as it starts. */
  private final Semaphore started = new Semaphore(0);
  /** Opens the gate every blocking or computing test task waits at. */
  private final CountDownLatch gate = new CountDownLatch(1);

  /**
   * Time that moves only when a test says, and CPU and collector times a test sets: a thread is
   * computing (its CPU time grows with the clock) or blocked (its CPU time stands still).
   */
  private static final class FakeGauges implements ElasticExecutor.Gauges {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicLong gc = new AtomicLong();
    final Set<Thread> computing = ConcurrentHashMap.newKeySet();
    volatile boolean cpuTimes = true;

    void advance(long nanos) {
      now.addAndGet(nanos);
    }

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public long cpuNanos(Thread thread) {
      if (!cpuTimes) {
        return -1;
      }
      return computing.contains(thread) ? now.get() : 0;
    }

    @Override
    public long gcNanos() {
      return gc.get();
    }
  }

  @AfterEach
  void openTheGate() {
    gate.countDown();
  }

  /** An executor that looks only when the test calls {@link ElasticExecutor#look()}. */
  private ElasticExecutor executor(int base) {
    return new ElasticExecutor(base, 100, STALL, THREADS, gauges, false);
  }

  /** A task that waits at the gate using no CPU, as one waiting for a reply does. */
  private Runnable blocking() {
    return () -> {
      started.release();
      awaitGate();
    };
  }

  /** A task that computes (its thread's CPU time grows with the clock) until the gate opens. */
  private Runnable computing() {
    return () -> {
      gauges.computing.add(Thread.currentThread());
      started.release();
      try {
        awaitGate();
      } finally {
        gauges.computing.remove(Thread.currentThread());
      }
    };
  }

  private void awaitGate() {
    try {
      gate.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitStarted(int tasks) throws InterruptedException {
    assertTrue(started.tryAcquire(tasks, PATIENCE_SECONDS, TimeUnit.SECONDS),
        tasks + " more tasks to start");
  }

  @Test
  void aBurstOfShortTasksRunsOnTheBaseThreads() throws Exception {
    try (ElasticExecutor executor = executor(2)) {
      int tasks = 20_000;
      CountDownLatch done = new CountDownLatch(tasks);
      Set<Thread> seen = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < tasks; i++) {
        executor.execute(() -> {
          seen.add(Thread.currentThread());
          done.countDown();
        });
        if (i % 2_000 == 1_999) {
          // Looks while the burst drains, time moving though never past the stall: a cached
          // pool would make a thread whenever none is idle at that instant; this one adds none.
          gauges.advance(STALL.toNanos() / 20);
          executor.look();
          assertEquals(2, executor.threads(), "threads after " + i + " tasks");
        }
      }
      assertTrue(done.await(PATIENCE_SECONDS, TimeUnit.SECONDS), done.getCount() + " tasks left");
      executor.look();
      assertEquals(2, executor.threads());
      assertTrue(seen.size() <= 2, "threads used: " + seen);
    }
  }

  @Test
  void tasksQueuedPastTheStallBehindComputationsGetAtMostBaseMoreThreads() throws Exception {
    try (ElasticExecutor executor = executor(2)) {
      executor.execute(computing());
      executor.execute(computing());
      awaitStarted(2);
      // Tasks that keep the thread they get, so that each added thread holds one.
      for (int i = 0; i < 5; i++) {
        executor.execute(blocking());
      }
      gauges.advance(STALL.toNanos() - 1);
      executor.look();
      assertEquals(2, executor.threads(), "the queue has waited under the stall");
      gauges.advance(1);
      executor.look();
      // The computations are not blocked; the queue's head has waited the stall: one thread for
      // each waiting task, at most the base count, since more do not make the processors faster.
      assertEquals(4, executor.threads(), "2 base + 2 for the queue");
      awaitStarted(2);
    }
  }

  @Test
  void blockedTasksGetThreadsAddedSoOthersStillRun() throws Exception {
    try (ElasticExecutor executor = executor(2)) {
      // Five tasks that each wait for a sixth to open the gate: with only the base threads this
      // never ends.
      executor.execute(blocking());
      executor.execute(blocking());
      awaitStarted(2);
      gauges.advance(STALL.toNanos());
      for (int i = 0; i < 3; i++) {
        executor.execute(blocking());
      }
      executor.execute(gate::countDown);

      executor.look();
      assertEquals(2, executor.threads(), "a first look past the stall only takes CPU readings");
      gauges.advance(HALF_STALL);
      executor.look();
      assertEquals(4, executor.threads(), "one thread for each of the two blocked tasks");
      awaitStarted(2);
      gauges.advance(HALF_STALL);
      executor.look();
      // Still 2 blocked; the 2 that just started have not run the stall; 2 queued have waited it.
      assertEquals(6, executor.threads());
      assertTrue(gate.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the sixth task ran");
      awaitStarted(1);
    }
  }

  @Test
  void threadsAddedForBlockedTasksEndOnceTheyAreNotNeededThoughWorkKeepsComing() throws Exception {
    try (ElasticExecutor executor = executor(2)) {
      CountDownLatch finished = new CountDownLatch(8);
      for (int i = 0; i < 8; i++) {
        Runnable blocking = blocking();
        executor.execute(() -> {
          blocking.run();
          finished.countDown();
        });
      }
      // Each look adds threads for the tasks blocked since the previous one, and for the queue.
      int startedSoFar = 2;
      awaitStarted(2);
      for (int look = 0; look < 10 && startedSoFar < 8; look++) {
        gauges.advance(HALF_STALL);
        executor.look();
        int now = Math.min(8, executor.threads());
        awaitStarted(now - startedSoFar);
        startedSoFar = now;
      }
      assertEquals(8, executor.threads(), "every blocked task got a thread");
      gate.countDown();
      assertTrue(finished.await(PATIENCE_SECONDS, TimeUnit.SECONDS));

      // A steady trickle of short tasks, each waking an idle thread, with a look before each: the
      // extra threads still end. (A look may still see a task that has just finished, hence the
      // loop.)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
      while (executor.threads() > 2 && System.nanoTime() - deadline < 0) {
        executor.look();
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        assertTrue(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
      }
      assertEquals(2, executor.threads(), "threads left");
    }
  }

  @Test
  void aLongComputationIsNotTakenForBlocked() throws Exception {
    try (ElasticExecutor executor = executor(1)) {
      executor.execute(computing());
      awaitStarted(1);
      gauges.advance(STALL.toNanos());
      executor.look();
      gauges.advance(HALF_STALL);
      // Queued now, and so waiting less than the stall at the next looks: only a blocked task
      // would add a thread, which would run it.
      executor.execute(() -> { });
      executor.look();
      assertEquals(1, executor.threads(), "busy on a CPU, not blocked: no thread added");
      gauges.advance(HALF_STALL - 1);
      executor.look();
      assertEquals(1, executor.threads(), "still busy, not blocked");
    }
  }

  @Test
  void aCollectorPauseDoesNotMakeATaskLookBlocked() throws Exception {
    try (ElasticExecutor executor = executor(1)) {
      executor.execute(blocking());
      awaitStarted(1);
      gauges.advance(STALL.toNanos());
      executor.look();
      // The whole half stall since that look was a collector pause, which stops every thread.
      gauges.advance(HALF_STALL);
      gauges.gc.addAndGet(HALF_STALL);
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      executor.look();
      assertEquals(1, executor.threads(), "no thread added for a pause");
      // The next half stall, no pause: the task used no CPU, so it is blocked.
      gauges.advance(HALF_STALL);
      executor.look();
      assertEquals(2, executor.threads(), "a thread added for the blocked task");
      assertTrue(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void withoutCpuTimesEveryLongTaskCountsAsBlocked() throws Exception {
    gauges.cpuTimes = false;
    try (ElasticExecutor executor = executor(1)) {
      executor.execute(computing());
      awaitStarted(1);
      gauges.advance(STALL.toNanos());
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      executor.look();
      assertEquals(2, executor.threads(), "errs towards threads, at the first look");
      assertTrue(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void aShortTaskIsNotStuckBehindALongComputation() throws Exception {
    try (ElasticExecutor executor = executor(1)) {
      executor.execute(computing());
      awaitStarted(1);
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      gauges.advance(HALF_STALL);
      executor.look();
      assertEquals(1, executor.threads());
      assertEquals(1, ran.getCount(), "the only thread computes");
      // The short task has now waited the stall: it gets a thread of its own.
      gauges.advance(HALF_STALL);
      executor.look();
      assertEquals(2, executor.threads());
      assertTrue(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the short task ran");
    }
  }

  @Test
  void theWatcherAddsThreadsForBlockedTasksOnItsOwn() throws Exception {
    // The real clock, CPU times and watcher thread: only the outcome is checked, with no bound
    // on how soon it comes but the patience above.
    try (ElasticExecutor executor = new ElasticExecutor(2, 100, STALL, THREADS)) {
      CountDownLatch waited = new CountDownLatch(5);
      for (int i = 0; i < 5; i++) {
        executor.execute(() -> {
          awaitGate();
          waited.countDown();
        });
      }
      executor.execute(gate::countDown);
      // The sixth task can only run on a thread added for the blocked: the base threads are 2.
      // (How many threads remain afterwards is not checked: the watcher may already have ended
      // those no longer needed.)
      assertTrue(waited.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "blocked tasks released");
    }
  }

  @Test
  void closedRefusesTasks() {
    ElasticExecutor executor = new ElasticExecutor(1, 1, STALL, THREADS);
    executor.close();
    assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new ElasticExecutor(0, 1, STALL, THREADS));
    assertThrows(IllegalArgumentException.class, () -> new ElasticExecutor(2, 1, STALL, THREADS));
    assertThrows(IllegalArgumentException.class,
        () -> new ElasticExecutor(1, 1, Duration.ZERO, THREADS));
  }

  @Test
  void closeInterruptsRunningTasks() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(1);
    ElasticExecutor executor = executor(1);
    executor.execute(() -> {
      started.release();
      try {
        gate.await();
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
      ended.countDown();
    });
    awaitStarted(1);
    executor.close();
    assertTrue(ended.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertTrue(interrupted.get(), "close interrupts running tasks");
  }
}
