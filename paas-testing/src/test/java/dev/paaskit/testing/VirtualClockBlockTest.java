package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Threads that wait on virtual time, as a harness waiting for quiet counts them. */
@Timeout(60)
class VirtualClockBlockTest {
  @Test
  void aThreadWhoseDeadlinePassedCountsAsBusyBeforeItWakes() throws Exception {
    VirtualClock clock = VirtualClock.create();
    long deadline = clock.nanoTime() + Duration.ofSeconds(10).toNanos();
    CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> {
      try {
        return clock.blockUntil(deadline, Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    long realDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (clock.blockedThreads() == 0 && System.nanoTime() < realDeadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertEquals(1, clock.blockedThreads(), "the thread waits on the clock");

    clock.advance(Duration.ofSeconds(9));
    assertEquals(1, clock.blockedThreads(), "a second short of its deadline");
    synchronized (clock) {
      // The woken thread cannot leave blockUntil while this thread holds the clock's lock.
      clock.advance(Duration.ofSeconds(1));
      assertEquals(0, clock.blockedThreads(),
          "past its deadline it is about to work, so a harness must wait for it");
    }
    assertTrue(woke.get(30, TimeUnit.SECONDS));
  }
}
