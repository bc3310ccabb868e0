package dev.paaskit.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive use of a directory, held through an OS lock on a file in it, so that a second store
 * on the same directory fails to open instead of corrupting it.
 *
 * <p>The OS lock only keeps other processes out: POSIX locks belong to the process, and closing
 * any channel to the lock file drops them, so a second open in this JVM must not even open that
 * file. The set of files locked by this JVM is therefore process-wide state, like the OS lock it
 * stands for; two clouds in one JVM on one directory are exactly what it must catch.
 */
final class DirectoryLock implements AutoCloseable {
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;

  private DirectoryLock(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /**
   * Locks {@code dir} through the file {@code name} in it, creating the file if needed.
   *
   * @throws IllegalStateException if this or another process holds the lock
   */
  static DirectoryLock acquire(Path dir, String name, String user) throws IOException {
    Path file = dir.toRealPath().resolve(name);
    if (!HELD_IN_THIS_JVM.add(file)) {
      throw alreadyInUse(file, user, "this process");
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        throw alreadyInUse(file, user, "another process");
      }
      return new DirectoryLock(file, channel);
    } catch (IOException | RuntimeException | Error e) {
      HELD_IN_THIS_JVM.remove(file);
      if (channel != null) {
        closeAfterFailure(channel, e);
      }
      throw e;
    }
  }

  /** Releases the lock; the lock file stays, as deleting it would race with the next holder. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      HELD_IN_THIS_JVM.remove(file);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Only reachable if something else in this JVM locked the file outside this class.
      throw new IllegalStateException("lock file is already locked in this process", e);
    }
  }

  private static IllegalStateException alreadyInUse(Path file, String user, String holder) {
    return new IllegalStateException(file.getParent() + " is already in use by " + holder
        + " (lock file " + file + " is held); only one " + user + " may open a directory");
  }

  private static void closeAfterFailure(FileChannel channel, Throwable failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
