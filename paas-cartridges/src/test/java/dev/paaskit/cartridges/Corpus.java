package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared corpus of real cartridge manifests, Procfiles and buildpack release outputs,
 * {@code shared/corpus} beside the repository (found in the working directory or the first folder
 * above it that has one). It is not part of the repository: where it is absent, as in a fresh
 * clone, every test that reads it is skipped by a JUnit assumption that says so.
 *
 * <p>A plain test calls {@link #folder}. A parameterized test takes its arguments from
 * {@link #files} and is extended with {@link Required}: an assumption failing in an argument
 * source would abort the whole test, which JUnit reports but Surefire neither counts nor shows.
 */
public final class Corpus {
  /** Stands for the files of a corpus folder where the corpus is absent. */
  public static final Path ABSENT = Path.of("shared-corpus-absent");
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

  private static void assumePresent() {
    assumeTrue(DIR.isPresent(), () -> "shared corpus absent: no folder shared/corpus in " + START
        + " or any folder above it; the tests that read it are skipped (in the full PaaSKit"
        + " workspace it sits beside the repository, as ../shared/corpus)");
  }

  /**
   * The corpus folder {@code folder}, such as {@code procfiles}.
   *
   * @throws org.opentest4j.TestAbortedException (the test is skipped) when there is no corpus
   */
  public static Path folder(String folder) {
    assumePresent();
    return DIR.get().resolve(folder);
  }

  /**
   * The regular files of a corpus folder, sorted, as arguments of a parameterized test extended
   * with {@link Required}; where the corpus is absent, {@link #ABSENT} alone, whose run that
   * extension skips.
   *
   * @throws AssertionError when the corpus is there and the folder has no files
   */
  public static List<Path> files(String folder) {
    if (DIR.isEmpty()) {
      return List.of(ABSENT);
    }
    Path dir = DIR.get().resolve(folder);
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

  /** Skips each run of the test it extends, by the assumption of {@link #folder}. */
  public static final class Required implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
      assumePresent();
    }
  }
}
