package dev.paaskit.core.internal.archive;

import dev.paaskit.api.InvalidArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Checks on the relative paths inside an archive and on where its symlinks lead. */
final class EntryPaths {
  /** As many symlinks as Linux follows in one lookup before it gives up with ELOOP. */
  private static final int MAX_SYMLINK_HOPS = 40;

  private EntryPaths() {
  }

  /**
   * The segments of {@code name} once {@code .} and empty segments are dropped and {@code ..}
   * has removed the segment before it; empty for the archive's root.
   *
   * @throws InvalidArchiveException naming {@code name} when it is absolute, holds a NUL or a
   *     backslash, or climbs above the root
   */
  static List<String> normalise(String name) {
    if (name.isEmpty()) {
      throw new InvalidArchiveException(name, "empty entry name");
    }
    checkCharacters(name, name, "path");
    if (name.startsWith("/")) {
      throw new InvalidArchiveException(name, "absolute path");
    }
    List<String> segments = lexical(name, List.of());
    if (segments == null) {
      throw new InvalidArchiveException(name, "path climbs out of the folder with '..'");
    }
    return segments;
  }

  /**
   * Checks the target of a symlink at {@code linkSegments} without touching the disk.
   *
   * @throws InvalidArchiveException naming {@code entry} when the target is absolute or climbs
   *     above the root
   */
  static void checkSymlinkTarget(String entry, List<String> linkSegments, String target) {
    if (target.isEmpty()) {
      throw new InvalidArchiveException(entry, "symlink with an empty target");
    }
    checkCharacters(entry, target, "symlink target");
    if (target.startsWith("/")) {
      throw new InvalidArchiveException(entry,
          "symlink to absolute path '" + target + "' leads outside the folder");
    }
    if (lexical(target, linkSegments.subList(0, linkSegments.size() - 1)) == null) {
      throw new InvalidArchiveException(entry,
          "symlink target '" + target + "' leads outside the folder");
    }
  }

  /**
   * Whether the symlink at {@code link} under {@code root} resolves, on disk and through any
   * other symlinks on its way, to a place inside {@code root}. A target that does not exist
   * counts as inside when its remaining path stays inside.
   */
  static boolean resolvesInside(Path root, String link) throws IOException {
    Deque<String> pending = new ArrayDeque<>(List.of(link.split("/")));
    List<String> resolved = new ArrayList<>();
    int hops = 0;
    while (!pending.isEmpty()) {
      String segment = pending.removeFirst();
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (resolved.isEmpty()) {
          return false;
        }
        resolved.remove(resolved.size() - 1);
        continue;
      }
      resolved.add(segment);
      Path path = root.resolve(String.join("/", resolved));
      if (Files.isSymbolicLink(path)) {
        if (++hops > MAX_SYMLINK_HOPS) {
          return false;
        }
        String target = Files.readSymbolicLink(path).toString();
        if (target.startsWith("/")) {
          return false;
        }
        resolved.remove(resolved.size() - 1);
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          pending.addFirst(parts[i]);
        }
      }
    }
    return true;
  }

  private static void checkCharacters(String entry, String text, String what) {
    if (text.indexOf('\0') >= 0) {
      throw new InvalidArchiveException(entry, what + " holds a NUL character");
    }
    if (text.indexOf('\\') >= 0) {
      throw new InvalidArchiveException(entry, what + " holds a backslash; use '/' between names");
    }
  }

  /** {@code path} resolved lexically against {@code base}; null when it climbs above the root. */
  private static List<String> lexical(String path, List<String> base) {
    List<String> segments = new ArrayList<>(base);
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          return null;
        }
        segments.remove(segments.size() - 1);
      } else {
        segments.add(segment);
      }
    }
    return segments;
  }
}
