package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The shared corpus of real manifests, {@code shared/corpus} beside the repository (found in the
 * working directory or the first folder above it that has one). It is not part of the repository:
 * where it is absent, as in a fresh clone, every test that reads it is skipped, saying so.
 */
final class Corpus {
  private static final Path START = Path.of("").toAbsolutePath();
  private static final Optional<Path> DIR = find(START);

  private Corpus() {
  }

  private static Optional<Path> find(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path corpus = dir.resolve("shared/corpus");
      if (Files.isDirectory(corpus)) {
        return Optional.of(corpus);
      }
    }
    return Optional.empty();
  }

  /**
   * The corpus folder.
   *
   * @throws org.opentest4j.TestAbortedException (the test is skipped) when there is none
   */
  static Path dir() {
    assumeTrue(DIR.isPresent(), () -> "shared corpus absent: no folder shared/corpus in " + START
        + " or any folder above it; tests of the real manifests are skipped (the corpus sits"
        + " beside the repository, as ../shared/corpus, in the full PaaSKit workspace)");
    return DIR.get();
  }

  /** A file of the corpus; fails when the corpus is there without it. */
  static Path file(String folder, String name) {
    Path file = dir().resolve(folder).resolve(name);
    if (!Files.isRegularFile(file)) {
      fail("corpus file missing: " + file);
    }
    return file;
  }

  /** Every regular file of a corpus folder, sorted; fails when the folder has none. */
  static List<Path> files(String folder) {
    Path dir = dir().resolve(folder);
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
      if (all.isEmpty()) {
        fail("no files in " + dir);
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
