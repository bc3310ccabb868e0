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
 * emits, and the wait fails with the description of what was seen once the deadline passes.
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

  /** Starts listening to {@code cloud}; create it before the action whose outcome you wait for. */
  public static Waits on(PaasCloud cloud) {
    return new Waits(cloud);
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming what was expected and {@code seen} once {@code timeout} passed
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
