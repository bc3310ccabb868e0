package dev.paaskit.node.internal;

import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerListener.Stream;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the container SPI promises a container's listener, kept in one place for every backend
 * that reads a process's output: one call at a time, every line before the one exit, nothing
 * after it, and a listener that throws does not stop the others' calls. Thread-safe; its lock is
 * never held while the caller's own locks are taken.
 */
public final class ListenerGate {
  private static final Logger log = LoggerFactory.getLogger(ListenerGate.class);

  private final String id;
  private final ContainerListener listener;
  private final int maxLineBytes;
  private final Object lock = new Object();

  // Guarded by lock.
  private boolean closed;

  /**
   * A gate for one container.
   *
   * @param id the container's id, for logs
   * @param listener what hears it
   * @param maxLineBytes lines are cut to this many bytes
   */
  public ListenerGate(String id, ContainerListener listener, int maxLineBytes) {
    this.id = id;
    this.listener = listener;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Reads {@code in} line by line on a thread of {@code executor} and passes each line on.
   *
   * @param in a process's output; closed at its end
   * @param stream which one it is
   * @param executor runs the blocking read
   * @return completes once the stream ended
   * @throws java.util.concurrent.RejectedExecutionException when the executor refuses it
   */
  public CompletableFuture<Void> pump(InputStream in, Stream stream, Executor executor) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    executor.execute(() -> {
      try (LineReader reader = new LineReader(in, maxLineBytes)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          deliver(stream, line);
        }
      } catch (IOException e) {
        log.debug("container {}: reading {} ended with {}", id, stream, e.toString());
      } finally {
        done.complete(null);
      }
    });
    return done;
  }

  /**
   * Passes one line on, unless the exit was told.
   *
   * @param stream where it came from
   * @param line the line
   */
  public void deliver(Stream stream, String line) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        listener.onOutput(stream, line);
      } catch (RuntimeException e) {
        log.warn("the listener of container {} failed on a line of {}", id, stream, e);
      }
    }
  }

  /**
   * Tells the exit, once; lines after it are dropped.
   *
   * @param status how the container ended
   */
  public void exit(ExitStatus status) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        listener.onExit(status);
      } catch (RuntimeException e) {
        log.warn("the listener of container {} failed on its exit", id, e);
      }
    }
  }
}
