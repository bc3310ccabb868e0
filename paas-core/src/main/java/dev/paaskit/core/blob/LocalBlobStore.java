package dev.paaskit.core.blob;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.core.internal.util.Durable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a local directory: the blob with sha256 {@code ab12...} is the file
 * {@code dir/ab/ab12...}.
 *
 * <p>{@link #put(InputStream)} hashes the content while writing it to a temporary file in
 * {@code dir}, syncs it, and renames it into place atomically, so a blob is visible only once
 * whole and durable, and a put that fails (the stream throws, the disk fills) leaves nothing
 * behind. Content already stored is not stored again. Several stores, in this process or others,
 * may share a directory: concurrent puts of the same content all succeed with the same result.
 * A put holds a lock on its temporary file, and opening a store removes the temporary files whose
 * put has died with its process.
 *
 * <pre>{@code
 * LocalBlobStore blobs = LocalBlobStore.open(Path.of("/var/lib/paaskit/blobs"));
 * BlobInfo droplet = blobs.put(Path.of("droplet.tgz"));
 * }</pre>
 *
 * <p>Thread-safe. {@link #put(InputStream)} reads the stream to its end and does not close it.
 */
public final class LocalBlobStore implements BlobStore {
  static final String TEMP_PREFIX = ".put-";
  static final String TEMP_SUFFIX = ".tmp";

  private static final Logger logger = LoggerFactory.getLogger(LocalBlobStore.class);

  private final Path directory;

  private LocalBlobStore(Path directory) {
    this.directory = directory;
  }

  /**
   * Opens the store in {@code dir}, creating the directory if needed and removing temporary files
   * that no live put holds. Blobs already in the directory are served as they are, not verified.
   *
   * @param dir the store's directory, relative to the working directory unless absolute; other
   *     stores may have it open too
   * @return a store on the directory; it holds no open file, so there is nothing to close
   * @throws IOException if the directory cannot be created or listed, or a leftover temporary
   *     file cannot be removed
   */
  public static LocalBlobStore open(Path dir) throws IOException {
    Path directory = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    Files.createDirectories(directory);
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(directory, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        removeIfAbandoned(temp);
      }
    }
    return new LocalBlobStore(directory);
  }

  /**
   * The directory this store keeps its blobs in.
   *
   * @return the directory given to {@link #open}, made absolute and normalised
   */
  public Path directory() {
    return directory;
  }

  @Override
  public BlobInfo put(InputStream content) throws IOException {
    Objects.requireNonNull(content, "content");
    Path temp = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
    BlobInfo info;
    try {
      info = store(temp, content);
    } catch (Throwable e) {
      deleteAfterFailure(temp, e);
      throw e;
    }
    // Still there only when the blob was stored before: this put had nothing to add.
    Files.deleteIfExists(temp);
    return info;
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    try {
      return Optional.of(Files.newInputStream(pathOf(sha256)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<BlobInfo> stat(String sha256) throws IOException {
    try {
      return Optional.of(new BlobInfo(sha256, Files.size(pathOf(sha256))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return Files.deleteIfExists(pathOf(sha256));
  }

  @Override
  public String toString() {
    return "LocalBlobStore{" + directory + "}";
  }

  private Path pathOf(String sha256) {
    BlobInfo.checkSha256(sha256);
    return directory.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /** Copies {@code content} into {@code temp} and moves it into place unless already there. */
  private BlobInfo store(Path temp, InputStream content) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    long size = 0;
    try (FileOutputStream out = new FileOutputStream(temp.toFile());
        FileLock lock = out.getChannel().tryLock()) {
      if (lock == null) {
        throw new IOException("temporary file " + temp + " was claimed by the cleanup of a store"
            + " opening on " + directory + " at the same moment");
      }
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = content.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
      out.getFD().sync();
      BlobInfo info = new BlobInfo(Sha256.hex(digest), size);
      Path target = pathOf(info.sha256());
      if (!Files.exists(target)) {
        publish(temp, target);
      }
      return info;
    }
  }

  private void publish(Path temp, Path target) throws IOException {
    Path shard = target.getParent();
    if (!Files.isDirectory(shard)) {
      Files.createDirectories(shard);
      Durable.syncDirectory(directory);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // A concurrent put of the same content won, on a platform where renames do not replace.
      return;
    }
    Durable.syncDirectory(shard);
  }

  private static void removeIfAbandoned(Path temp) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock != null) {
        Files.delete(temp);
        logger.info("Removed {}, left by a put that did not finish", temp);
      }
    } catch (OverlappingFileLockException | NoSuchFileException e) {
      logger.debug("Kept {}: a put in this process is writing it, or it is already gone", temp);
    }
  }

  private static void deleteAfterFailure(Path temp, Throwable failure) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
