package dev.paaskit.core.internal.health;

import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock moved by hand: nanoTime and now advance together, no timer ever fires. */
final class HandClock implements Clock {
  long nanos = 1_000_000_000L;

  @Override
  public Instant now() {
    return Instant.ofEpochSecond(1_800_000_000L).plusNanos(nanos);
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return () -> { };
  }
}
