package dev.paaskit.core.store;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The child process of the crash and lock tests.
 *
 * <ul>
 *   <li>{@code write <dir> <round>} opens the store in dir, prints {@code ready <revision>}, then
 *       applies {@link #op(int, int)} for i = 0, 1, ... as fast as it can, printing
 *       {@code ack <i> <revision>} after each returned, until it is killed;
 *   <li>{@code probe <dir>} tries to open the store and prints {@code opened} or
 *       {@code refused <message>}.
 * </ul>
 */
final class StoreChild {
  /** Small enough that the log is compacted every few dozen writes. */
  static final FileStateStore.Options OPTIONS =
      FileStateStore.Options.DEFAULTS.withCompactionThresholdBytes(16 << 10);

  private StoreChild() {}

  /** One change of the writer: a put, or (value null) a delete. */
  record Op(String key, byte[] value) {}

  /**
   * The i-th change of a round: puts on 50 keys over and over, and every seventh change deletes
   * the key just written, so the log holds garbage of both kinds.
   */
  static Op op(int round, int i) {
    if (i % 7 == 6) {
      return new Op(key(round, i - 1), null);
    }
    String value = "round " + round + " op " + i + " " + "x".repeat(i % 200);
    return new Op(key(round, i), value.getBytes(StandardCharsets.UTF_8));
  }

  /** The entries, by key, after ops 0 to {@code count - 1} of a round starting at revision base. */
  static NavigableMap<String, Entry> expected(int round, long base, int count) {
    NavigableMap<String, Entry> entries = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      Op op = op(round, i);
      if (op.value() == null) {
        entries.remove(op.key());
      } else {
        entries.put(op.key(), new Entry(new String(op.value(), StandardCharsets.UTF_8),
            base + i + 1));
      }
    }
    return entries;
  }

  /** A value, as text, and its revision. */
  record Entry(String value, long revision) {}

  private static String key(int round, int i) {
    return "r" + round + "/k" + (i % 50);
  }

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path dir = Path.of(args[1]);
    if (args[0].equals("probe")) {
      try (FileStateStore store = FileStateStore.open(dir, OPTIONS)) {
        out.println("opened");
      } catch (IllegalStateException e) {
        out.println("refused " + e.getMessage());
      }
      out.flush();
      return;
    }
    int round = Integer.parseInt(args[2]);
    try (FileStateStore store = FileStateStore.open(dir, OPTIONS)) {
      out.println("ready " + store.revision());
      out.flush();
      for (int i = 0; ; i++) {
        Op op = op(round, i);
        if (op.value() == null) {
          if (!store.delete(op.key())) {
            throw new IllegalStateException("op " + i + ": " + op.key() + " was not there");
          }
        } else {
          store.put(op.key(), op.value());
        }
        out.println("ack " + i + " " + store.revision());
        out.flush();
      }
    }
  }
}
