package dev.paaskit.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed storage of packages, droplets and cartridge files: a blob's address is the
 * sha256 of its bytes. Storing the same bytes twice stores them once, and one delete removes
 * them.
 *
 * <p>An implementation must be thread-safe: concurrent puts, of the same bytes or not, all
 * succeed with the address of what each stored. A blob is visible only once wholly written; a
 * failed put leaves nothing, not even a temporary file. Every method that takes an address
 * checks it first, as {@link BlobInfo#checkSha256} does. Calls may block on the disk or the
 * network. {@code BlobStoreContract} in paas-testing holds the tests every implementation must
 * pass.
 */
public interface BlobStore {
  /**
   * Reads {@code content} to its end and stores it, hashing it on the way. The stream is not
   * closed: the caller closes what it opened.
   *
   * @param content the blob's bytes; may be empty
   * @return the blob's address and size; the same for the same bytes, whether they were stored
   *     already or not
   * @throws IOException when the stream fails (the cause is the stream's exception) or the
   *     store cannot write; nothing is stored then
   */
  BlobInfo put(InputStream content) throws IOException;

  /**
   * Stores the content of the file at {@code file}, as {@link #put(InputStream)} does.
   *
   * @param file a regular file
   * @return the blob's address and size
   * @throws IOException when the file cannot be read or the store cannot write
   */
  default BlobInfo put(Path file) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      return put(in);
    }
  }

  /**
   * Opens a stored blob for reading; empty when there is none. A remote store verifies the
   * sha256 as it reads and fails the stream with an IOException on a mismatch. A blob may be
   * opened any number of times, also at once.
   *
   * @param sha256 the blob's address
   * @return a stream of the blob's bytes from the start, which the caller must close; empty when
   *     no blob has that address
   * @throws IllegalArgumentException if {@code sha256} is no address
   * @throws IOException when the store cannot be read
   */
  Optional<InputStream> open(String sha256) throws IOException;

  /**
   * Says whether the blob is stored, and how large it is.
   *
   * @param sha256 the blob's address
   * @return its address and size, or empty when no blob has that address
   * @throws IllegalArgumentException if {@code sha256} is no address
   * @throws IOException when the store cannot be read
   */
  Optional<BlobInfo> stat(String sha256) throws IOException;

  /**
   * Removes the blob; the same bytes may be stored again later.
   *
   * @param sha256 the blob's address
   * @return true when a blob was removed, false when there was none
   * @throws IllegalArgumentException if {@code sha256} is no address
   * @throws IOException when the store cannot be changed
   */
  boolean delete(String sha256) throws IOException;
}
