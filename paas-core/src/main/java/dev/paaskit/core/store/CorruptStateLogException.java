package dev.paaskit.core.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log of a {@link FileStateStore} holds a damaged record that later valid records follow, or
 * is not a state log at all. The store refuses to open rather than drop acknowledged writes; the
 * file is left as it was, for a person to inspect or restore from a backup.
 */
public final class CorruptStateLogException extends IOException {
  /** The damaged log file, as a string: a {@link Path} is not serializable. */
  private final String file;
  /** Where in {@code file} the damaged record starts, in bytes. */
  private final long offset;

  /**
   * Describes the damage; the message names the file, the offset and the problem.
   *
   * @param file the log file, as the store resolved it
   * @param offset where in {@code file} the damaged record starts, in bytes from its beginning
   * @param problem what is wrong there, for a person to read
   */
  public CorruptStateLogException(Path file, long offset, String problem) {
    super("state log " + file + " is corrupt at offset " + offset + ": " + problem);
    this.file = file.toString();
    this.offset = offset;
  }

  /**
   * The damaged log.
   *
   * @return the log file, in the store's directory
   */
  public Path file() {
    return Path.of(file);
  }

  /**
   * Where in {@link #file()} the damaged record starts.
   *
   * @return bytes from the beginning of the file; every record before it is intact
   */
  public long offset() {
    return offset;
  }
}
