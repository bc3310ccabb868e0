package dev.paaskit.core.store;

import dev.paaskit.api.spi.StoreEntry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Reads a state log (see {@link LogFormat}) back into entries.
 *
 * <p>A frame that is cut short, has an impossible length or fails its checksum is a torn write
 * when nothing valid follows it: the result then ends before it, and the caller truncates the
 * file there. Since every write is made durable before the next one starts, a valid frame after
 * a damaged one means the file was damaged some other way, and replay fails with a
 * {@link CorruptStateLogException} instead of dropping the acknowledged writes behind it. So does
 * a frame whose checksum matches but whose content breaks the format.
 */
final class LogReplay {
  private static final int BUFFER_BYTES = 1 << 16;

  private LogReplay() {}

  /**
   * @param entries the live entries by key
   * @param revision the highest revision the log has used
   * @param validBytes the length of the log up to the end of its last good frame
   * @param liveBytes the length the log would have after compaction
   * @param tornProblem what was wrong with the frame at {@code validBytes}, or null if none
   */
  record Result(
      NavigableMap<String, StoreEntry> entries,
      long revision,
      long validBytes,
      long liveBytes,
      String tornProblem) {}

  static Result replay(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      DataInputStream in = new DataInputStream(
          new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES));
      byte[] magic = new byte[LogFormat.MAGIC.length];
      if (size < magic.length) {
        throw new CorruptStateLogException(file, 0,
            "the file has " + size + " bytes, too few for the state log header");
      }
      in.readFully(magic);
      if (!Arrays.equals(magic, LogFormat.MAGIC)) {
        throw new CorruptStateLogException(file, 0,
            "not a PaaSKit state log of format version 1 (the first 8 bytes do not match)");
      }
      TreeMap<String, StoreEntry> entries = new TreeMap<>();
      long base = 0;
      long last = 0;
      long position = magic.length;
      String tornProblem = null;
      while (position < size) {
        long remaining = size - position;
        if (remaining < LogFormat.FRAME_HEADER_BYTES) {
          tornProblem = "a frame header cut short after " + remaining + " bytes";
          break;
        }
        int length = in.readInt();
        int checksum = in.readInt();
        if (length < LogFormat.MIN_PAYLOAD_BYTES || length > LogFormat.MAX_PAYLOAD_BYTES) {
          tornProblem = "a frame with impossible length " + length;
          break;
        }
        if (length > remaining - LogFormat.FRAME_HEADER_BYTES) {
          tornProblem = "a frame of " + length + " bytes cut short after "
              + (remaining - LogFormat.FRAME_HEADER_BYTES) + " bytes";
          break;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (LogFormat.checksum(length, payload, 0, length) != checksum) {
          tornProblem = "a frame of " + length + " bytes that fails its checksum";
          break;
        }
        LogFormat.Payload frame;
        try {
          frame = LogFormat.decode(payload);
        } catch (IllegalArgumentException e) {
          throw new CorruptStateLogException(file, position, e.getMessage());
        }
        if (frame.type() == LogFormat.BASE) {
          if (position != magic.length) {
            throw new CorruptStateLogException(file, position, "a BASE frame after the first");
          }
          base = frame.revision();
        } else {
          if (frame.revision() <= last) {
            throw new CorruptStateLogException(file, position, "revision " + frame.revision()
                + " does not follow revision " + last + " of the frame before");
          }
          last = frame.revision();
          if (frame.type() == LogFormat.PUT) {
            entries.put(frame.key(), new StoreEntry(frame.key(), frame.value(), frame.revision()));
          } else if (entries.remove(frame.key()) == null) {
            throw new CorruptStateLogException(file, position,
                "DELETE of \"" + frame.key() + "\", which does not exist");
          }
        }
        position += LogFormat.FRAME_HEADER_BYTES + length;
      }
      long revision = Math.max(base, last);
      if (tornProblem != null && validFrameFollows(channel, position, size, revision)) {
        throw new CorruptStateLogException(file, position, tornProblem
            + ", followed by valid records: the log was damaged, not torn by a crash");
      }
      return new Result(entries, revision, position, liveBytes(entries), tornProblem);
    }
  }

  /** The length of a compacted log holding {@code entries}. */
  static long liveBytes(NavigableMap<String, StoreEntry> entries) {
    long bytes = LogFormat.MAGIC.length + LogFormat.baseFrame(0).length;
    for (StoreEntry entry : entries.values()) {
      bytes += LogFormat.putFrameBytes(entry.key(), entry.value().length);
    }
    return bytes;
  }

  /**
   * Whether a frame with a good checksum, a well-formed payload and a revision above
   * {@code revision} starts anywhere after {@code from}. The revision test keeps a value that
   * happens to hold an older frame of this log from passing for one.
   */
  private static boolean validFrameFollows(
      FileChannel channel, long from, long size, long revision) throws IOException {
    channel.position(from + 1);
    InputStream in = new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES);
    long header = 0;
    long position = from + 1;
    int filled = 0;
    int next;
    while ((next = in.read()) >= 0) {
      header = (header << 8) | next;
      position++;
      if (++filled < LogFormat.FRAME_HEADER_BYTES) {
        continue;
      }
      int length = (int) (header >>> 32);
      if (length >= LogFormat.MIN_PAYLOAD_BYTES && length <= LogFormat.MAX_PAYLOAD_BYTES
          && length <= size - position
          && isFrame(channel, position, length, (int) header, revision)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFrame(
      FileChannel channel, long payloadStart, int length, int checksum, long revision)
      throws IOException {
    ByteBuffer payload = ByteBuffer.allocate(length);
    while (payload.hasRemaining()) {
      if (channel.read(payload, payloadStart + payload.position()) < 0) {
        return false;
      }
    }
    if (LogFormat.checksum(length, payload.array(), 0, length) != checksum) {
      return false;
    }
    try {
      return LogFormat.decode(payload.array()).revision() > revision;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
