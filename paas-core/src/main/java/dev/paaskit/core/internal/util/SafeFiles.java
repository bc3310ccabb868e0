package dev.paaskit.core.internal.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Files the server reads or writes, as root, inside a folder untrusted code also writes (a
 * gear's home, a build folder). Every name below the folder is opened relative to its parent's
 * open handle without following a symbolic link ({@code openat} with {@code O_NOFOLLOW}), so a
 * link planted there, or a folder swapped for one while the server works, fails the call with
 * an exception instead of sending the server's write or read elsewhere. The folder itself must
 * be one the untrusted code cannot replace.
 */
public final class SafeFiles {
  private SafeFiles() {}

  /**
   * Writes {@code data} to {@code relative} below {@code root}, replacing or appending to it.
   *
   * @param root the trusted folder
   * @param relative a relative path below it, without {@code ..}
   * @param data the bytes
   * @param append whether to append rather than replace
   * @throws IOException naming the path when a part of it is a link or missing, or the platform
   *     opens no folder handles
   */
  public static void write(Path root, String relative, byte[] data, boolean append)
      throws IOException {
    List<String> names = names(relative);
    try (SecureDirectoryStream<Path> parent = open(root, names, relative)) {
      Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.WRITE,
          StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS));
      options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
      try (SeekableByteChannel out = parent.newByteChannel(
          Path.of(names.get(names.size() - 1)), options)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      } catch (FileSystemException e) {
        throw refused(root, relative, e);
      }
    }
  }

  /**
   * Writes {@code data} beside {@code relative} and renames it into place, so a reader never
   * sees half of it; a link in its place is replaced, not followed.
   *
   * @param root the trusted folder
   * @param relative a relative path below it, without {@code ..}
   * @param data the bytes
   * @throws IOException naming the path when a folder on the way is a link or missing
   */
  public static void writeAtomically(Path root, String relative, byte[] data)
      throws IOException {
    List<String> names = names(relative);
    String last = names.get(names.size() - 1);
    Path aside = Path.of("." + last + ".tmp");
    try (SecureDirectoryStream<Path> parent = open(root, names, relative)) {
      try {
        parent.deleteFile(aside);
      } catch (java.nio.file.NoSuchFileException e) {
        // Nothing left from an earlier write.
      } catch (FileSystemException e) {
        throw refused(root, relative, e);
      }
      try (SeekableByteChannel out = parent.newByteChannel(aside, Set.of(
          StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      } catch (FileSystemException e) {
        throw refused(root, relative, e);
      }
      try {
        parent.move(aside, parent, Path.of(last));
      } catch (FileSystemException e) {
        throw refused(root, relative, e);
      }
    }
  }

  /**
   * Reads {@code relative} below {@code root}, a regular file of at most {@code maxBytes}.
   *
   * @param root the trusted folder
   * @param relative a relative path below it, without {@code ..}
   * @param maxBytes the most it may hold
   * @return its bytes
   * @throws IOException naming the path when a part of it is a link, it is not a regular file
   *     or it is larger than {@code maxBytes}
   */
  public static byte[] read(Path root, String relative, int maxBytes) throws IOException {
    List<String> names = names(relative);
    try (SecureDirectoryStream<Path> parent = open(root, names, relative)) {
      Path name = Path.of(names.get(names.size() - 1));
      var attrs = parent.getFileAttributeView(name,
          java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
      if (!attrs.isRegularFile()) {
        throw new IOException(relative + " in " + root + " is not a regular file");
      }
      try (SeekableByteChannel in = parent.newByteChannel(name,
          Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        if (in.size() > maxBytes) {
          throw new IOException(relative + " in " + root + " is larger than " + maxBytes
              + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) in.size());
        while (buffer.hasRemaining() && in.read(buffer) >= 0) {
          // Reads until full or the end.
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
      } catch (FileSystemException e) {
        throw refused(root, relative, e);
      }
    }
  }

  /** The folder holding the last name, opened one name at a time without following links. */
  private static SecureDirectoryStream<Path> open(Path root, List<String> names, String relative)
      throws IOException {
    DirectoryStream<Path> first = Files.newDirectoryStream(root);
    if (!(first instanceof SecureDirectoryStream<Path> dir)) {
      first.close();
      throw new IOException("this platform opens no folder handles; refusing to touch "
          + relative + " in " + root);
    }
    SecureDirectoryStream<Path> current = dir;
    try {
      for (String name : names.subList(0, names.size() - 1)) {
        SecureDirectoryStream<Path> next;
        try {
          next = current.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
          throw refused(root, relative, e);
        }
        current.close();
        current = next;
      }
      return current;
    } catch (IOException | RuntimeException e) {
      current.close();
      throw e;
    }
  }

  private static List<String> names(String relative) {
    List<String> names = new ArrayList<>();
    for (String name : relative.split("/")) {
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new IllegalArgumentException("not a plain relative path: " + relative);
      }
      names.add(name);
    }
    return names;
  }

  private static IOException refused(Path root, String relative, FileSystemException e) {
    return new IOException("refused " + relative + " in " + root + ": a part of it is a link, "
        + "missing or not a folder (" + e.getReason() + ")", e);
  }
}
