package dev.paaskit.core.internal.archive;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Writes the entries of one archive into a fresh folder, checking each against the limits and
 * refusing any that would land, or lead, outside it. Nothing is ever written through a symlink:
 * links are created last on their path and no later entry may pass through one.
 *
 * <p>Not thread-safe; one instance per archive.
 */
final class Extraction {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
  static final Set<PosixFilePermission> EXECUTABLE = DIRECTORY;
  static final Set<PosixFilePermission> REGULAR = PosixFilePermissions.fromString("rw-r--r--");

  private static final int MAX_SYMLINK_TARGET_BYTES = 4096;

  private final Path root;
  private final ArchiveLimits limits;
  private final LongSupplier packedBytes;
  private final List<Link> symlinks = new ArrayList<>();
  private final byte[] buffer = new byte[64 * 1024];
  private int entries;
  private long totalBytes;

  /**
   * @param packedBytes the archive's size so far, or in all, for the compression ratio
   */
  Extraction(Path root, ArchiveLimits limits, LongSupplier packedBytes) {
    this.root = root;
    this.limits = limits;
    this.packedBytes = packedBytes;
  }

  void directory(String name) throws IOException {
    List<String> segments = begin(name);
    directories(name, segments, segments.size());
  }

  /**
   * Writes a regular file from {@code content}, read to its end or until a limit is exceeded.
   *
   * @param declaredSize the size the archive claims, or -1 when unknown; checked up front
   */
  void file(String name, InputStream content, long declaredSize, boolean executable)
      throws IOException {
    List<String> segments = begin(name);
    requireNotRoot(name, segments);
    if (declaredSize > limits.maxEntryBytes()) {
      throw new InvalidArchiveException(name, "declares " + declaredSize
          + " bytes, more than maxEntryBytes=" + limits.maxEntryBytes());
    }
    if (declaredSize > 0 && totalBytes + declaredSize > limits.maxTotalBytes()) {
      throw totalExceeded(name);
    }
    Path target = create(name, segments);
    write(name, target, content);
    Files.setPosixFilePermissions(target, executable ? EXECUTABLE : REGULAR);
  }

  /** Reads a symlink's target from the entry's content, as zip archives store it. */
  void symlink(String name, InputStream content) throws IOException {
    byte[] bytes = content.readNBytes(MAX_SYMLINK_TARGET_BYTES + 1);
    if (bytes.length > MAX_SYMLINK_TARGET_BYTES) {
      throw new InvalidArchiveException(name,
          "symlink target longer than " + MAX_SYMLINK_TARGET_BYTES + " bytes");
    }
    symlink(name, new String(bytes, StandardCharsets.UTF_8));
  }

  void symlink(String name, String target) throws IOException {
    List<String> segments = begin(name);
    requireNotRoot(name, segments);
    EntryPaths.checkSymlinkTarget(name, segments, target);
    Path link = create(name, segments);
    try {
      Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
    } catch (FileAlreadyExistsException e) {
      throw duplicate(name);
    }
    symlinks.add(new Link(name, String.join("/", segments)));
  }

  /** A tar hard link: a copy of an earlier regular file of the same archive. */
  void hardLink(String name, String target) throws IOException {
    List<String> segments = begin(name);
    requireNotRoot(name, segments);
    List<String> targetSegments;
    try {
      targetSegments = EntryPaths.normalise(target);
    } catch (InvalidArchiveException e) {
      throw new InvalidArchiveException(name,
          "hard link to '" + target + "' leads outside the folder");
    }
    Path source = root.resolve(String.join("/", targetSegments));
    if (targetSegments.isEmpty() || !isRegularFileInside(targetSegments)) {
      throw new InvalidArchiveException(name,
          "hard link to '" + target + "', which is not an earlier file of the archive");
    }
    Path copy = create(name, segments);
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
      write(name, copy, in);
    }
    Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(source));
  }

  /** The refusal of a device, fifo or other entry that is neither file, folder nor link. */
  static InvalidArchiveException special(String name, String kind) {
    return new InvalidArchiveException(name, kind + " entries are not allowed");
  }

  /** Checks where every symlink leads now that all exist, then opens the root to readers. */
  void finish() throws IOException {
    for (Link link : symlinks) {
      if (!EntryPaths.resolvesInside(root, link.path())) {
        throw new InvalidArchiveException(link.entry(),
            "symlink leads outside the folder through other symlinks");
      }
    }
    Files.setPosixFilePermissions(root, DIRECTORY);
  }

  /** A symlink written so far: its entry name and its normalised path under the root. */
  private record Link(String entry, String path) {
  }

  private List<String> begin(String name) {
    entries++;
    if (entries > limits.maxEntries()) {
      throw new InvalidArchiveException(name,
          "archive holds more than maxEntries=" + limits.maxEntries() + " entries");
    }
    return EntryPaths.normalise(name);
  }

  private static void requireNotRoot(String name, List<String> segments) {
    if (segments.isEmpty()) {
      throw new InvalidArchiveException(name, "names the archive's root folder");
    }
  }

  /** Creates the parent folders of {@code segments} and returns where the entry goes. */
  private Path create(String name, List<String> segments) throws IOException {
    directories(name, segments, segments.size() - 1);
    Path path = root.resolve(String.join("/", segments));
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw duplicate(name);
    }
    return path;
  }

  /** Ensures the first {@code count} segments are real folders, never symlinks or files. */
  private void directories(String name, List<String> segments, int count) throws IOException {
    Path dir = root;
    for (int i = 0; i < count; i++) {
      dir = dir.resolve(segments.get(i));
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(dir, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, DIRECTORY);
        continue;
      }
      String prefix = String.join("/", segments.subList(0, i + 1));
      if (attributes.isSymbolicLink()) {
        throw new InvalidArchiveException(name, "path passes through symlink '" + prefix + "'");
      }
      if (!attributes.isDirectory()) {
        throw new InvalidArchiveException(name, "path passes through file '" + prefix + "'");
      }
    }
  }

  private boolean isRegularFileInside(List<String> segments) throws IOException {
    Path path = root;
    for (int i = 0; i < segments.size(); i++) {
      path = path.resolve(segments.get(i));
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return false;
      }
      boolean last = i == segments.size() - 1;
      if (last ? !attributes.isRegularFile() : !attributes.isDirectory()) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code in} to the new file {@code target}, counting its bytes against the limits. */
  private void write(String name, Path target, InputStream in) throws IOException {
    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      copy(name, in, out);
    }
  }

  private void copy(String name, InputStream in, OutputStream out) throws IOException {
    long written = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      written += n;
      totalBytes += n;
      if (written > limits.maxEntryBytes()) {
        throw new InvalidArchiveException(name,
            "holds more than maxEntryBytes=" + limits.maxEntryBytes() + " bytes");
      }
      if (totalBytes > limits.maxTotalBytes()) {
        throw totalExceeded(name);
      }
      if (exceedsRatio()) {
        throw new InvalidArchiveException(name, "unpacks to more than maxCompressionRatio="
            + limits.maxCompressionRatio() + " times the archive's size (" + totalBytes
            + " bytes from " + packedBytes.getAsLong() + ")");
      }
      out.write(buffer, 0, n);
    }
  }

  private boolean exceedsRatio() {
    long packed = Math.max(1, packedBytes.getAsLong());
    int ratio = limits.maxCompressionRatio();
    return packed <= Long.MAX_VALUE / ratio && totalBytes > ratio * packed;
  }

  private InvalidArchiveException totalExceeded(String name) {
    return new InvalidArchiveException(name,
        "archive unpacks to more than maxTotalBytes=" + limits.maxTotalBytes() + " bytes");
  }

  private static InvalidArchiveException duplicate(String name) {
    return new InvalidArchiveException(name, "duplicate entry: the path already exists");
  }
}
