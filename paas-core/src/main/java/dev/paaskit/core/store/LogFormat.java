package dev.paaskit.core.store;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.core.internal.store.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of a {@link FileStateStore} log. All integers are big-endian.
 *
 * <pre>
 * file    := MAGIC frame*                  MAGIC is "PKSTLOG" then the format version, 1
 * frame   := length:int32 checksum:int32 payload[length]
 *            checksum is the CRC32C of the 4 length bytes followed by the payload
 * payload := type:u8 revision:int64 body
 *   BASE   (1)  body empty. Only as the first frame: the store's revision when the file was
 *               written, which may exceed the revision of every entry in it.
 *   PUT    (2)  body = keyLength:u8 key[keyLength] value[rest]   (keys are ASCII)
 *   DELETE (3)  body = keyLength:u8 key[keyLength]
 * </pre>
 *
 * Revisions grow strictly from frame to frame after the BASE frame.
 */
final class LogFormat {
  static final byte[] MAGIC = {'P', 'K', 'S', 'T', 'L', 'O', 'G', 1};
  static final int FRAME_HEADER_BYTES = 8;
  static final byte BASE = 1;
  static final byte PUT = 2;
  static final byte DELETE = 3;
  static final int MIN_PAYLOAD_BYTES = 1 + 8;
  static final int MAX_PAYLOAD_BYTES =
      MIN_PAYLOAD_BYTES + 1 + Keys.MAX_KEY_LENGTH + StateStore.MAX_VALUE_BYTES;

  private LogFormat() {}

  /** A decoded payload; key and value are null for BASE, value is null for DELETE. */
  record Payload(byte type, long revision, String key, byte[] value) {}

  static byte[] baseFrame(long revision) {
    return frame(BASE, revision, null, null);
  }

  static byte[] putFrame(String key, byte[] value, long revision) {
    return frame(PUT, revision, key, value);
  }

  static byte[] changeFrame(WatchEvent change) {
    return change.kind() == WatchEvent.Kind.PUT
        ? frame(PUT, change.revision(), change.key(), change.value())
        : frame(DELETE, change.revision(), change.key(), null);
  }

  /** The size of the frame of a PUT of {@code key} with a value of {@code valueBytes}. */
  static long putFrameBytes(String key, int valueBytes) {
    return FRAME_HEADER_BYTES + MIN_PAYLOAD_BYTES + 1 + key.length() + valueBytes;
  }

  static int checksum(int length, byte[] payload, int offset, int count) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(0, length));
    crc.update(payload, offset, count);
    return (int) crc.getValue();
  }

  /**
   * Reads a payload whose checksum matched.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static Payload decode(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    byte type = in.get();
    long revision = in.getLong();
    if (revision < 0 || (revision == 0 && type != BASE)) {
      throw new IllegalArgumentException("revision " + revision + " is not positive");
    }
    if (type == BASE) {
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("BASE frame has " + in.remaining() + " extra bytes");
      }
      return new Payload(type, revision, null, null);
    }
    if (type != PUT && type != DELETE) {
      throw new IllegalArgumentException("unknown frame type " + type);
    }
    int keyLength = in.hasRemaining() ? Byte.toUnsignedInt(in.get()) : 0;
    if (keyLength == 0 || keyLength > in.remaining()) {
      throw new IllegalArgumentException("key length " + keyLength + " does not fit the frame");
    }
    String key = new String(payload, in.position(), keyLength, StandardCharsets.US_ASCII);
    Keys.checkKey(key);
    in.position(in.position() + keyLength);
    if (type == DELETE) {
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("DELETE frame has " + in.remaining() + " extra bytes");
      }
      return new Payload(type, revision, key, null);
    }
    byte[] value = new byte[in.remaining()];
    in.get(value);
    return new Payload(type, revision, key, value);
  }

  private static byte[] frame(byte type, long revision, String key, byte[] value) {
    byte[] keyBytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.US_ASCII);
    int valueBytes = value == null ? 0 : value.length;
    int length = MIN_PAYLOAD_BYTES + (key == null ? 0 : 1 + keyBytes.length) + valueBytes;
    byte[] frame = new byte[FRAME_HEADER_BYTES + length];
    ByteBuffer out = ByteBuffer.wrap(frame);
    out.putInt(length).putInt(0).put(type).putLong(revision);
    if (key != null) {
      out.put((byte) keyBytes.length).put(keyBytes);
    }
    if (value != null) {
      out.put(value);
    }
    out.putInt(4, checksum(length, frame, FRAME_HEADER_BYTES, length));
    return frame;
  }
}
