package dev.paaskit.node.internal;

import dev.paaskit.api.spi.ContainerListener.Stream;
import java.time.Instant;
import java.util.Objects;

/**
 * One line an instance wrote, as an {@link InstanceLog} keeps it.
 *
 * @param seq the line's number in its log: 1 for the first line, one more for each line after,
 *     including lines dropped since
 * @param at when the line was appended
 * @param text the line without its terminator
 */
public record LogLine(long seq, Instant at, Stream stream, String text) {
  public LogLine {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1: " + seq);
    }
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }
}
