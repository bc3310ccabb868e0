package dev.paaskit.core.internal.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What makes file-system changes survive a crash. */
public final class Durable {
  private Durable() {}

  /**
   * Makes renames and creations in {@code dir} durable (fsync of the directory). The thread's
   * interrupt flag is cleared for the call and then restored, as an interrupt would close the
   * channel before the sync.
   */
  public static void syncDirectory(Path dir) throws IOException {
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
