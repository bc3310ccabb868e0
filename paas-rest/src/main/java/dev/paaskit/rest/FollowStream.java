package dev.paaskit.rest;

import com.sun.net.httpserver.HttpExchange;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ?follow=true} answer: an NDJSON stream of an app's log entries (or events) for as
 * long as the client reads it. It holds no thread while idle. Items the cloud delivers are
 * queued; a drain task on the executor writes what is queued, one drain at a time; a task on
 * the clock queues a blank line every {@code heartbeat}, so a client that went away is noticed
 * by a failed write even when the app is silent. A failed write, or {@link #close()}, closes the subscription, cancels
 * the heartbeat and closes the exchange, once; {@link #finish} does so after a last line, as the
 * wait for a rollout ends.
 *
 * <p>At most {@link #MAX_QUEUED} items wait for a slow client; beyond that the oldest are
 * dropped, and the next write starts with a line saying how many.
 *
 * @param <T> what is followed: {@link dev.paaskit.api.LogEntry} or {@link dev.paaskit.api.Event},
 *     or nothing for a stream that only waits for its {@link #finish last line}
 */
final class FollowStream<T> implements Consumer<T>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FollowStream.class);
  static final int MAX_QUEUED = 10_000;
  private static final byte[] HEARTBEAT = "\n".getBytes(StandardCharsets.US_ASCII);

  private final String app;
  private final HttpExchange exchange;
  private final Executor executor;
  private final Clock clock;
  private final Duration heartbeat;
  private final Function<T, Object> toJson;
  private final LongFunction<Object> droppedLine;
  private final Consumer<FollowStream<?>> onClose;

  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long dropped;
  /** True while a drain runs or is submitted, and before the answer's headers are sent. */
  private boolean draining = true;
  private boolean closed;
  /** Set by {@link #finish}: the stream ends once what is queued has been written. */
  private boolean finishing;
  private AutoCloseable subscription;
  private Cancellable heartbeatTask;
  private volatile OutputStream out;

  /**
   * @param toJson the JSON object of one item's line
   * @param droppedLine the JSON object of the line that says how many items were dropped
   */
  FollowStream(String app, HttpExchange exchange, Executor executor, Clock clock,
      Duration heartbeat, Function<T, Object> toJson, LongFunction<Object> droppedLine,
      Consumer<FollowStream<?>> onClose) {
    this.app = app;
    this.exchange = exchange;
    this.executor = executor;
    this.clock = clock;
    this.heartbeat = heartbeat;
    this.toJson = toJson;
    this.droppedLine = droppedLine;
    this.onClose = onClose;
  }

  /**
   * Takes over the exchange once {@code subscription} delivers to this stream: sends the
   * headers, writes what already arrived, and arms the heartbeat. Entries that arrive meanwhile
   * wait in the queue.
   */
  void start(AutoCloseable subscription, ApiRequest request) throws IOException {
    synchronized (this) {
      this.subscription = subscription;
    }
    try {
      out = request.startStream();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    armHeartbeat();
    drain();
  }

  @Override
  public void accept(T item) {
    enqueue(RestJson.line(toJson.apply(item)));
  }

  /**
   * Queues {@code last} (a JSON object) as the stream's last line: once it is written, the
   * stream closes as {@link #close()} does. Items offered later are dropped.
   */
  void finish(Object last) {
    byte[] line = RestJson.line(last);
    synchronized (this) {
      if (closed || finishing) {
        return;
      }
      finishing = true;
      queue.addLast(line);
      if (draining) {
        return;
      }
      draining = true;
    }
    submitDrain();
  }

  private void enqueue(byte[] line) {
    synchronized (this) {
      if (closed || finishing) {
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
        queue.pollFirst();
        dropped++;
      }
      queue.addLast(line);
      if (draining) {
        return;
      }
      draining = true;
    }
    submitDrain();
  }

  private void armHeartbeat() {
    Cancellable task = clock.schedule(heartbeat, () -> {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      enqueue(HEARTBEAT);
      armHeartbeat();
    });
    synchronized (this) {
      if (!closed) {
        heartbeatTask = task;
        return;
      }
    }
    task.cancel();
  }

  private void submitDrain() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      close();
    }
  }

  /** Writes what is queued until the queue is empty; runs as the only drain. */
  private void drain() {
    while (true) {
      List<byte[]> lines;
      long skipped;
      synchronized (this) {
        if (closed || queue.isEmpty()) {
          draining = false;
          if (closed || !finishing) {
            return;
          }
          lines = null;
          skipped = 0;
        } else {
          lines = new ArrayList<>(queue);
          queue.clear();
          skipped = dropped;
          dropped = 0;
        }
      }
      if (lines == null) {
        close(); // the last line is out
        return;
      }
      try {
        if (skipped > 0) {
          out.write(RestJson.line(droppedLine.apply(skipped)));
        }
        for (byte[] line : lines) {
          out.write(line);
        }
        out.flush();
      } catch (IOException | RuntimeException e) {
        LOG.debug("stream of {}: the client went away", app, e);
        close();
        return;
      }
    }
  }

  /** Ends the stream: unsubscribes, stops the heartbeat and closes the exchange. Idempotent. */
  @Override
  public void close() {
    AutoCloseable sub;
    Cancellable task;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      sub = subscription;
      task = heartbeatTask;
    }
    if (task != null) {
      task.cancel();
    }
    if (sub != null) {
      try {
        sub.close();
      } catch (Exception e) {
        LOG.warn("closing the subscription of {} failed", app, e);
      }
    }
    exchange.close();
    onClose.accept(this);
  }
}
