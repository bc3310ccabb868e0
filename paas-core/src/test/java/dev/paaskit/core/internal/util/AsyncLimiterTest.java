package dev.paaskit.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncLimiterTest {
  @Test
  void runsAtMostTheLimitAtOnceAndTheRestInOrder() {
    AsyncLimiter limiter = new AsyncLimiter(2);
    List<CompletableFuture<String>> gates = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<String> gate = new CompletableFuture<>();
      gates.add(gate);
      results.add(limiter.submit(() -> {
        started.add(n);
        return gate;
      }));
    }
    assertEquals(List.of(0, 1), started);
    assertEquals(3, limiter.waiting());
    gates.get(1).complete("one");
    assertEquals(List.of(0, 1, 2), started);
    assertEquals("one", results.get(1).join());
    gates.get(0).completeExceptionally(new IllegalStateException("boom"));
    assertEquals(List.of(0, 1, 2, 3), started);
    ExecutionException e = assertThrows(ExecutionException.class, () -> results.get(0).get());
    assertEquals("boom", e.getCause().getMessage());
    gates.get(2).complete("two");
    gates.get(3).complete("three");
    gates.get(4).complete("four");
    assertEquals(List.of(0, 1, 2, 3, 4), started);
    assertEquals("four", results.get(4).join());
    assertEquals(0, limiter.waiting());
  }

  @Test
  void jobsThatCompleteAtOnceDoNotNest() {
    AsyncLimiter limiter = new AsyncLimiter(1);
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    limiter.submit(() -> gate);
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int n = i;
      results.add(limiter.submit(() -> CompletableFuture.completedFuture(n)));
    }
    gate.complete(-1);
    for (CompletableFuture<Integer> r : results) {
      assertTrue(r.isDone());
      done.addAndGet(r.join() >= 0 ? 1 : 0);
    }
    assertEquals(100_000, done.get(), "no stack overflow, every job ran");
  }

  @Test
  void aJobThatThrowsFailsItsResultAndFreesItsTurn() {
    AsyncLimiter limiter = new AsyncLimiter(1);
    CompletableFuture<Object> failed = limiter.submit(() -> {
      throw new IllegalArgumentException("bad job");
    });
    assertTrue(failed.isCompletedExceptionally());
    assertEquals("ok", limiter.submit(() -> CompletableFuture.completedFuture("ok")).join());
    CompletableFuture<Object> noFuture = limiter.submit(() -> null);
    assertTrue(noFuture.isCompletedExceptionally(), "a job with no future fails, holds no turn");
    assertEquals("still", limiter.submit(() -> CompletableFuture.completedFuture("still")).join());
    assertThrows(IllegalArgumentException.class, () -> new AsyncLimiter(0));
  }
}
