package dev.paaskit.api.spi;

/** A scheduled task that may still be cancelled. */
@FunctionalInterface
public interface Cancellable {
  /** Keeps the task from running if it has not started; idempotent. */
  void cancel();
}
