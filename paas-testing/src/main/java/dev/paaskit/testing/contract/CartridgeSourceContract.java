package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link CartridgeSource} contract, with the {@link Cartridge} contract of each cartridge it
 * holds, as abstract JUnit 5 tests: unique names, versions, {@code find}, detection that changes
 * nothing and explains itself, and staging that writes only inside its build and cache folders,
 * also when two stagings run at once.
 *
 * <pre>{@code
 * class MyCartridgesContractTest extends CartridgeSourceContract {
 *   @Override
 *   protected CartridgeSource newSource() {
 *     return MyCartridges.create();
 *   }
 *
 *   @Override
 *   protected Path appItDetects(Path parent) throws IOException {
 *     Path app = Files.createDirectories(parent.resolve("hello"));
 *     Files.writeString(app.resolve("app.py"), "print('hello')\n");
 *     return app;
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh source from {@link #newSource()}. The app that
 * {@link #appItDetects} writes is staged by the first cartridge that detects it, in the source's
 * order, as a stager does; its staging should need no network and end well within
 * {@link #STAGING_TIMEOUT}.
 *
 * <p>What the tests check:
 * <ul>
 *   <li>The source holds at least one cartridge, none null, with names that are not blank and
 *       unique, and versions that are not blank.
 *   <li>{@code find} returns the cartridge of each name, and nothing for an unknown name, the
 *       empty name or a name with a letter added.
 *   <li>Detection: some cartridge detects the app of {@link #appItDetects}; each gives the same
 *       answer twice and an explanation that is not blank; no cartridge detects an empty folder;
 *       and detecting changes no file, folder, permission or modification time.
 *   <li>Staging, by the first cartridge that detects the app: it returns a command that is not
 *       blank and changes nothing outside its build and cache folders (a file and another app's
 *       folder beside them stay as they were); two stagings in different folders run at once and
 *       both succeed.
 * </ul>
 */
@Timeout(120)
public abstract class CartridgeSourceContract {
  /** The timeout every staging of the tests is given. */
  protected static final Duration STAGING_TIMEOUT = Duration.ofSeconds(60);

  /** A folder for the tests' apps, fresh for each test. */
  @TempDir protected Path dir;

  /** The source under test, fresh for each test. */
  protected CartridgeSource source;

  /**
   * A new source holding at least one cartridge. Called once before each test.
   *
   * @return the source under test
   * @throws Exception when the source cannot be made; the test then fails
   */
  protected abstract CartridgeSource newSource() throws Exception;

  /**
   * Writes, below {@code parent} (which may not exist yet), a folder of app files that some
   * cartridge of the source detects, and returns that folder. Called once per app a test needs;
   * each call gets its own {@code parent}.
   *
   * @param parent the folder to write below, inside the test's {@link #dir}
   * @return the app's folder, a descendant of {@code parent}
   * @throws Exception when the files cannot be written; the test then fails
   */
  protected abstract Path appItDetects(Path parent) throws Exception;

  @BeforeEach
  final void openSource() throws Exception {
    source = newSource();
    assertNotNull(source, "newSource() returned null");
  }

  @Test
  void cartridgesHaveUniqueNamesAndVersions() {
    List<Cartridge> cartridges = source.cartridges();
    assertNotNull(cartridges, "cartridges() returned null");
    assertFalse(cartridges.isEmpty(), "the source holds no cartridge");
    Set<String> names = new HashSet<>();
    for (Cartridge cartridge : cartridges) {
      assertNotNull(cartridge, "a null cartridge in " + cartridges);
      String name = cartridge.name();
      assertTrue(name != null && !name.isBlank(), "a blank name: '" + name + "'");
      assertTrue(names.add(name), "two cartridges are named " + name);
      String version = cartridge.version();
      assertTrue(version != null && !version.isBlank(),
          "the version of " + name + " is blank: '" + version + "'");
    }
  }

  @Test
  void findReturnsTheCartridgeOfANameAndEmptyForAnUnknownOne() {
    List<String> names = names();
    for (String name : names) {
      Optional<Cartridge> found = source.find(name);
      assertTrue(found.isPresent(), "find(" + name + ") is empty");
      assertEquals(name, found.get().name());
    }
    String unknown = "no-such-cartridge";
    while (names.contains(unknown)) {
      unknown += "-really";
    }
    assertEquals(Optional.empty(), source.find(unknown));
    assertEquals(Optional.empty(), source.find(""));
    for (String name : names) {
      if (!names.contains(name + "x")) {
        assertEquals(Optional.empty(), source.find(name + "x"), "find(" + name + "x)");
      }
    }
  }

  @Test
  void detectionChangesNothingAndExplainsItself() throws Exception {
    Path app = newApp(dir.resolve("apps"));
    Map<String, String> before = snapshot(dir, Set.of());

    List<String> detectedBy = new ArrayList<>();
    for (Cartridge cartridge : source.cartridges()) {
      Detection detection = cartridge.detect(app);
      assertNotNull(detection, cartridge.name() + " returned no detection");
      assertFalse(detection.explanation().isBlank(),
          cartridge.name() + " explained nothing: " + detection);
      if (detection.detected()) {
        detectedBy.add(cartridge.name());
      }
      assertEquals(detection.detected(), cartridge.detect(app).detected(),
          cartridge.name() + " answered differently the second time");
    }

    assertFalse(detectedBy.isEmpty(), "no cartridge detected the app of appItDetects: " + app);
    assertUnchanged(before, snapshot(dir, Set.of()), "detection changed the app's files");
  }

  @Test
  void anEmptyFolderIsDetectedByNoCartridgeAndEachSaysWhatItLooksFor() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Map<String, String> before = snapshot(dir, Set.of());

    for (Cartridge cartridge : source.cartridges()) {
      Detection detection = cartridge.detect(empty);
      assertNotNull(detection, cartridge.name() + " returned no detection");
      assertFalse(detection.detected(), cartridge.name() + " detected an empty folder");
      assertFalse(detection.explanation().isBlank(),
          cartridge.name() + " does not say what it looks for");
    }

    assertUnchanged(before, snapshot(dir, Set.of()), "detection changed the empty folder");
  }

  @Test
  void stagingGivesACommandAndWritesOnlyInsideTheBuildAndCacheFolders() throws Exception {
    Staging staging = Staging.prepare(this, dir.resolve("stage"));

    StagingResult result = staging.run();

    assertNotNull(result, staging.cartridge.name() + " returned no result");
    assertFalse(result.command().isBlank(), "a blank command");
    staging.assertOnlyBuildAndCacheChanged();
  }

  @Test
  void twoStagingsInDifferentFoldersRunAtOnce() throws Exception {
    Staging first = Staging.prepare(this, dir.resolve("first"));
    Staging second = Staging.prepare(this, dir.resolve("second"));

    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<StagingResult>> results = new ArrayList<>();
      for (Staging staging : List.of(first, second)) {
        results.add(executor.submit(() -> {
          go.await();
          return staging.run();
        }));
      }
      go.countDown();
      for (Future<StagingResult> result : results) {
        StagingResult staged = result.get(STAGING_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        assertNotNull(staged, "a staging returned no result");
        assertFalse(staged.command().isBlank(), "a blank command");
      }
    } finally {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(STAGING_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          "a staging still runs");
    }
    first.assertOnlyBuildAndCacheChanged();
    second.assertOnlyBuildAndCacheChanged();
  }

  // --- helpers for subclasses and the tests above ---

  /**
   * The names of the source's cartridges, in its order.
   *
   * @return the names, as {@link CartridgeSource#cartridges()} lists them now
   */
  protected final List<String> names() {
    return source.cartridges().stream().map(Cartridge::name).toList();
  }

  /**
   * Calls {@link #appItDetects} and checks that it kept to its promise of a folder there.
   *
   * @param parent the folder to write below
   * @return the app's folder
   * @throws Exception what {@link #appItDetects} threw; the test fails when its folder is not
   *     below {@code parent}
   */
  protected final Path newApp(Path parent) throws Exception {
    Path app = appItDetects(parent);
    assertNotNull(app, "appItDetects returned null");
    Path below = app.toAbsolutePath().normalize();
    Path above = parent.toAbsolutePath().normalize();
    assertTrue(below.startsWith(above) && !below.equals(above) && Files.isDirectory(app),
        "appItDetects must return a folder below " + parent + ": " + app);
    return app;
  }

  /**
   * The first cartridge, in the source's order, that detects {@code app}, as a stager picks it.
   *
   * @param app the app's folder
   * @return the cartridge; the test fails when none detects the app
   * @throws IOException what a cartridge's detection threw
   */
  protected final Cartridge detecting(Path app) throws IOException {
    for (Cartridge cartridge : source.cartridges()) {
      if (cartridge.detect(app).detected()) {
        return cartridge;
      }
    }
    throw new AssertionError("no cartridge of " + names() + " detects " + app);
  }

  /**
   * What is below {@code root}, leaving out the subtrees in {@code skipped}: for each path
   * relative to {@code root}, its type, permissions, modification time and, for a file, its size
   * and SHA-256, or for a link its target. Equal snapshots mean nothing there changed.
   *
   * @param root the folder to describe, itself included as {@code .}
   * @param skipped folders (or files) below {@code root} to leave out, with what they hold
   * @return the description of each path, by path relative to {@code root}, sorted
   * @throws IOException when a path cannot be read
   */
  protected static Map<String, String> snapshot(Path root, Set<Path> skipped)
      throws IOException {
    Map<String, String> tree = new TreeMap<>();
    Set<Path> skip = new HashSet<>();
    skipped.forEach(path -> skip.add(path.toAbsolutePath().normalize()));
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attributes)
          throws IOException {
        if (skip.contains(path.toAbsolutePath().normalize())) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        tree.put(name(path), describe(path, attributes));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path path, BasicFileAttributes attributes)
          throws IOException {
        if (!skip.contains(path.toAbsolutePath().normalize())) {
          tree.put(name(path), describe(path, attributes));
        }
        return FileVisitResult.CONTINUE;
      }

      private String name(Path path) {
        String relative = root.relativize(path).toString();
        return relative.isEmpty() ? "." : relative;
      }

      private String describe(Path path, BasicFileAttributes attributes) throws IOException {
        StringBuilder text = new StringBuilder();
        if (attributes.isSymbolicLink()) {
          text.append("link to ").append(Files.readSymbolicLink(path));
        } else if (attributes.isDirectory()) {
          text.append("folder");
        } else if (attributes.isRegularFile()) {
          text.append("file of ").append(attributes.size()).append(" bytes, sha256 ")
              .append(sha256(path));
        } else {
          text.append("other");
        }
        text.append(", modified ").append(attributes.lastModifiedTime());
        if (posix && !attributes.isSymbolicLink()) {
          text.append(", ").append(PosixFilePermissions.toString(
              Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
        }
        return text.toString();
      }
    });
    return tree;
  }

  /**
   * Fails with the paths added, removed and changed when {@code after} differs.
   *
   * @param before a {@link #snapshot} taken first
   * @param after a snapshot of the same folder taken later
   * @param what what would have changed the folder, to start the failure message
   */
  protected static void assertUnchanged(Map<String, String> before, Map<String, String> after,
      String what) {
    Set<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<String> changes = new ArrayList<>();
    for (String path : paths) {
      String was = before.get(path);
      String is = after.get(path);
      if (was == null) {
        changes.add("added " + path + " (" + is + ")");
      } else if (is == null) {
        changes.add("removed " + path + " (" + was + ")");
      } else if (!was.equals(is)) {
        changes.add("changed " + path + " from " + was + " to " + is);
      }
    }
    if (!changes.isEmpty()) {
      fail(what + ": " + String.join("; ", changes));
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buffer = new byte[8192];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * One staging in a folder of its own: {@code root/apps/<the app>} is the build folder,
   * {@code root/cache} the cache folder, and a file and a folder beside them must stay as they
   * were.
   */
  private static final class Staging {
    final Path root;
    final Path buildDir;
    final Path cacheDir;
    final Cartridge cartridge;
    final Map<String, String> before;
    final List<String> log = new CopyOnWriteArrayList<>();

    private Staging(Path root, Path buildDir, Path cacheDir, Cartridge cartridge)
        throws IOException {
      this.root = root;
      this.buildDir = buildDir;
      this.cacheDir = cacheDir;
      this.cartridge = cartridge;
      this.before = snapshot(root, Set.of(buildDir, cacheDir));
    }

    static Staging prepare(CartridgeSourceContract contract, Path root) throws Exception {
      Path apps = root.resolve("apps");
      Path buildDir = contract.newApp(apps);
      Path cacheDir = Files.createDirectories(root.resolve("cache"));
      Files.writeString(root.resolve("beside.txt"), "must stay as it is\n");
      Path other = Files.createDirectories(apps.resolve("other-app"));
      Files.writeString(other.resolve("file.txt"), "another app's file\n");
      return new Staging(root, buildDir, cacheDir, contract.detecting(buildDir));
    }

    StagingResult run() throws IOException {
      StagingContext context = new StagingContext("contract-app", buildDir, cacheDir,
          Map.of("APP_ENV", "contract"), log::add, STAGING_TIMEOUT);
      return cartridge.stage(context);
    }

    void assertOnlyBuildAndCacheChanged() throws IOException {
      assertUnchanged(before, snapshot(root, Set.of(buildDir, cacheDir)),
          cartridge.name() + " wrote outside " + buildDir + " and " + cacheDir
              + " (its log: " + log + ")");
      assertTrue(Files.isDirectory(buildDir), "the build folder is gone");
    }
  }
}
