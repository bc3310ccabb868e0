package dev.paaskit.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ElasticExecutorTest {
  private static final ThreadFactory THREADS =
      new ThreadFactoryBuilder().setDaemon(true).setNameFormat("elastic-test-%d").build();

  @Test
  void aBurstOfShortTasksRunsOnAFewThreads() throws Exception {
    try (ElasticExecutor executor = new ElasticExecutor(2, 100, Duration.ofMillis(10), THREADS)) {
      int tasks = 20_000;
      CountDownLatch done = new CountDownLatch(tasks);
      java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int i = 0; i < tasks; i++) {
        executor.execute(() -> {
          seen.add(Thread.currentThread());
          done.countDown();
        });
      }
      assertTrue(done.await(20, TimeUnit.SECONDS), done.getCount() + " tasks left");
      // The base threads, and at most as many again while the queue's head waits past the stall;
      // a cached pool makes a thread whenever none is idle at that instant.
      assertTrue(seen.size() >= 2 && seen.size() <= 4, "threads used: " + seen);
    }
  }

  @Test
  void blockedTasksGetThreadsAddedSoOthersStillRun() throws Exception {
    try (ElasticExecutor executor = new ElasticExecutor(2, 100, Duration.ofMillis(10), THREADS)) {
      // Five tasks that each wait for the sixth: with only the base threads this never ends.
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch waited = new CountDownLatch(5);
      for (int i = 0; i < 5; i++) {
        executor.execute(() -> {
          try {
            if (release.await(20, TimeUnit.SECONDS)) {
              waited.countDown();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      executor.execute(release::countDown);
      assertTrue(waited.await(10, TimeUnit.SECONDS), "blocked tasks released by a later one");
      assertTrue(executor.threads() >= 3, "threads added for the blocked: " + executor.threads());
    }
  }

  @Test
  void threadsAddedForBlockedTasksEndOnceTheyAreNotNeededThoughWorkKeepsComing() throws Exception {
    try (ElasticExecutor executor = new ElasticExecutor(2, 100, Duration.ofMillis(10), THREADS)) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocked = new CountDownLatch(8);
      for (int i = 0; i < 8; i++) {
        executor.execute(() -> {
          blocked.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      assertTrue(blocked.await(10, TimeUnit.SECONDS), "every blocked task got a thread");
      assertTrue(executor.threads() >= 8, "threads: " + executor.threads());
      release.countDown();
      // A steady trickle of short tasks, each waking an idle thread: the extra threads still end.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (executor.threads() > 4 && System.nanoTime() < deadline) {
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
      }
      assertTrue(executor.threads() <= 4, "threads left: " + executor.threads());
    }
  }

  @Test
  void aLongComputationIsNotTakenForBlocked() throws Exception {
    try (ElasticExecutor executor = new ElasticExecutor(1, 100, Duration.ofMillis(10), THREADS)) {
      CountDownLatch done = new CountDownLatch(1);
      AtomicInteger maxThreads = new AtomicInteger();
      executor.execute(() -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long x = 0;
        while (System.nanoTime() < until) {
          x += Long.numberOfTrailingZeros(x + 1);
          maxThreads.accumulateAndGet(executor.threads(), Math::max);
        }
        done.countDown();
      });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertEquals(1, maxThreads.get(), "busy on a CPU, not blocked: no thread added");
    }
  }

  @Test
  void aShortTaskIsNotStuckBehindALongComputation() throws Exception {
    try (ElasticExecutor executor = new ElasticExecutor(1, 100, Duration.ofMillis(10), THREADS)) {
      CountDownLatch computing = new CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      executor.execute(() -> {
        computing.countDown();
        long x = 0;
        while (!stop.get()) {
          x += Long.numberOfTrailingZeros(x + 1);
        }
      });
      assertTrue(computing.await(5, TimeUnit.SECONDS));
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      // The only base thread computes until told to stop: the short task gets a thread of its
      // own once it has waited the stall.
      assertTrue(ran.await(5, TimeUnit.SECONDS), "the short task ran while the long one computes");
      stop.set(true);
    }
  }

  @Test
  void closedRefusesTasks() {
    ElasticExecutor executor = new ElasticExecutor(1, 1, Duration.ofMillis(10), THREADS);
    executor.close();
    assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class,
        () -> new ElasticExecutor(0, 1, Duration.ofMillis(10), THREADS));
    assertThrows(IllegalArgumentException.class,
        () -> new ElasticExecutor(2, 1, Duration.ofMillis(10), THREADS));
    assertThrows(IllegalArgumentException.class,
        () -> new ElasticExecutor(1, 1, Duration.ZERO, THREADS));
  }
}
