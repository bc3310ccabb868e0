package dev.paaskit.rest;

import dev.paaskit.rest.Dto.ErrorBody;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a push or a stage as NDJSON while it runs: {@code {"log": "..."}} for each staging line
 * as it comes, a blank line after each quiet {@code heartbeat} (so idle connections stay open
 * and a client that left is noticed), and a last line with the outcome, {@code {"app": ...}} or
 * {@code {"droplet": ...}}, or {@code {"error": {...}}}. Every write happens on the request's
 * thread; the staging threads only queue lines. At most {@link #MAX_QUEUED} lines wait for a
 * slow client; beyond that lines are dropped and a line says how many.
 *
 * <p>A client that goes away stops the writing, not the staging: the cloud finishes (or fails)
 * the push on its own, as it would for an in-process caller that stopped listening.
 */
final class StagingStream {
  private static final Logger LOG = LoggerFactory.getLogger(StagingStream.class);
  static final int MAX_QUEUED = 10_000;
  private static final Object DONE = new Object();
  private static final byte[] HEARTBEAT = "\n".getBytes(StandardCharsets.US_ASCII);

  private StagingStream() {}

  /**
   * Starts the action with a consumer of its log lines, then streams them and the outcome.
   * Exceptions of {@code start} itself propagate before any answer is sent, so they are answered
   * with their own status.
   *
   * @param outcome turns the action's result into the last line's object
   */
  static <T> void run(ApiRequest request, Duration heartbeat,
      Function<Consumer<String>, CompletableFuture<T>> start, Function<T, Object> outcome)
      throws IOException {
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    AtomicLong dropped = new AtomicLong();
    CompletableFuture<T> future = start.apply(line -> {
      if (!queue.offer(line == null ? "" : line)) {
        dropped.incrementAndGet();
      }
    });
    future.whenComplete((result, error) -> queue.offer(DONE));
    OutputStream out = request.startStream();
    String what = request.exchange().getRequestMethod() + " " + request.exchange().getRequestURI();
    try {
      while (true) {
        Object item = queue.poll(heartbeat.toNanos(), TimeUnit.NANOSECONDS);
        if (item == DONE || item == null && future.isDone()) {
          break;
        }
        writeDropped(out, dropped);
        out.write(item == null ? HEARTBEAT : RestJson.line(Map.of("log", item)));
        out.flush();
      }
      for (Object item = queue.poll(); item != null; item = queue.poll()) {
        if (item != DONE) {
          out.write(RestJson.line(Map.of("log", item)));
        }
      }
      writeDropped(out, dropped);
      out.write(RestJson.line(last(future, outcome, what)));
      out.flush();
    } catch (IOException e) {
      LOG.debug("{}: the client went away; staging goes on without it", what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void writeDropped(OutputStream out, AtomicLong dropped) throws IOException {
    long n = dropped.getAndSet(0);
    if (n > 0) {
      out.write(RestJson.line(Map.of("log",
          "[" + n + " staging lines dropped: the client read too slowly]")));
    }
  }

  private static <T> Object last(CompletableFuture<T> future, Function<T, Object> outcome,
      String what) {
    try {
      return outcome.apply(future.join());
    } catch (RuntimeException e) {
      return new ErrorBody(Errors.answer(e, what).error());
    }
  }
}
