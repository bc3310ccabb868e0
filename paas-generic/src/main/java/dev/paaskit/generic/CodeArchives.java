package dev.paaskit.generic;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns an uploaded code archive into the tar.gz agents unpack: unpacked with the upload safety
 * rules, a single top folder flattened, the five scripts required, repacked reproducibly.
 */
final class CodeArchives {
  private final ArchiveLimits limits;

  CodeArchives(ArchiveLimits limits) {
    this.limits = limits;
  }

  /**
   * Checks {@code archive} and writes the normalised code to {@code out}.
   *
   * @throws InvalidArchiveException when the archive is refused or lacks scripts (named)
   */
  void normalise(Path archive, Path tempDir, OutputStream out) throws IOException {
    Files.createDirectories(tempDir);
    Path unpacked = ArchiveExtractor.create(limits).extract(archive, tempDir);
    try {
      Path root = root(unpacked);
      requireScripts(root);
      TarGzWriter.create().withLimits(limits).write(root, out);
    } finally {
      Trees.deleteQuietly(unpacked);
    }
  }

  /** The folder holding the scripts: the archive's root, or its only folder when it has one. */
  static Path root(Path unpacked) throws IOException {
    if (Files.exists(unpacked.resolve(Script.INIT.fileName()))) {
      return unpacked;
    }
    try (Stream<Path> entries = Files.list(unpacked)) {
      List<Path> all = entries.toList();
      if (all.size() == 1 && Files.isDirectory(all.get(0))) {
        return all.get(0);
      }
    }
    return unpacked;
  }

  static void requireScripts(Path root) {
    List<String> missing = new ArrayList<>();
    for (Script s : Script.values()) {
      if (!Files.isRegularFile(root.resolve(s.fileName()))) {
        missing.add(s.fileName());
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidArchiveException(null, "the code version lacks " + String.join(", ", missing)
          + ": a generic service's code holds init.sh, run.sh, interrupt.sh, cleanup.sh and "
          + "notify.sh at its top level (or in its one top folder)");
    }
  }
}
