package dev.paaskit.node;

import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Unpacks a droplet into an instance's folder, with the same checks as any upload. */
@FunctionalInterface
interface DropletUnpacker {
  DropletUnpacker DEFAULT = new DropletUnpacker() {
    private final ArchiveExtractor extractor = ArchiveExtractor.create(ArchiveLimits.defaults());

    @Override
    public void unpack(Path droplet, Path target) throws IOException {
      Files.createDirectories(target.getParent());
      Path fresh;
      try (InputStream in = Files.newInputStream(droplet)) {
        fresh = extractor.extractTarGz(in, target.getParent());
      }
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    }
  };

  /** Makes {@code target}, which must not exist, hold the droplet's files. */
  void unpack(Path droplet, Path target) throws IOException;
}
