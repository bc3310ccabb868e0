package dev.paaskit.node.internal;

import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerListener.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The recent output of one instance, bounded both by a number of lines and by the bytes of their
 * text (UTF-8); when a new line would exceed either bound the oldest lines are dropped first.
 * A single line longer than the byte bound is cut to fit it.
 *
 * <pre>{@code
 * InstanceLog log = InstanceLog.builder().maxLines(1000).maxBytes(256 * 1024).clock(clock).build();
 * log.append(Stream.STDOUT, "listening on 8080");
 * List<LogLine> last = log.tail(20);
 * }</pre>
 *
 * <p>Followers poll with {@link #linesSince(long)}, passing the {@link LogLine#seq()} of the last
 * line they saw (0 at first); a gap in the numbers they get back means lines were dropped before
 * they read them. Thread-safe.
 */
public final class InstanceLog {
  public static final int DEFAULT_MAX_LINES = 1000;
  public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

  private final int maxLines;
  private final long maxBytes;
  private final Clock clock;

  // Guarded by this.
  private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
  private long bytes;
  private long lastSeq;
  private long dropped;

  private InstanceLog(int maxLines, long maxBytes, Clock clock) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Appends a line stamped with the clock's time.
   *
   * @throws IllegalStateException if the log was built without a clock
   */
  public LogLine append(Stream stream, String text) {
    if (clock == null) {
      throw new IllegalStateException("this log has no clock; pass the time of the line");
    }
    return append(stream, text, clock.now());
  }

  /** Appends a line written at {@code at}, dropping the oldest lines to stay within bounds. */
  public LogLine append(Stream stream, String text, Instant at) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(at, "at");
    String kept = fit(text, maxBytes);
    long size = utf8Length(kept);
    synchronized (this) {
      while (!lines.isEmpty() && (lines.size() >= maxLines || bytes + size > maxBytes)) {
        bytes -= utf8Length(lines.removeFirst().text());
        dropped++;
      }
      LogLine line = new LogLine(++lastSeq, at, stream, kept);
      lines.addLast(line);
      bytes += size;
      return line;
    }
  }

  /**
   * The last {@code n} lines kept, oldest first; fewer when fewer are kept.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public synchronized List<LogLine> tail(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative: " + n);
    }
    int count = Math.min(n, lines.size());
    List<LogLine> result = new ArrayList<>(count);
    Iterator<LogLine> it = lines.descendingIterator();
    for (int i = 0; i < count; i++) {
      result.add(it.next());
    }
    Collections.reverse(result);
    return List.copyOf(result);
  }

  /** The lines kept whose {@code seq} is greater than {@code seq}, oldest first. */
  public synchronized List<LogLine> linesSince(long seq) {
    long newer = lastSeq - Math.max(seq, 0);
    return tail((int) Math.max(0, Math.min(newer, lines.size())));
  }

  /** The lines dropped so far to stay within bounds. */
  public synchronized long droppedLines() {
    return dropped;
  }

  /** The {@code seq} of the newest line, or 0 before the first. */
  public synchronized long lastSeq() {
    return lastSeq;
  }

  /** The number of lines kept now. */
  public synchronized int size() {
    return lines.size();
  }

  /** The UTF-8 bytes of the text of the lines kept now. */
  public synchronized long bytes() {
    return bytes;
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** {@code text}, cut at a character boundary to at most {@code max} UTF-8 bytes. */
  static String fit(String text, long max) {
    if (text.length() * 3L <= max || utf8Length(text) <= max) {
      return text;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int end = (int) max;
    while (end > 0 && (utf8[end] & 0xc0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  /** Options of an {@link InstanceLog}. Not thread-safe; each option may be set once. */
  public static final class Builder {
    private Integer maxLines;
    private Long maxBytes;
    private Clock clock;

    private Builder() {}

    /** The most lines kept; default 1000. */
    public Builder maxLines(int maxLines) {
      if (this.maxLines != null) {
        throw new IllegalStateException("maxLines is already set");
      }
      if (maxLines < 1) {
        throw new IllegalArgumentException("maxLines must be at least 1: " + maxLines);
      }
      this.maxLines = maxLines;
      return this;
    }

    /** The most bytes of text kept, counted in UTF-8; default 1 MiB. */
    public Builder maxBytes(long maxBytes) {
      if (this.maxBytes != null) {
        throw new IllegalStateException("maxBytes is already set");
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Stamps lines appended without a time; without it only {@code append(..., Instant)} works. */
    public Builder clock(Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock is already set");
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public InstanceLog build() {
      return new InstanceLog(maxLines != null ? maxLines : DEFAULT_MAX_LINES,
          maxBytes != null ? maxBytes : DEFAULT_MAX_BYTES, clock);
    }
  }
}
