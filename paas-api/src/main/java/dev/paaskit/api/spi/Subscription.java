package dev.paaskit.api.spi;

/** An active subscription; {@link #close()} stops delivery and is idempotent. */
public interface Subscription extends AutoCloseable {
  String subject();

  @Override
  void close();
}
