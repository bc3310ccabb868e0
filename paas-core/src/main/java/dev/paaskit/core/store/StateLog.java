package dev.paaskit.core.store;

import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.core.internal.util.Durable;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of a {@link FileStateStore} (format in {@link LogFormat}): replayed on
 * open, appended and synced on every change, and compacted by writing the live entries to a new
 * file that atomically replaces the log.
 *
 * <p>Writes go through {@link RandomAccessFile} and {@link java.io.FileDescriptor#sync()} rather
 * than a {@link FileChannel}: an interrupt of a writing thread closes a FileChannel, which would
 * take the store down for every other thread.
 *
 * <p>Not thread-safe: the engine calls it under its write lock.
 */
final class StateLog implements Journal {
  static final String LOG_FILE = "state.log";
  static final String COMPACTING_FILE = "state.log.compacting";
  static final String LOCK_FILE = "state.lock";

  private static final Logger logger = LoggerFactory.getLogger(StateLog.class);

  private final Path dir;
  private final Path file;
  private final FileStateStore.Options options;
  private final DirectoryLock lock;
  private RandomAccessFile out;
  private long size;
  private long liveBytes;
  /** Compaction waits until the log reaches this size, after a failed attempt. */
  private long retryCompactionAt;
  /** Set when the log may hold a partial frame or cannot be written; no write follows then. */
  private IOException broken;

  private StateLog(Path dir, FileStateStore.Options options, DirectoryLock lock,
      RandomAccessFile out, long size, long liveBytes) {
    this.dir = dir;
    this.file = dir.resolve(LOG_FILE);
    this.options = options;
    this.lock = lock;
    this.out = out;
    this.size = size;
    this.liveBytes = liveBytes;
  }

  /** The log and what it holds. */
  record Opened(StateLog log, NavigableMap<String, StoreEntry> entries, long revision) {}

  /**
   * Locks {@code dir}, creating it and an empty log if needed, removes what an interrupted
   * compaction left, replays the log and cuts off a torn last frame.
   */
  static Opened open(Path dir, FileStateStore.Options options) throws IOException {
    Files.createDirectories(dir);
    DirectoryLock lock = DirectoryLock.acquire(dir, LOCK_FILE, "FileStateStore");
    RandomAccessFile out = null;
    try {
      Path file = dir.resolve(LOG_FILE);
      Path compacting = dir.resolve(COMPACTING_FILE);
      if (Files.deleteIfExists(compacting)) {
        logger.info("Removed {}, left by a compaction that did not finish; {} is complete",
            compacting, file);
      }
      if (!Files.exists(file)) {
        writeSnapshot(compacting, List.of(), 0);
        replace(compacting, file);
      }
      LogReplay.Result replayed = LogReplay.replay(file);
      out = new RandomAccessFile(file.toFile(), "rw");
      long length = out.length();
      if (replayed.validBytes() < length) {
        out.setLength(replayed.validBytes());
        out.getFD().sync();
        logger.warn("State log {}: dropped {} bytes from offset {}, {}: a write torn by a crash,"
                + " never acknowledged. All {} entries before it are kept (revision {}).",
            file, length - replayed.validBytes(), replayed.validBytes(), replayed.tornProblem(),
            replayed.entries().size(), replayed.revision());
      }
      out.seek(replayed.validBytes());
      StateLog log = new StateLog(
          dir, options, lock, out, replayed.validBytes(), replayed.liveBytes());
      return new Opened(log, replayed.entries(), replayed.revision());
    } catch (IOException | RuntimeException | Error e) {
      closeAfterFailure(out, e);
      closeAfterFailure(lock, e);
      throw e;
    }
  }

  @Override
  public void append(WatchEvent change, StoreEntry replaced) throws IOException {
    if (broken != null) {
      throw new IOException("state log " + file
          + " takes no more writes after an earlier failure; close and reopen the store", broken);
    }
    byte[] frame = LogFormat.changeFrame(change);
    try {
      out.write(frame);
      if (options.fsync()) {
        out.getFD().sync();
      }
    } catch (IOException e) {
      broken = e;
      throw e;
    }
    size += frame.length;
    if (replaced != null) {
      liveBytes -= LogFormat.putFrameBytes(replaced.key(), replaced.value().length);
    }
    if (change.kind() == WatchEvent.Kind.PUT) {
      liveBytes += frame.length;
    }
  }

  @Override
  public void applied(Collection<StoreEntry> live, long revision) {
    if (broken == null && size >= options.compactionThresholdBytes() && size >= retryCompactionAt
        && size - liveBytes > size * options.compactionGarbageFraction()) {
      compact(live, revision);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      lock.close();
    }
  }

  /** The current length of the log file. */
  long sizeBytes() {
    return size;
  }

  private void compact(Collection<StoreEntry> live, long revision) {
    Path compacting = dir.resolve(COMPACTING_FILE);
    long before = size;
    long written;
    try {
      written = writeSnapshot(compacting, live, revision);
      Files.move(compacting, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      retryCompactionAt = size + options.compactionThresholdBytes();
      logger.warn("Could not compact state log {}; it keeps growing, and compaction is tried"
          + " again at {} bytes", file, retryCompactionAt, e);
      deleteAfterFailure(compacting, e);
      return;
    }
    // From here the new file is the log: appends must go to it, and only once its name is durable.
    RandomAccessFile old = out;
    try {
      Durable.syncDirectory(dir);
      RandomAccessFile fresh = new RandomAccessFile(file.toFile(), "rw");
      fresh.seek(written);
      out = fresh;
    } catch (IOException e) {
      broken = e;
      logger.error("State log {} was compacted but cannot be written any more; the store takes no"
          + " more writes until it is reopened, and loses nothing acknowledged", file, e);
      return;
    }
    size = written;
    liveBytes = written;
    try {
      old.close();
    } catch (IOException e) {
      logger.warn("Could not close the replaced state log file of {}", file, e);
    }
    logger.debug("Compacted state log {} from {} to {} bytes ({} entries, revision {})",
        file, before, written, live.size(), revision);
  }

  /** Writes a whole log holding {@code live} to {@code target}, synced; returns its length. */
  private static long writeSnapshot(Path target, Collection<StoreEntry> live, long revision)
      throws IOException {
    List<StoreEntry> byRevision = new ArrayList<>(live);
    byRevision.sort(Comparator.comparingLong(StoreEntry::revision));
    long length = 0;
    try (FileOutputStream file = new FileOutputStream(target.toFile());
        OutputStream buffered = new BufferedOutputStream(file, 1 << 16)) {
      length += write(buffered, LogFormat.MAGIC);
      length += write(buffered, LogFormat.baseFrame(revision));
      for (StoreEntry entry : byRevision) {
        length += write(buffered, LogFormat.putFrame(entry.key(), entry.value(), entry.revision()));
      }
      buffered.flush();
      file.getFD().sync();
    }
    return length;
  }

  private static int write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    return bytes.length;
  }

  private static void replace(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    Durable.syncDirectory(target.getParent());
  }

  private static void deleteAfterFailure(Path path, Exception failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      failure.addSuppressed(e);
      logger.warn("Could not delete {}; the next open removes it", path, e);
    }
  }

  private static void closeAfterFailure(AutoCloseable closeable, Throwable failure) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
