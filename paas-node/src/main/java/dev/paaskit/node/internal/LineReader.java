package dev.paaskit.node.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines of bounded length. A line ends at {@code \n}; a {@code \r}
 * before it is dropped; a last line without a terminator still counts. A line longer than
 * {@code maxLineBytes} is cut to its first {@code maxLineBytes} bytes (at a character boundary)
 * and the rest of it is skipped, so memory stays bounded whatever the process writes. Not
 * thread-safe.
 */
public final class LineReader implements Closeable {
  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buffer = new byte[8192];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private int lineLength;

  public LineReader(InputStream in, int maxLineBytes) {
    if (maxLineBytes < 4) {
      throw new IllegalArgumentException("maxLineBytes must be at least 4: " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line without its terminator, or null at the end of the stream. */
  public String readLine() throws IOException {
    lineLength = 0;
    boolean truncated = false;
    boolean sawAny = false;
    while (true) {
      if (pos == limit) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          return sawAny ? finish(truncated) : null;
        }
        pos = 0;
        limit = n;
        continue;
      }
      sawAny = true;
      int end = pos;
      while (end < limit && buffer[end] != '\n') {
        end++;
      }
      int room = maxLineBytes - lineLength;
      int take = Math.min(end - pos, room);
      if (take < end - pos) {
        truncated = true;
      }
      append(pos, take);
      if (end < limit) {
        pos = end + 1;
        return finish(truncated);
      }
      pos = limit;
    }
  }

  private void append(int from, int count) {
    if (count <= 0) {
      return;
    }
    if (lineLength + count > line.length) {
      int grown = Math.max(line.length * 2, lineLength + count);
      line = Arrays.copyOf(line, Math.min(maxLineBytes, grown));
    }
    System.arraycopy(buffer, from, line, lineLength, count);
    lineLength += count;
  }

  private String finish(boolean truncated) {
    int length = lineLength;
    if (truncated) {
      length = completeUtf8(line, length);
    } else if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new String(line, 0, length, StandardCharsets.UTF_8);
  }

  /** {@code length}, shortened so that it does not end inside a multi-byte UTF-8 sequence. */
  static int completeUtf8(byte[] bytes, int length) {
    for (int back = 1; back <= 4 && back <= length; back++) {
      int b = bytes[length - back] & 0xff;
      if ((b & 0xc0) == 0x80) {
        continue;
      }
      int needed = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return needed > back ? length - back : length;
    }
    return length;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
