package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared corpus of real cartridge manifests, Procfiles and buildpack release outputs,
 * {@code shared/corpus} beside the repository (found in the working directory or the first folder
 * above it that has one). It is not part of the repository: where it is absent, as in a fresh
 * clone, every test that reads it is skipped, saying so.
 */
public final class Corpus {
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
   * The corpus folder {@code folder}, such as {@code procfiles}.
   *
   * @throws org.opentest4j.TestAbortedException (the test is skipped) when there is no corpus
   */
  public static Path folder(String folder) {
    assumeTrue(DIR.isPresent(), () -> "shared corpus absent: no folder shared/corpus in " + START
        + " or any folder above it; tests of the real " + folder + " are skipped (the corpus"
        + " sits beside the repository, as ../shared/corpus, in the full PaaSKit workspace)");
    return DIR.get().resolve(folder);
  }
}
