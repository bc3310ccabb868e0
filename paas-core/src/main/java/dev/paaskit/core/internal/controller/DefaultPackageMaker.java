package dev.paaskit.core.internal.controller;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Packages a folder, or a zip, tar or tar.gz archive, as a reproducible tar.gz. An archive is
 * first unpacked by the safe extractor into a fresh folder under {@code tempDir}; everything
 * made here is deleted before returning, whatever the outcome.
 */
public final class DefaultPackageMaker implements PackageMaker {
  /** Version-control folders at the top of an app, and Finder litter anywhere, are not uploaded. */
  private static final Set<String> IGNORED_TOP = Set.of(".git/", ".hg/", ".svn/");

  private final Path tempDir;
  private final ArchiveExtractor extractor;
  private final TarGzWriter writer;

  public DefaultPackageMaker(Path tempDir, ArchiveLimits limits) {
    this.tempDir = tempDir;
    this.extractor = ArchiveExtractor.create(limits);
    this.writer = TarGzWriter.create().withLimits(limits).excluding(
        path -> IGNORED_TOP.contains(path) || path.equals(".DS_Store") || path.endsWith("/.DS_Store"));
  }

  @Override
  public BlobInfo store(Path bits, BlobStore blobs) throws IOException {
    if (!Files.exists(bits)) {
      throw new InvalidArchiveException(null, "nothing to upload at " + bits);
    }
    Files.createDirectories(tempDir);
    Path work = Files.createTempDirectory(tempDir, "upload-");
    try {
      Path folder = Files.isDirectory(bits) ? bits : extractor.extract(bits, work);
      Path tarball = work.resolve("package.tgz");
      try (OutputStream out = Files.newOutputStream(tarball)) {
        writer.write(folder, out);
      }
      return blobs.put(tarball);
    } finally {
      Trees.deleteQuietly(work);
    }
  }
}
