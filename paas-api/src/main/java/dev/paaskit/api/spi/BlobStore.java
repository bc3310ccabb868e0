package dev.paaskit.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed storage of packages and droplets: a blob's address is the sha256 of its
 * bytes. Storing the same bytes twice stores them once.
 *
 * <p>Thread-safe. A blob is visible only once wholly written; a failed put leaves nothing.
 */
public interface BlobStore {
  /** Reads {@code content} to its end, stores it, and returns its address and size. */
  BlobInfo put(InputStream content) throws IOException;

  /** Stores the file at {@code file}. */
  default BlobInfo put(Path file) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      return put(in);
    }
  }

  /**
   * Opens a stored blob for reading; empty when there is none. A remote store verifies the
   * sha256 as it reads and fails the stream with an IOException on a mismatch.
   */
  Optional<InputStream> open(String sha256) throws IOException;

  /** The blob's info, or empty. */
  Optional<BlobInfo> stat(String sha256) throws IOException;

  /** Removes the blob; false when there was none. */
  boolean delete(String sha256) throws IOException;
}
