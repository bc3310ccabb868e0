package dev.paaskit.core.internal.archive;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingOutputStream;
import com.google.common.io.CountingOutputStream;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Packs a folder into a reproducible tar.gz: its bytes depend only on the relative paths,
 * contents, executable bits and symlink targets of what it holds, so the same app staged twice
 * gives the same sha256.
 *
 * <p>Entries are sorted by the bytes of their UTF-8 paths (folders end with {@code /}), with
 * POSIX (PAX) headers for long names, the fixed time {@link #MTIME}, owner and group 0 with no
 * names, and mode {@code 0755} for folders and executables, {@code 0644} for other files. The
 * gzip header holds no name, time 0 and OS byte 255, and the level is fixed.
 *
 * <p>A symlink is stored as a symlink when its target is relative and resolves inside the
 * folder; one leading outside, a fifo, socket or device, or a folder exceeding the limits makes
 * {@link #write} throw {@link InvalidArchiveException} naming the entry. The whole folder is
 * checked before a byte is written. Immutable and thread-safe.
 *
 * <pre>{@code
 * WrittenArchive droplet = TarGzWriter.create()
 *     .excluding(path -> path.equals(".git/"))
 *     .write(buildDir, out);
 * }</pre>
 */
public final class TarGzWriter {
  /** The modification time of every entry: 2000-01-01T00:00:00Z. */
  public static final Instant MTIME = Instant.parse("2000-01-01T00:00:00Z");

  private static final int COMPRESSION_LEVEL = Deflater.DEFAULT_COMPRESSION;
  private static final int GZIP_OS_UNKNOWN = 255;
  private static final int DIRECTORY_MODE = 040755;
  private static final int EXECUTABLE_MODE = 0100755;
  private static final int REGULAR_MODE = 0100644;
  private static final int SYMLINK_MODE = 0120777;

  private final ArchiveLimits limits;
  private final Predicate<String> exclude;

  private TarGzWriter(ArchiveLimits limits, Predicate<String> exclude) {
    this.limits = limits;
    this.exclude = exclude;
  }

  /** A writer with {@link ArchiveLimits#defaults()} that leaves nothing out. */
  public static TarGzWriter create() {
    return new TarGzWriter(ArchiveLimits.defaults(), path -> false);
  }

  public TarGzWriter withLimits(ArchiveLimits limits) {
    return new TarGzWriter(Objects.requireNonNull(limits, "limits"), exclude);
  }

  /**
   * A writer that also leaves out every path {@code exclude} accepts. It sees each path relative
   * to the folder with {@code /} between names and a trailing {@code /} for folders, such as
   * {@code .git/}; a folder left out is not descended into.
   */
  public TarGzWriter excluding(Predicate<String> exclude) {
    Objects.requireNonNull(exclude, "exclude");
    return new TarGzWriter(limits, this.exclude.or(exclude));
  }

  /**
   * Writes {@code folder} as a tar.gz to {@code out}, which is flushed but not closed.
   *
   * @return the sha256 and size of the bytes written
   * @throws InvalidArchiveException naming the entry when the folder holds a special file or a
   *     symlink leading outside, or exceeds a limit; nothing was written then
   * @throws IOException when reading the folder or writing {@code out} fails
   */
  public WrittenArchive write(Path folder, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    List<Entry> entries = collect(folder);
    CountingOutputStream counted = new CountingOutputStream(new KeepOpen(out));
    HashingOutputStream hashed = new HashingOutputStream(Hashing.sha256(), counted);
    GzipParameters gzip = new GzipParameters();
    gzip.setCompressionLevel(COMPRESSION_LEVEL);
    gzip.setModificationTime(0);
    gzip.setOperatingSystem(GZIP_OS_UNKNOWN);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        new GzipCompressorOutputStream(hashed, gzip), StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (Entry entry : entries) {
        write(tar, folder, entry);
      }
    }
    return new WrittenArchive(hashed.hash().toString(), counted.getCount(), entries.size());
  }

  private static void write(TarArchiveOutputStream tar, Path folder, Entry entry)
      throws IOException {
    TarArchiveEntry header = switch (entry.kind) {
      case DIRECTORY -> new TarArchiveEntry(entry.name, TarConstants.LF_DIR);
      case FILE -> new TarArchiveEntry(entry.name, TarConstants.LF_NORMAL);
      case SYMLINK -> new TarArchiveEntry(entry.name, TarConstants.LF_SYMLINK);
    };
    header.setModTime(FileTime.from(MTIME));
    header.setIds(0, 0);
    header.setNames("", "");
    switch (entry.kind) {
      case DIRECTORY -> header.setMode(DIRECTORY_MODE);
      case FILE -> {
        header.setMode(entry.executable ? EXECUTABLE_MODE : REGULAR_MODE);
        header.setSize(entry.size);
      }
      case SYMLINK -> {
        header.setMode(SYMLINK_MODE);
        header.setLinkName(entry.target);
      }
    }
    tar.putArchiveEntry(header);
    if (entry.kind == Kind.FILE) {
      try (InputStream in = Files.newInputStream(folder.resolve(entry.name),
          LinkOption.NOFOLLOW_LINKS)) {
        long copied = in.transferTo(tar);
        if (copied != entry.size) {
          throw new IOException("file '" + entry.name + "' changed while it was packed: "
              + entry.size + " bytes became " + copied);
        }
      }
    }
    tar.closeArchiveEntry();
  }

  private enum Kind { DIRECTORY, FILE, SYMLINK }

  /** Passes writes through and turns close into flush, so the caller's stream stays open. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  private record Entry(String name, byte[] utf8, Kind kind, long size, boolean executable,
      String target) {
    static final Comparator<Entry> BY_UTF8 = (a, b) -> Arrays.compareUnsigned(a.utf8, b.utf8);

    Entry(String name, Kind kind, long size, boolean executable, String target) {
      this(name, name.getBytes(StandardCharsets.UTF_8), kind, size, executable, target);
    }
  }

  /** Walks {@code folder} without following symlinks, checking every entry and the limits. */
  private List<Entry> collect(Path folder) throws IOException {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("not a folder: " + folder);
    }
    List<Entry> entries = new ArrayList<>();
    long[] totalBytes = {0};
    collect(folder, folder, "", entries, totalBytes);
    entries.sort(Entry.BY_UTF8);
    return entries;
  }

  private void collect(Path root, Path dir, String prefix, List<Entry> entries, long[] total)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    for (Path child : children) {
      String name = prefix + child.getFileName();
      PosixFileAttributes attributes = Files.readAttributes(child, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        name += "/";
      }
      if (exclude.test(name)) {
        continue;
      }
      // Refuses a name the extractor would refuse, such as one holding a backslash.
      EntryPaths.normalise(name);
      if (entries.size() == limits.maxEntries()) {
        throw new InvalidArchiveException(name,
            "folder holds more than maxEntries=" + limits.maxEntries() + " entries");
      }
      if (attributes.isDirectory()) {
        entries.add(new Entry(name, Kind.DIRECTORY, 0, false, null));
        collect(root, child, name, entries, total);
      } else if (attributes.isSymbolicLink()) {
        entries.add(new Entry(name, Kind.SYMLINK, 0, false, symlinkTarget(root, child, name)));
      } else if (attributes.isRegularFile()) {
        long size = attributes.size();
        if (size > limits.maxEntryBytes()) {
          throw new InvalidArchiveException(name, "holds " + size
              + " bytes, more than maxEntryBytes=" + limits.maxEntryBytes());
        }
        total[0] += size;
        if (total[0] > limits.maxTotalBytes()) {
          throw new InvalidArchiveException(name,
              "folder holds more than maxTotalBytes=" + limits.maxTotalBytes() + " bytes");
        }
        entries.add(new Entry(name, Kind.FILE, size, isExecutable(attributes), null));
      } else {
        throw new InvalidArchiveException(name,
            "is a special file (fifo, socket or device), which an archive cannot hold");
      }
    }
  }

  private static String symlinkTarget(Path root, Path link, String name) throws IOException {
    String target = Files.readSymbolicLink(link).toString();
    EntryPaths.checkSymlinkTarget(name, EntryPaths.normalise(name), target);
    if (!EntryPaths.resolvesInside(root, name)) {
      throw new InvalidArchiveException(name,
          "symlink leads outside the folder through other symlinks");
    }
    return target;
  }

  private static boolean isExecutable(PosixFileAttributes attributes) {
    Set<PosixFilePermission> permissions = attributes.permissions();
    return permissions.contains(PosixFilePermission.OWNER_EXECUTE)
        || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
        || permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
  }
}
