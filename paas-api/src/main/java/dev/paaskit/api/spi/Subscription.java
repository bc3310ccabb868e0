package dev.paaskit.api.spi;

/**
 * An active subscription; {@link #close()} stops delivery and is idempotent. Thread-safe.
 */
public interface Subscription extends AutoCloseable {
  /**
   * What the subscription listens to.
   *
   * @return the subject as subscribed, wildcards included
   */
  String subject();

  /**
   * Stops delivery: no handler call starts after this returns, not even for messages already
   * queued, except one that had already begun on another thread. May be called from the
   * handler itself. Idempotent.
   */
  @Override
  void close();
}
