package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Message;

/**
 * Bus middleware: sees every message published on an {@link InProcessBus}, requests and replies
 * included, before it is routed, and decides whether, when and in what form it goes on. Meant for
 * fault injection in tests: dropping, delaying or rewriting messages.
 *
 * <p>Each interceptor calls {@link Chain#proceed} at most once: not at all drops the message, later
 * delays it (from any thread, typically a {@link dev.paaskit.api.spi.Clock} timer), with another
 * message rewrites it. Interceptors run on the publisher's thread, in the order they were added to
 * the builder, and must not block; an exception one throws reaches the publisher. A message that
 * proceeds after the bus closed is dropped.
 *
 * <pre>{@code
 * BusInterceptor dropHeartbeats = chain -> {
 *   if (!chain.message().subject().endsWith(".heartbeat")) {
 *     chain.proceed(chain.message());
 *   }
 * };
 * BusInterceptor lag =
 *     chain -> clock.schedule(Duration.ofMillis(50), () -> chain.proceed(chain.message()));
 * MessageBus bus = InProcessBus.builder().executor(executor).clock(clock)
 *     .addInterceptor(dropHeartbeats).addInterceptor(lag).build();
 * }</pre>
 */
@FunctionalInterface
public interface BusInterceptor {
  /**
   * Sees one message and decides its fate by calling {@code chain.proceed} at most once, now or
   * later, or never.
   *
   * @param chain the message and the rest of the way; may be kept and proceeded from another
   *     thread
   */
  void intercept(Chain chain);

  /** One message on its way through the interceptors. Thread-safe. */
  interface Chain {
    /**
     * The message as the previous link passed it on.
     *
     * @return the message, with its payload as published; do not modify its bytes
     */
    Message message();

    /**
     * Hands {@code message} to the next interceptor, or routes it after the last one. Routing
     * runs on the calling thread, so a request that finds no subscriber fails at once.
     *
     * @param message {@link #message()} to pass it on as it is, or another to rewrite it
     * @throws IllegalStateException if this chain already proceeded
     * @throws NullPointerException if {@code message} is null
     * @throws IllegalArgumentException if a rewritten subject or reply subject is invalid
     */
    void proceed(Message message);
  }
}
