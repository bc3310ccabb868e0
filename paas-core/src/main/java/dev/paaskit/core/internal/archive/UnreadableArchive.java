package dev.paaskit.core.internal.archive;

import dev.paaskit.api.InvalidArchiveException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Marks failures to read archive bytes as a broken archive rather than a broken disk: wraps an
 * entry's content so that a truncated or corrupt stream surfaces as an
 * {@link InvalidArchiveException} with no entry, while failures to write stay {@link IOException}.
 */
final class UnreadableArchive extends FilterInputStream {
  UnreadableArchive(InputStream in) {
    super(in);
  }

  /** The exception for archive bytes that could not be read or decoded. */
  static InvalidArchiveException because(Exception cause) {
    String detail = cause.getMessage() == null
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    String problem = cause instanceof EOFException
        ? "not a readable archive: it ends too early (" + detail + ")"
        : "not a readable archive: " + detail;
    InvalidArchiveException e = new InvalidArchiveException(null, problem);
    e.initCause(cause);
    return e;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException | RuntimeException e) {
      throw because(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException | RuntimeException e) {
      throw because(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException | RuntimeException e) {
      throw because(e);
    }
  }
}
