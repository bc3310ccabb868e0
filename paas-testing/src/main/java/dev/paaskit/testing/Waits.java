package dev.paaskit.testing;

import dev.paaskit.api.Event;
import dev.paaskit.core.PaasCloud;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on a cloud without sleeping: the condition is checked again after every event the cloud
 * emits (and, should no event come, every 200 ms), and the wait fails with the description of
 * what was seen once the deadline passes. For a cloud on the system clock, such as one on
 * real processes; a {@link TestCloud} has its own {@link TestCloud#until}. Use one from one
 * thread at a time.
 *
 * <pre>{@code
 * Waits waits = Waits.on(cloud);
 * waits.until(() -> running(cloud, "web") == 3, Duration.ofSeconds(10),
 *     () -> "3 RUNNING instances of web, have " + cloud.controller().instances("web"));
 * }</pre>
 */
public final class Waits {
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

  private Waits(PaasCloud cloud) {
    cloud.addEventListener(events::add, Runnable::run);
  }

  /**
   * Starts listening to {@code cloud}; create it before the action whose outcome you wait for.
   * It listens for as long as the cloud lives.
   *
   * @param cloud the cloud whose events wake the waits
   * @return a new waiter
   */
  public static Waits on(PaasCloud cloud) {
    return new Waits(cloud);
  }

  /**
   * Returns once {@code condition} holds; at once when it holds already.
   *
   * @param condition what to wait for; called on the calling thread, it must not block
   * @param timeout how long to wait, in real time
   * @param seen what was expected and what is there, for the failure message; called on failure
   * @throws AssertionError naming what was expected and {@code seen} once {@code timeout} passed,
   *     or when the thread is interrupted (its interrupt flag then set again)
   */
  public void until(BooleanSupplier condition, Duration timeout, Supplier<String> seen) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)),
            TimeUnit.NANOSECONDS) == null && System.nanoTime() - deadline >= 0) {
          throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting for "
              + seen.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + seen.get(), e);
      }
    }
  }
}
