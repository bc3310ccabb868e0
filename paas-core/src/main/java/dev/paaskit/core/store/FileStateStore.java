package dev.paaskit.core.store;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A durable {@link StateStore} in one directory of the local file system: every entry is held in
 * memory, and every change is appended to a checksummed log and synced to disk before the write
 * returns, so a crash of the process or the machine loses nothing acknowledged.
 *
 * <p>Opening replays the log. A record cut short by a crash at the end of the log is dropped
 * (with a warning saying how many bytes) and the file truncated; damage anywhere else fails the
 * open with a {@link CorruptStateLogException} naming the file and offset. When the log has grown
 * past {@link Options#compactionThresholdBytes()} and is mostly garbage, a write compacts it:
 * the live entries go to a new file that atomically replaces the log, so a crash during
 * compaction loses nothing either.
 *
 * <p>A directory is used by one store at a time: a second open, in this or another process,
 * fails with an {@link IllegalStateException} until the first is closed.
 *
 * <p>Thread-safe. Writes take turns, each with its own sync; reads never wait for the disk.
 * Watches are delivered as by {@link InMemoryStateStore}. Once a write has failed with an I/O
 * error the store takes no more writes, since the log may end in a partial record; reads go on
 * working, and reopening recovers.
 *
 * <pre>{@code
 * try (FileStateStore store = FileStateStore.open(Path.of("/var/lib/paaskit/state"))) {
 *   store.put("apps/shop", spec); // on disk when this returns
 * }
 * }</pre>
 */
public final class FileStateStore implements StateStore {
  private final Path directory;
  private final StateLog log;
  private final StoreEngine engine;

  private FileStateStore(Path directory, StateLog.Opened opened) {
    this.directory = directory;
    this.log = opened.log();
    this.engine = new StoreEngine("file state store " + directory, opened.log(),
        opened.entries(), opened.revision());
  }

  /**
   * Opens the store in {@code dir} with {@link Options#DEFAULTS}, as {@link #open(Path, Options)}
   * does.
   *
   * @param dir the store's directory, created with an empty store if missing
   * @return an open store, which holds the directory until closed
   * @throws CorruptStateLogException if the log is damaged other than by a torn last write
   * @throws IllegalStateException if another store, in this or another process, has {@code dir}
   *     open
   * @throws IOException if the directory or log cannot be read or written
   */
  public static FileStateStore open(Path dir) throws IOException {
    return open(dir, Options.DEFAULTS);
  }

  /**
   * Opens the store in {@code dir}, creating the directory and an empty store if needed. Reads
   * the whole log, so the time it takes grows with the log's length.
   *
   * @param dir the store's directory, relative to the working directory unless absolute
   * @param options how the log is synced and compacted
   * @return an open store, which holds the directory until closed
   * @throws CorruptStateLogException if the log is damaged other than by a torn last write
   * @throws IllegalStateException if another store, in this or another process, has {@code dir}
   *     open
   * @throws IOException if the directory or log cannot be read or written
   */
  public static FileStateStore open(Path dir, Options options) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    Path directory = dir.toAbsolutePath().normalize();
    return new FileStateStore(directory, StateLog.open(directory, options));
  }

  /**
   * The directory this store keeps its files in.
   *
   * @return the directory given to {@code open}, made absolute and normalised
   */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<StoreEntry> get(String key) {
    return engine.get(key);
  }

  @Override
  public List<StoreEntry> list(String prefix) {
    return engine.list(prefix);
  }

  /** Returns once the change is synced to disk (unless {@link Options#fsync()} is off). */
  @Override
  public long put(String key, byte[] value) {
    return engine.put(key, value);
  }

  /** Returns once the change is synced to disk (unless {@link Options#fsync()} is off). */
  @Override
  public OptionalLong compareAndSet(String key, long expectedRevision, byte[] value) {
    return engine.compareAndSet(key, expectedRevision, value);
  }

  /** Returns once the change is synced to disk (unless {@link Options#fsync()} is off). */
  @Override
  public boolean delete(String key) {
    return engine.delete(key);
  }

  /** Returns once the change is synced to disk (unless {@link Options#fsync()} is off). */
  @Override
  public boolean compareAndDelete(String key, long expectedRevision) {
    return engine.compareAndDelete(key, expectedRevision);
  }

  @Override
  public Watch watch(String prefix, Consumer<WatchEvent> listener) {
    return engine.watch(prefix, listener);
  }

  @Override
  public long revision() {
    return engine.revision();
  }

  /**
   * Waits for a write under way, then closes the log and unlocks the directory, so that another
   * store may open it. Idempotent; reads and writes afterwards throw
   * {@link IllegalStateException}.
   *
   * @throws java.io.UncheckedIOException if the log cannot be closed; the directory is unlocked
   *     all the same
   */
  @Override
  public void close() {
    engine.close();
  }

  /** The length of the log file now; for tests of compaction. */
  long logSizeBytes() {
    return log.sizeBytes();
  }

  @Override
  public String toString() {
    return "FileStateStore{" + directory + "}";
  }

  /**
   * Tuning of a {@link FileStateStore}.
   *
   * @param compactionThresholdBytes the log length below which it is never compacted
   * @param compactionGarbageFraction the share of the log, from 0 (inclusive) to 1 (exclusive),
   *     that must be garbage (overwritten or deleted entries) before it is compacted
   * @param fsync whether each write is synced to disk before it returns. Only turn this off where
   *     losing the latest writes to a power cut or OS crash is fine, such as tests: a killed
   *     process still loses nothing, as its writes are in the OS's cache. After such a crash the
   *     log can even fail to open, if later writes reached the disk and earlier ones did not.
   *     Compaction is synced either way.
   */
  public record Options(
      long compactionThresholdBytes, double compactionGarbageFraction, boolean fsync) {
    /** Compaction from 16 MiB when more than half is garbage; fsync on. */
    public static final Options DEFAULTS = new Options(16L << 20, 0.5, true);

    /**
     * Checks the options.
     *
     * @param compactionThresholdBytes 0 or more; 0 lets a write compact a log of any length
     * @param compactionGarbageFraction at least 0 and less than 1
     * @param fsync as given
     * @throws IllegalArgumentException naming the option out of its range and its value
     */
    public Options {
      if (compactionThresholdBytes < 0) {
        throw new IllegalArgumentException(
            "compactionThresholdBytes must not be negative: " + compactionThresholdBytes);
      }
      if (!(compactionGarbageFraction >= 0 && compactionGarbageFraction < 1)) {
        throw new IllegalArgumentException("compactionGarbageFraction must be at least 0 and"
            + " less than 1: " + compactionGarbageFraction);
      }
    }

    /**
     * These options with another compaction threshold.
     *
     * @param bytes the log length below which it is never compacted; 0 or more
     * @return a new value; this one is unchanged
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public Options withCompactionThresholdBytes(long bytes) {
      return new Options(bytes, compactionGarbageFraction, fsync);
    }

    /**
     * These options with another garbage fraction.
     *
     * @param fraction the share of the log that must be garbage before it is compacted; at least
     *     0 and less than 1
     * @return a new value; this one is unchanged
     * @throws IllegalArgumentException if {@code fraction} is outside that range, or NaN
     */
    public Options withCompactionGarbageFraction(double fraction) {
      return new Options(compactionThresholdBytes, fraction, fsync);
    }

    /**
     * These options with each write synced or not; see the record's {@code fsync} for what
     * turning it off risks.
     *
     * @param fsync false only where losing the latest writes to a power cut is fine
     * @return a new value; this one is unchanged
     */
    public Options withFsync(boolean fsync) {
      return new Options(compactionThresholdBytes, compactionGarbageFraction, fsync);
    }
  }
}
