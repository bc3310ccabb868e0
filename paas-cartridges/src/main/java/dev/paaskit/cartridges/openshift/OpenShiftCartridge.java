package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stages an app for an OpenShift cartridge that runs in the gear: the app's files move to
 * {@code app-root/repo}, as in an OpenShift gear, and a {@link GearPlan} names the cartridge.
 * Its scripts run on the node ({@link OpenShiftGears}), not here. Never detected: users select
 * it by name.
 */
final class OpenShiftCartridge implements Cartridge {
  static final String REPO = "app-root/repo";

  private final CartridgeManifest manifest;
  private final String sha256;

  OpenShiftCartridge(CartridgeManifest manifest, String sha256) {
    this.manifest = manifest;
    this.sha256 = sha256;
  }

  CartridgeManifest manifest() {
    return manifest;
  }

  /** This cartridge at another of the software versions it offers. */
  OpenShiftCartridge withVersion(String softwareVersion) {
    return new OpenShiftCartridge(manifest.forVersion(softwareVersion), sha256);
  }

  @Override
  public String name() {
    return manifest.name();
  }

  /**
   * The software version, the cartridge version and its files' sha256: any other, another
   * droplet.
   */
  @Override
  public String version() {
    return manifest.version() + " (cartridge " + manifest.cartridgeVersion() + "+"
        + sha256.substring(0, 12) + ")";
  }

  @Override
  public Detection detect(Path appDir) {
    return Detection.no(manifest.name() + ": select it by name (push --cartridge "
        + manifest.name() + ")");
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    Path build = context.buildDir();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(build)) {
      s.forEach(files::add);
    }
    Path repo = Files.createDirectories(build.resolve(".repo-" + System.nanoTime()));
    for (Path f : files) {
      Files.move(f, repo.resolve(f.getFileName()));
    }
    Files.createDirectories(build.resolve(REPO).getParent());
    Files.move(repo, build.resolve(REPO));
    new GearPlan(manifest.cartridgeVendor(), manifest.name(), manifest.cartridgeVersion(),
        manifest.version(), sha256).write(build);
    context.log().accept("-----> " + manifest.cartridgeVendor() + "/" + manifest.name() + " "
        + manifest.version() + " (cartridge " + manifest.cartridgeVersion() + "): the app's "
        + "files are in " + REPO + "; the node runs the cartridge's setup, install and "
        + "control start");
    return new StagingResult(GearPlan.COMMAND, Map.of());
  }
}
