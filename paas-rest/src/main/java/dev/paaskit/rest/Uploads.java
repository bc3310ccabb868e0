package dev.paaskit.rest;

import dev.paaskit.api.ConflictException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.rest.Dto.UploadJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives uploaded for a later push: each is a file kept under an unguessable id until a push
 * takes it or its time runs out, whichever comes first; then it is deleted. At most
 * {@code maxPending} wait at once, so forgotten uploads cannot fill the disk. Thread-safe.
 */
final class Uploads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

  private record Pending(Path file, Cancellable expiry) {}

  private final Path dir;
  private final Clock clock;
  private final Duration ttl;
  private final int maxPending;
  private final Map<String, Pending> pending = new HashMap<>();
  private boolean closed;

  Uploads(Path dir, Clock clock, Duration ttl, int maxPending) {
    this.dir = dir;
    this.clock = clock;
    this.ttl = ttl;
    this.maxPending = maxPending;
  }

  /**
   * Keeps {@code file} (now owned here) for a push.
   *
   * @throws ConflictException when {@code maxPending} uploads already wait; the file is deleted
   */
  UploadJson keep(Path file) throws IOException {
    long size = Files.size(file);
    String id = UUID.randomUUID().toString();
    synchronized (this) {
      if (closed || pending.size() >= maxPending) {
        Files.deleteIfExists(file);
        throw new ConflictException(closed ? "the server is stopping"
            : maxPending + " uploads already wait to be pushed; push them, or wait "
                + ttl.toMinutes() + " minutes for them to expire");
      }
      Cancellable expiry = clock.schedule(ttl, () -> expire(id));
      pending.put(id, new Pending(file, expiry));
    }
    return new UploadJson(id, size, clock.now().plus(ttl).toString());
  }

  /**
   * Takes the upload {@code id} away for a push; the caller deletes the file.
   *
   * @throws NotFoundException when there is no such upload, or it expired or was used
   */
  Path take(String id) {
    Pending p;
    synchronized (this) {
      p = pending.remove(id);
    }
    if (p == null) {
      throw new NotFoundException("upload", id);
    }
    p.expiry.cancel();
    return p.file;
  }

  /** The directory the files live in; uploads are received into it. */
  Path dir() {
    return dir;
  }

  private void expire(String id) {
    Pending p;
    synchronized (this) {
      p = pending.remove(id);
    }
    if (p != null) {
      delete(p.file);
    }
  }

  /** Deletes every waiting upload. */
  @Override
  public void close() {
    List<Pending> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(pending.values());
      pending.clear();
    }
    for (Pending p : all) {
      p.expiry.cancel();
      delete(p.file);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete the uploaded file {}", file, e);
    }
  }
}
