package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared corpus of real manifests, found above the working directory. */
final class Corpus {
  private Corpus() {
  }

  /** {@code shared/corpus} in the working directory or the first folder above it that has one. */
  static Path dir() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path corpus = dir.resolve("shared/corpus");
      if (Files.isDirectory(corpus)) {
        return corpus;
      }
    }
    return fail("no folder shared/corpus in " + start + " or any folder above it; the corpus "
        + "must sit beside the repository, as /work/shared/corpus does");
  }

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
