package dev.paaskit.cartridges.openshift;

import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cartridges a node (or a controller) holds in one folder, as OpenShift's node cartridge
 * repository does: {@code ROOT/VENDOR/NAME/CARTRIDGE-VERSION/}, each a cartridge folder with
 * {@code metadata/manifest.yml} and {@code bin/control}.
 *
 * <p>Indexed by vendor, name, software version ({@code Version} and {@code Versions}) and
 * cartridge version; {@link #select} takes the latest, compared numerically, of whatever is not
 * given. {@link #install} is all or nothing: a cartridge is checked in a temporary folder under
 * the root and then moved into place in one atomic rename, so a reader never sees half of one,
 * and the index is read from the folder, so what one repository object installs another on the
 * same folder sees. Thread-safe within one JVM.
 *
 * <pre>{@code
 * CartridgeRepository repo = CartridgeRepository.open(node.resolve("cartridges"));
 * repo.install(unpackedCartridge);
 * Installed mock = repo.select(Optional.empty(), "mock", Optional.of("0.2"), Optional.empty())
 *     .orElseThrow();
 * }</pre>
 */
public final class CartridgeRepository {
  /** Where a cartridge folder keeps its manifest: a path relative to the cartridge folder. */
  public static final String MANIFEST = "metadata/manifest.yml";
  /**
   * The script every cartridge must have, relative to the cartridge folder; called with
   * {@code start}, {@code stop}, {@code status} and the other control actions.
   */
  public static final String CONTROL = "bin/control";
  private static final String TEMP_PREFIX = ".install-";

  private final Path root;
  private final ArchiveExtractor extractor;

  /**
   * A cartridge in the repository.
   *
   * @param manifest the cartridge's manifest; from {@link #select}, with the chosen software
   *     version's overrides applied
   * @param dir the cartridge's folder, {@code ROOT/VENDOR/NAME/CARTRIDGE-VERSION}, to read
   *     only; {@link #erase} may remove it under a reader
   */
  public record Installed(CartridgeManifest manifest, Path dir) {
    /**
     * Checks that both components are given.
     *
     * @param manifest not null
     * @param dir not null; not checked on disk
     * @throws NullPointerException if a component is null
     */
    public Installed {
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(dir, "dir");
    }
  }

  private CartridgeRepository(Path root, ArchiveLimits limits) {
    this.root = root;
    this.extractor = ArchiveExtractor.create(limits);
  }

  /**
   * A repository on {@code root}, created when missing; temporary folders an interrupted install
   * left behind are deleted. Archives are unpacked with {@link ArchiveLimits#defaults()}.
   *
   * @param root the repository's folder. Opening deletes leftover temporary folders, so opening
   *     a second repository on a folder while the first installs into it fails that install
   * @return a repository on the folder; what is installed there already is listed at once
   * @throws IOException when the folder cannot be created or a leftover cannot be deleted
   */
  public static CartridgeRepository open(Path root) throws IOException {
    return open(root, ArchiveLimits.defaults());
  }

  /**
   * As {@link #open(Path)}, unpacking with {@code limits}.
   *
   * @param root the repository's folder, as for {@link #open(Path)}
   * @param limits the bounds {@link #install(InputStream)} applies to an archive
   * @return a repository on the folder
   * @throws IOException when the folder cannot be created or a leftover cannot be deleted
   */
  public static CartridgeRepository open(Path root, ArchiveLimits limits) throws IOException {
    Files.createDirectories(root);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
      for (Path p : leftovers) {
        Trees.delete(p);
      }
    }
    return new CartridgeRepository(root, limits);
  }

  /**
   * The repository's folder.
   *
   * @return the folder given to {@code open}, as given (not made absolute)
   */
  public Path root() {
    return root;
  }

  /**
   * Checks the cartridge folder {@code source} and copies it in; an installed cartridge of the
   * same vendor, name and cartridge version is left as it is and returned. Scripts in
   * {@code bin/} are made executable. Blocks other installs, erases, lists and selects of this
   * repository while it copies.
   *
   * @param source a cartridge folder, left as it is; symbolic links in it are copied as links
   * @return the cartridge as installed, or the one already there
   * @throws InvalidCartridgeManifestException when {@code metadata/manifest.yml} is missing or
   *     invalid, or {@code bin/control} is missing
   * @throws IllegalArgumentException when the vendor, name or {@code Cartridge-Version} cannot
   *     name a folder: letters, digits, {@code .}, {@code _} and {@code -}, starting with a
   *     letter or digit, without {@code ..}
   * @throws IOException when reading the source or writing the repository fails; no part of
   *     the cartridge is left in the repository then
   */
  public synchronized Installed install(Path source) throws IOException {
    CartridgeManifest manifest = check(source);
    Optional<Installed> present = exact(manifest);
    if (present.isPresent()) {
      return present.get();
    }
    Path temp = Files.createTempDirectory(root, TEMP_PREFIX);
    try {
      Path copy = temp.resolve("cartridge");
      copyTree(source, copy);
      return place(manifest, copy);
    } finally {
      Trees.deleteQuietly(temp);
    }
  }

  /**
   * Unpacks a {@code tar.gz} of a cartridge folder (its files at the top) with the archive
   * safety rules, checks it and moves it in; as {@link #install(Path)} otherwise.
   *
   * @param tarGz the archive, its files at the top; not closed
   * @return the cartridge as installed, or the one already there
   * @throws dev.paaskit.api.InvalidArchiveException when the archive breaks the repository's
   *     {@link ArchiveLimits} or holds an unsafe entry
   * @throws InvalidCartridgeManifestException as for {@link #install(Path)}
   * @throws IllegalArgumentException as for {@link #install(Path)}
   * @throws IOException when the stream or the repository fails; nothing is left behind
   */
  public synchronized Installed install(InputStream tarGz) throws IOException {
    Path temp = Files.createTempDirectory(root, TEMP_PREFIX);
    try {
      Path unpacked = extractor.extractTarGz(tarGz, temp);
      CartridgeManifest manifest = check(unpacked);
      Optional<Installed> present = exact(manifest);
      return present.isPresent() ? present.get() : place(manifest, unpacked);
    } finally {
      Trees.deleteQuietly(temp);
    }
  }

  private Installed place(CartridgeManifest manifest, Path ready) throws IOException {
    makeScriptsExecutable(ready.resolve("bin"));
    Path target = dirOf(manifest.cartridgeVendor(), manifest.name(), manifest.cartridgeVersion());
    Files.createDirectories(target.getParent());
    try {
      Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot move a cartridge into " + target + " atomically", e);
    }
    return new Installed(manifest, target);
  }

  /**
   * The manifest of the cartridge folder {@code dir}, once it has {@code bin/control}. Reads
   * the folder only; whether {@code bin/control} is executable is not checked.
   *
   * @param dir a cartridge folder, in a repository or not
   * @return the parsed manifest, with its default software version
   * @throws InvalidCartridgeManifestException what is missing or wrong, naming the folder or the
   *     manifest file
   * @throws IOException when the manifest cannot be read
   */
  public static CartridgeManifest check(Path dir) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new InvalidCartridgeManifestException(dir.toString(), "", "no " + MANIFEST
          + ": a cartridge holds its manifest there (found at the top: " + listing(dir) + ")");
    }
    CartridgeManifest parsed = CartridgeManifest.parse(Files.readString(manifest),
        manifest.toString());
    if (!Files.isRegularFile(dir.resolve(CONTROL))) {
      throw new InvalidCartridgeManifestException(dir.toString(), "", "no " + CONTROL
          + ": every cartridge has a control script for start, stop and status");
    }
    return parsed;
  }

  /**
   * Removes one cartridge version: first renamed out of the index in one atomic step, then
   * deleted, so no reader sees a half-deleted cartridge. Vendor and name folders left empty are
   * removed too. Gears still running from the folder are not stopped.
   *
   * @param vendor the {@code Cartridge-Vendor}
   * @param name the cartridge's {@code Name}
   * @param cartridgeVersion the {@code Cartridge-Version}, not a software version
   * @return true when it was there and is removed, false when it was not there
   * @throws IllegalArgumentException when a part cannot name a folder of the repository
   * @throws IOException when the folder cannot be moved or deleted
   */
  public synchronized boolean erase(String vendor, String name, String cartridgeVersion)
      throws IOException {
    Path dir = dirOf(vendor, name, cartridgeVersion);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    // Renamed out of the index first, so no reader finds a half-deleted folder.
    Path doomed = Files.createTempDirectory(root, TEMP_PREFIX).resolve("erased");
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    Trees.delete(doomed.getParent());
    pruneEmpty(dir.getParent());
    return true;
  }

  /**
   * Every installed cartridge, read from the folder on each call, so it includes what another
   * repository object on the same folder installed. A folder whose manifest cannot be read or
   * parsed is left out.
   *
   * @return a new list, by vendor, name, then cartridge version ascending (compared
   *     numerically); manifests with their default software version
   * @throws IOException when a folder of the repository cannot be listed
   */
  public synchronized List<Installed> list() throws IOException {
    List<Installed> out = new ArrayList<>();
    for (Path vendor : children(root)) {
      for (Path name : children(vendor)) {
        for (Path version : children(name)) {
          try {
            out.add(new Installed(CartridgeManifest.parse(
                Files.readString(version.resolve(MANIFEST)), version.toString()), version));
          } catch (InvalidCartridgeManifestException | IOException e) {
            // Only install() writes here and it checked the manifest: a folder someone broke
            // by hand is not offered, and erase() can still remove it.
            continue;
          }
        }
      }
    }
    out.sort(Comparator.comparing((Installed i) -> i.manifest().cartridgeVendor())
        .thenComparing(i -> i.manifest().name())
        .thenComparing(i -> i.manifest().cartridgeVersion(), VersionOrder.ASCENDING));
    return out;
  }

  /**
   * The cartridge named {@code name}, of the given vendor, offering the given software version,
   * at the given cartridge version; of what is not given, the latest. The manifest returned has
   * the chosen software version's overrides applied.
   *
   * @param vendor the {@code Cartridge-Vendor} to match, or empty for any
   * @param name the cartridge's {@code Name}, matched exactly
   * @param softwareVersion a software version the cartridge must offer, or empty for the
   *     latest it offers
   * @param cartridgeVersion the {@code Cartridge-Version} to match, or empty for the latest
   * @return the best match, ties broken by cartridge version then vendor; empty when nothing
   *     installed matches
   * @throws InvalidCartridgeManifestException when the chosen version's overrides are invalid
   * @throws IOException when the repository cannot be listed
   */
  public synchronized Optional<Installed> select(Optional<String> vendor, String name,
      Optional<String> softwareVersion, Optional<String> cartridgeVersion) throws IOException {
    Installed best = null;
    String bestVersion = null;
    for (Installed i : list()) {
      CartridgeManifest m = i.manifest();
      if (!m.name().equals(name) || vendor.filter(v -> !v.equals(m.cartridgeVendor())).isPresent()
          || cartridgeVersion.filter(v -> !v.equals(m.cartridgeVersion())).isPresent()) {
        continue;
      }
      String version;
      if (softwareVersion.isPresent()) {
        if (!m.offers(softwareVersion.get())) {
          continue;
        }
        version = softwareVersion.get();
      } else {
        version = m.allVersions().stream().max(VersionOrder.ASCENDING).orElseThrow();
      }
      if (best == null || newer(m, version, best.manifest(), bestVersion)) {
        best = i;
        bestVersion = version;
      }
    }
    return best == null ? Optional.empty()
        : Optional.of(new Installed(best.manifest().forVersion(bestVersion), best.dir()));
  }

  private static boolean newer(CartridgeManifest m, String version, CartridgeManifest than,
      String thanVersion) {
    int c = VersionOrder.compare(version, thanVersion);
    if (c == 0) {
      c = VersionOrder.compare(m.cartridgeVersion(), than.cartridgeVersion());
    }
    if (c == 0) {
      c = m.cartridgeVendor().compareTo(than.cartridgeVendor());
    }
    return c > 0;
  }

  private Optional<Installed> exact(CartridgeManifest m) throws IOException {
    Path dir = dirOf(m.cartridgeVendor(), m.name(), m.cartridgeVersion());
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      return Optional.empty();
    }
    return Optional.of(new Installed(CartridgeManifest.parse(
        Files.readString(dir.resolve(MANIFEST)), dir.toString()), dir));
  }

  private Path dirOf(String vendor, String name, String cartridgeVersion) {
    for (String part : new String[] {vendor, name, cartridgeVersion}) {
      if (!part.matches("[A-Za-z0-9][A-Za-z0-9_.-]*") || part.contains("..")) {
        throw new IllegalArgumentException("not a cartridge vendor, name or version: " + part);
      }
    }
    return root.resolve(vendor).resolve(name).resolve(cartridgeVersion);
  }

  /** Zip files made on other systems often lose the mode bits the scripts need. */
  private static void makeScriptsExecutable(Path bin) throws IOException {
    for (Path script : children(bin, Files::isRegularFile)) {
      if (!Files.isSymbolicLink(script)) {
        script.toFile().setExecutable(true, false);
      }
    }
  }

  private void pruneEmpty(Path dir) throws IOException {
    for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
        if (s.iterator().hasNext()) {
          return;
        }
      }
      Files.delete(d);
    }
  }

  private static List<Path> children(Path dir) throws IOException {
    return children(dir, Files::isDirectory);
  }

  private static List<Path> children(Path dir, java.util.function.Predicate<Path> kind)
      throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (kind.test(p) && !p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static String listing(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        names.add(p.getFileName() + (Files.isDirectory(p) ? "/" : ""));
      }
    }
    names.sort(Comparator.naturalOrder());
    return names.isEmpty() ? "nothing" : String.join(", ", names);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.copy(p, target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } else if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
