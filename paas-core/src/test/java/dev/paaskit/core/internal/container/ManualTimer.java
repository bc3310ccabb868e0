package dev.paaskit.core.internal.container;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A clock whose timers fire only when a test fires them; time itself stands still. */
final class ManualTimer implements Clock {
  private record Timer(Duration delay, Runnable task) {}

  private final BlockingQueue<Timer> scheduled = new LinkedBlockingQueue<>();

  @Override
  public Instant now() {
    return Instant.EPOCH;
  }

  @Override
  public long nanoTime() {
    return 0;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    scheduled.add(new Timer(delay, task));
    return () -> { };
  }

  /** Waits for the next timer to be scheduled, checks its delay and runs its task. */
  void fireWhenScheduled(Duration delay) throws InterruptedException {
    Timer timer = scheduled.take();
    if (!timer.delay().equals(delay)) {
      throw new AssertionError("a timer of " + timer.delay() + ", not " + delay);
    }
    timer.task().run();
  }
}
