package dev.paaskit.node.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One read of {@code /proc}: every process with its parent, group and session. Processes come
 * and go while it is read, so a table is a snapshot that may already be stale; callers signal
 * through {@link ProcessHandle}, which refuses a pid that was reused since.
 */
final class ProcTable {
  /**
   * The kernel counts CPU time in {@code /proc} in ticks of {@code USER_HZ}, which is 100 on
   * every architecture Linux runs on today (the JDK's own {@code ProcessHandle.Info} assumes the
   * same where it cannot ask).
   */
  static final long NANOS_PER_TICK = 10_000_000L;

  /**
   * One line of {@code /proc/<pid>/stat}, the fields this backend needs.
   *
   * @param cpuTicks CPU time of the process and of the children it has reaped (utime, stime,
   *     cutime and cstime), in ticks of {@link #NANOS_PER_TICK}; 0 when the line is too short
   */
  record Entry(long pid, char state, long ppid, long pgrp, long session, long cpuTicks) {
    /** A zombie has ended and waits for its parent; it holds no memory and takes no signal. */
    boolean live() {
      return state != 'Z' && state != 'X';
    }
  }

  private final Path proc;
  private final Map<Long, Entry> entries;

  private ProcTable(Path proc, Map<Long, Entry> entries) {
    this.proc = proc;
    this.entries = entries;
  }

  /** Reads every process under {@code proc}, normally {@code /proc}. */
  static ProcTable scan(Path proc) throws IOException {
    Map<Long, Entry> entries = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        read(proc, Long.parseLong(name)).ifPresent(e -> entries.put(e.pid(), e));
      }
    }
    return new ProcTable(proc, entries);
  }

  /** The stat of one process, or empty when it is gone. */
  static Optional<Entry> read(Path proc, long pid) throws IOException {
    String stat;
    try {
      stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"),
          StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // The kernel answers ESRCH when the process ends between the open and the read.
      if (Files.exists(proc.resolve(Long.toString(pid)))) {
        throw e;
      }
      return Optional.empty();
    }
    return Optional.of(parse(stat));
  }

  /**
   * Parses {@code pid (comm) state ppid pgrp session ... utime stime cutime cstime ...}. The
   * command name may hold spaces and parentheses, so the fields are counted from the last ')'.
   */
  static Entry parse(String stat) {
    int close = stat.lastIndexOf(')');
    int open = stat.indexOf(' ');
    if (close < 0 || open < 0 || close + 2 > stat.length()) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    String[] fields = stat.substring(close + 2).trim().split(" ", 17);
    if (fields.length < 4 || fields[0].length() != 1) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    long cpuTicks = 0;
    if (fields.length >= 15) {
      // Fields 14 to 17 of the line: utime, stime, cutime, cstime.
      for (int i = 11; i <= 14; i++) {
        cpuTicks += Math.max(0, Long.parseLong(fields[i]));
      }
    }
    return new Entry(Long.parseLong(stat.substring(0, open)), fields[0].charAt(0),
        Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
        cpuTicks);
  }

  Optional<Entry> get(long pid) {
    return Optional.ofNullable(entries.get(pid));
  }

  /**
   * The live processes of a container's tree: {@code root} and its descendants, and, when the
   * container has a session of its own, every process still in that session (a child whose
   * parent died was handed to init and is no longer a descendant, but keeps its session).
   */
  Set<Long> members(long root, OptionalLong session) {
    Map<Long, List<Long>> children = new HashMap<>();
    for (Entry e : entries.values()) {
      children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e.pid());
    }
    Set<Long> members = new LinkedHashSet<>();
    Deque<Long> todo = new ArrayDeque<>();
    if (entries.containsKey(root)) {
      todo.add(root);
    }
    while (!todo.isEmpty()) {
      long pid = todo.remove();
      if (members.add(pid)) {
        todo.addAll(children.getOrDefault(pid, List.of()));
      }
    }
    if (session.isPresent()) {
      for (Entry e : entries.values()) {
        if (e.session() == session.getAsLong()) {
          members.add(e.pid());
        }
      }
    }
    members.removeIf(pid -> !entries.get(pid).live());
    return members;
  }

  /** The resident memory of {@code pid} in bytes, or 0 when it is gone or has none. */
  long rssBytes(long pid) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"),
          StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      if (Files.exists(proc.resolve(Long.toString(pid)))) {
        throw e;
      }
      return 0;
    }
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
      }
    }
    return 0;
  }
}
