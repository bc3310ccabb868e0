package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.core.internal.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a droplet staged with an OpenShift cartridge tells the node that runs it: which
 * cartridge, at which software version, and the blob that holds its verified files. Written by
 * {@link OpenShiftCartridge} at the droplet's top, read by {@link OpenShiftGears}.
 *
 * @param sha256 the blob of the cartridge's files, a reproducible tar.gz
 */
record GearPlan(String vendor, String name, String cartridgeVersion, String version,
    String sha256) {
  static final String FILE = ".openshift-gear.json";
  static final String SUPERVISOR = ".openshift-gear/supervisor";
  /**
   * The command the droplet records; the node's gear setup writes the supervisor it runs. A node
   * without gear setup says so instead of failing on a missing file.
   */
  static final String COMMAND = "[ -f " + SUPERVISOR + " ] || { echo 'this app was staged with an "
      + "OpenShift cartridge: it needs a node with gear setup (NodeAgent.Builder.gears)' >&2; "
      + "exit 1; }; exec /bin/sh " + SUPERVISOR;

  GearPlan {
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cartridgeVersion, "cartridgeVersion");
    Objects.requireNonNull(version, "version");
    BlobInfo.checkSha256(sha256);
  }

  void write(Path dropletRoot) throws IOException {
    Files.write(dropletRoot.resolve(FILE), Json.write(this));
  }

  static Optional<GearPlan> read(Path instanceDir) throws IOException {
    Path file = instanceDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(Json.read(Files.readAllBytes(file), GearPlan.class));
  }
}
