package dev.paaskit.testing;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One node's view of the blob store, whose downloads a test can make fail or take (virtual)
 * time. Uploads go straight through.
 */
final class FaultyBlobStore implements BlobStore {
  private final BlobStore blobs;
  private final VirtualClock clock;
  private volatile boolean failing;
  private volatile Duration delay = Duration.ZERO;

  FaultyBlobStore(BlobStore blobs, VirtualClock clock) {
    this.blobs = blobs;
    this.clock = clock;
  }

  void fail(boolean failing) {
    this.failing = failing;
  }

  void delay(Duration delay) {
    this.delay = delay;
  }

  @Override
  public BlobInfo put(InputStream content) throws IOException {
    return blobs.put(content);
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    if (failing) {
      throw new IOException("injected failure: the blob store did not answer for " + sha256);
    }
    Duration d = delay;
    if (!d.isZero()) {
      try {
        if (!clock.blockUntil(clock.nanoTime() + d.toNanos(), Duration.ofSeconds(30))) {
          throw new IOException("injected slow download of " + sha256 + " never finished");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during an injected slow download");
      }
    }
    return blobs.open(sha256);
  }

  @Override
  public Optional<BlobInfo> stat(String sha256) throws IOException {
    return blobs.stat(sha256);
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return blobs.delete(sha256);
  }
}
