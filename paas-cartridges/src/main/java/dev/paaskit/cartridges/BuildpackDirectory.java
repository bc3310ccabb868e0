package dev.paaskit.cartridges;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Heroku-style buildpacks in a folder, each a subfolder with {@code bin/detect},
 * {@code bin/compile} and optionally {@code bin/release}, as cartridges named after their
 * subfolder and tried in the order of those names. A buildpack's version is a hash of its files,
 * so changing one restages apps it staged. See {@link BuildpackRelease} for what
 * {@code bin/release} prints.
 *
 * <p>The folder is read once, by {@link #open}; buildpacks added later need a new source. Files
 * and folders whose names start with {@code .} are skipped. Immutable and thread-safe.
 *
 * <pre>{@code
 * CartridgeSource cartridges = CartridgeSources.concat(BuiltinCartridges.create(),
 *     BuildpackDirectory.open(Path.of("/var/paaskit/buildpacks")));
 * }</pre>
 */
public final class BuildpackDirectory implements CartridgeSource {
  private final Path dir;
  private final List<Cartridge> buildpacks;

  private BuildpackDirectory(Path dir, List<Cartridge> buildpacks) {
    this.dir = dir;
    this.buildpacks = List.copyOf(buildpacks);
  }

  /**
   * Reads the buildpacks in {@code dir}: lists it once and checks each subfolder's scripts,
   * blocking on the file system.
   *
   * @param dir the folder holding one subfolder per buildpack; an empty folder gives a source
   *     with no cartridge
   * @return a source of the buildpacks, in the order of their folder names
   * @throws NotDirectoryException when {@code dir} is not a folder
   * @throws IOException when {@code dir} cannot be listed
   * @throws IllegalArgumentException naming the subfolder that is not a buildpack: a name that
   *     cannot name a cartridge, or {@code bin/detect} or {@code bin/compile} missing or not
   *     executable
   */
  public static BuildpackDirectory open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir + " (the buildpacks folder)");
    }
    List<Cartridge> buildpacks = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        if (Files.isDirectory(child) && !child.getFileName().toString().startsWith(".")) {
          buildpacks.add(Buildpack.inFolder(child));
        }
      }
    }
    return new BuildpackDirectory(dir, buildpacks);
  }

  @Override
  public List<Cartridge> cartridges() {
    return buildpacks;
  }

  @Override
  public String toString() {
    return "buildpacks in " + dir;
  }
}
