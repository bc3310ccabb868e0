package dev.paaskit.core.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log of a {@link FileStateStore} holds a damaged record that later valid records follow, or
 * is not a state log at all. The store refuses to open rather than drop acknowledged writes; the
 * file is left as it was, for a person to inspect or restore from a backup.
 */
public final class CorruptStateLogException extends IOException {
  private final Path file;
  private final long offset;

  /**
   * @param offset where in {@code file} the damaged record starts
   * @param problem what is wrong there
   */
  public CorruptStateLogException(Path file, long offset, String problem) {
    super("state log " + file + " is corrupt at offset " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  /** Where in {@link #file()} the damaged record starts. */
  public long offset() {
    return offset;
  }
}
