package dev.paaskit.node.internal;

import dev.paaskit.api.spi.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on containers' exits, as a backend's {@code close} does. */
public final class Exits {
  private Exits() {}

  /**
   * Waits for all of {@code exits}, at most {@code timeout}.
   *
   * @param exits futures that never fail
   * @param timeout how long to wait in real time
   * @return false only when interrupted, with the thread's flag cleared; a timeout returns true
   * @throws IllegalStateException if an exit failed
   */
  public static boolean awaitAll(List<CompletableFuture<ExitStatus>> exits, Duration timeout) {
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
          .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return true;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a container's exit failed; exits never fail", e);
    } catch (InterruptedException e) {
      return false;
    }
  }
}
