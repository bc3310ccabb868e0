package dev.paaskit.core.internal.archive;

import com.google.common.io.CountingInputStream;
import com.google.common.io.MoreFiles;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks untrusted tar, tar.gz and zip archives into a fresh folder, all or nothing.
 *
 * <p>The format is told by the archive's leading bytes, never by its file name. The whole
 * archive is refused with an {@link InvalidArchiveException} naming the entry when an entry has
 * an absolute path or climbs out with {@code ..}, is a symlink or hard link leading outside, is a
 * device, fifo or other special file, passes through a symlink, or repeats a path; or when one
 * of the {@link ArchiveLimits} is exceeded (the message names the limit and its value). Bytes
 * that are not a readable archive are refused with no entry named. Relative symlinks that stay
 * inside and executable bits are kept; other permissions become {@code 0644}, folders
 * {@code 0755}, and owners and times are not restored.
 *
 * <p>Everything is written inside a folder newly created in the given parent, returned only once
 * every entry was checked and written; on any failure that folder is deleted again and the
 * parent is left as it was. Stateless and thread-safe.
 *
 * <pre>{@code
 * Path app = ArchiveExtractor.create(ArchiveLimits.defaults()).extract(upload, workDir);
 * }</pre>
 */
public final class ArchiveExtractor {
  private static final String TEMP_PREFIX = ".extract-";

  private final ArchiveLimits limits;

  private ArchiveExtractor(ArchiveLimits limits) {
    this.limits = limits;
  }

  public static ArchiveExtractor create(ArchiveLimits limits) {
    return new ArchiveExtractor(Objects.requireNonNull(limits, "limits"));
  }

  public ArchiveLimits limits() {
    return limits;
  }

  /**
   * Unpacks the tar, tar.gz or zip file {@code archive} into a new folder inside
   * {@code parentDir}. The compression ratio is measured against the file's whole size.
   *
   * @return the new folder, holding the archive's entries
   * @throws InvalidArchiveException when the archive is refused; nothing is left behind
   * @throws IOException when reading the file or writing the folder fails
   */
  public Path extract(Path archive, Path parentDir) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(parentDir, "parentDir");
    long size = Files.size(archive);
    byte[] head;
    try (InputStream in = Files.newInputStream(archive)) {
      head = in.readNBytes(ArchiveFormat.PROBE_BYTES);
    }
    ArchiveFormat format = ArchiveFormat.detect(head);
    if (format == null) {
      throw new InvalidArchiveException(null, head.length == 0
          ? "not a readable archive: the file is empty"
          : "not a readable archive: not a tar, tar.gz or zip file");
    }
    if (format == ArchiveFormat.ZIP) {
      return into(parentDir, () -> size, extraction -> unzip(archive, extraction));
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
      return into(parentDir, () -> size, extraction -> untar(format, in, extraction));
    }
  }

  /**
   * Unpacks a tar.gz stream, such as a droplet {@link TarGzWriter} wrote, into a new folder
   * inside {@code parentDir}, with the same checks as {@link #extract(Path, Path)}. The
   * compression ratio is measured against the bytes read so far. Does not close {@code in}.
   */
  public Path extractTarGz(InputStream in, Path parentDir) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(parentDir, "parentDir");
    CountingInputStream counted = new CountingInputStream(new KeepOpen(in));
    InputStream buffered = new BufferedInputStream(counted);
    buffered.mark(2);
    byte[] magic = buffered.readNBytes(2);
    buffered.reset();
    if (ArchiveFormat.detect(magic) != ArchiveFormat.GZIP) {
      throw new InvalidArchiveException(null, "not a readable archive: not gzip data");
    }
    return into(parentDir, counted::getCount,
        extraction -> untar(ArchiveFormat.GZIP, buffered, extraction));
  }

  /** Ignores close, so that unpacking a caller's stream leaves it open. */
  private static final class KeepOpen extends FilterInputStream {
    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // The caller opened the stream and closes it.
    }
  }

  private interface Unpacker {
    void unpack(Extraction extraction) throws IOException;
  }

  private Path into(Path parentDir, LongSupplier packed, Unpacker unpacker) throws IOException {
    Path root = Files.createTempDirectory(parentDir, TEMP_PREFIX);
    try {
      Extraction extraction = new Extraction(root, limits, packed);
      unpacker.unpack(extraction);
      extraction.finish();
      return root;
    } catch (IOException | RuntimeException | Error e) {
      try {
        MoreFiles.deleteRecursively(root);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void untar(ArchiveFormat format, InputStream in, Extraction extraction)
      throws IOException {
    try (InputStream tarBytes = format == ArchiveFormat.GZIP ? gunzip(in) : in;
        TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes,
            StandardCharsets.UTF_8.name())) {
      untar(tar, extraction);
    }
  }

  /** The decompressed content of {@code in}, once its start is seen to be a tar archive. */
  private static InputStream gunzip(InputStream in) throws IOException {
    InputStream tarBytes;
    byte[] head;
    try {
      tarBytes = new BufferedInputStream(new GzipCompressorInputStream(in, true));
      tarBytes.mark(ArchiveFormat.PROBE_BYTES);
      head = tarBytes.readNBytes(ArchiveFormat.PROBE_BYTES);
      tarBytes.reset();
    } catch (IOException | RuntimeException e) {
      throw UnreadableArchive.because(e);
    }
    if (!ArchiveFormat.isTarHeader(head)) {
      tarBytes.close();
      throw new InvalidArchiveException(null,
          "not a readable archive: the gzip data does not hold a tar archive");
    }
    return tarBytes;
  }

  private static void untar(TarArchiveInputStream tar, Extraction extraction)
      throws IOException {
    InputStream content = new UnreadableArchive(tar);
    while (true) {
      TarArchiveEntry entry;
      try {
        entry = tar.getNextEntry();
      } catch (IOException | RuntimeException e) {
        throw UnreadableArchive.because(e);
      }
      if (entry == null) {
        return;
      }
      String name = entry.getName();
      if (entry.isDirectory()) {
        extraction.directory(name);
        continue;
      }
      switch (entry.getLinkFlag()) {
        case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG -> {
          if (entry.isSparse()) {
            throw Extraction.special(name, "sparse file");
          }
          extraction.file(name, content, entry.getSize(), (entry.getMode() & 0111) != 0);
        }
        case TarConstants.LF_SYMLINK -> extraction.symlink(name, entry.getLinkName());
        case TarConstants.LF_LINK -> extraction.hardLink(name, entry.getLinkName());
        case TarConstants.LF_CHR -> throw Extraction.special(name, "character device");
        case TarConstants.LF_BLK -> throw Extraction.special(name, "block device");
        case TarConstants.LF_FIFO -> throw Extraction.special(name, "fifo");
        default -> throw Extraction.special(name,
            "tar type '" + (char) entry.getLinkFlag() + "'");
      }
    }
  }

  private static void unzip(Path archive, Extraction extraction) throws IOException {
    ZipFile zip;
    try {
      zip = ZipFile.builder().setPath(archive).get();
    } catch (IOException | RuntimeException e) {
      throw UnreadableArchive.because(e);
    }
    try (zip) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        String name = entry.getName();
        int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
        int type = mode & 0170000;
        if (entry.isDirectory()) {
          extraction.directory(name);
          continue;
        }
        switch (type) {
          case 0, 0100000, 0120000 -> {
            if (!zip.canReadEntryData(entry)) {
              throw Extraction.special(name, "encrypted or unsupported compression");
            }
            try (InputStream content = new UnreadableArchive(open(zip, entry))) {
              if (type == 0120000) {
                extraction.symlink(name, content);
              } else {
                extraction.file(name, content, entry.getSize(), (mode & 0111) != 0);
              }
            }
          }
          case 0020000 -> throw Extraction.special(name, "character device");
          case 0060000 -> throw Extraction.special(name, "block device");
          case 0010000 -> throw Extraction.special(name, "fifo");
          case 0140000 -> throw Extraction.special(name, "socket");
          default -> throw Extraction.special(name,
              "unix file type " + Integer.toOctalString(type));
        }
      }
    }
  }

  private static InputStream open(ZipFile zip, ZipArchiveEntry entry) {
    try {
      return zip.getInputStream(entry);
    } catch (IOException | RuntimeException e) {
      throw UnreadableArchive.because(e);
    }
  }
}
