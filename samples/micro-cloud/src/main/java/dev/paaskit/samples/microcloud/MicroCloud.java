package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuildpackDirectory;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.cartridges.CartridgeSources;
import dev.paaskit.cartridges.GitBuildpacks;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.cartridges.openshift.OpenShiftGears;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.generic.GenericServices;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.node.generic.GenericAgentHost;
import dev.paaskit.node.process.ProcessBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A cloud of every role in one JVM, with nodes that run instances as plain processes, and
 * generic services whose agents run on one agent host.
 */
public final class MicroCloud {
  /** How long a stopping instance gets between SIGTERM and SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** How long a stopping instance keeps serving requests already routed to it. */
  static final Duration DRAIN = Duration.ofMillis(500);

  private MicroCloud() {}

  /**
   * Builds (does not start) a micro cloud with {@code nodes} process-backed nodes of 2 GiB each,
   * working under {@code workDir}, keeping state in memory.
   */
  public static PaasCloud build(String name, Path workDir, int nodes, int routerPort) {
    return build(name, workDir, nodes, routerPort, null, null);
  }

  /** As {@link #build(String, Path, int, int)}, with the given store and blob store when not null. */
  public static PaasCloud build(String name, Path workDir, int nodes, int routerPort,
      StateStore store, BlobStore blobs) {
    return build(name, workDir, nodes, routerPort, store, blobs,
        cartridges(workDir, null, false, false, false));
  }

  /**
   * The cartridges of a micro cloud: the built-in ones, then the Heroku-style buildpacks in
   * {@code buildpacks} (when not null), in that order for detection, buildpacks named by git URL
   * (cloned into {@code workDir/buildpacks-git}), and downloadable OpenShift cartridges (kept
   * under {@code workDir/cartridges}).
   *
   * @param allowFileBuildpacks whether a {@code file://} git URL may name a buildpack
   * @param allowHttp whether cartridges may be downloaded over plain http and git
   * @param allowFile whether cartridges may be added from {@code file:} URLs
   * @throws IllegalArgumentException naming a subfolder of {@code buildpacks} that is not a
   *     buildpack
   */
  static OpenShiftCartridges cartridges(Path workDir, Path buildpacks,
      boolean allowFileBuildpacks, boolean allowHttp, boolean allowFile) {
    GitBuildpacks git = GitBuildpacks.builder().cacheDir(workDir.resolve("buildpacks-git"))
        .allowFileUrls(allowFileBuildpacks).build();
    CartridgeSource staged = CartridgeSources.concat(BuiltinCartridges.create(), git);
    if (buildpacks != null) {
      try {
        staged = CartridgeSources.concat(BuiltinCartridges.create(),
            BuildpackDirectory.open(buildpacks), git);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the buildpacks in " + buildpacks, e);
      }
    }
    try {
      return OpenShiftCartridges.builder().builtins(staged)
          .workDir(workDir.resolve("cartridges")).allowHttp(allowHttp).allowFile(allowFile)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the cartridges of " + workDir, e);
    }
  }

  /**
   * As {@link #build(String, Path, int, int, StateStore, BlobStore)}, offering
   * {@code cartridges} to stagings; each node keeps the downloadable cartridges its instances
   * use in {@code nodes/ID/cartridges}.
   */
  static PaasCloud build(String name, Path workDir, int nodes, int routerPort,
      StateStore store, BlobStore blobs, OpenShiftCartridges cartridges) {
    PortAllocator ports = PortAllocator.create();
    PaasKit.Builder builder = PaasKit.builder()
        .name(name)
        .workDir(workDir.resolve("cloud"))
        .cartridges(cartridges)
        .addRole(cartridges.role())
        .router("127.0.0.1", routerPort);
    if (store != null) {
      builder.stateStore(store);
    }
    if (blobs != null) {
      builder.blobStore(blobs);
    }
    for (int i = 1; i <= nodes; i++) {
      String id = "n" + i;
      Path nodeDir = workDir.resolve("nodes").resolve(id);
      OpenShiftGears gears;
      try {
        gears = OpenShiftGears.create(nodeDir.resolve("cartridges"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare node " + id + "'s cartridges", e);
      }
      builder.addRole(NodeAgent.builder()
          .id(id)
          .capacity(NodeCapacity.of("2G", "10G"))
          .backend(ProcessBackend.builder().build())
          .ports(ports)
          .stopGrace(STOP_GRACE)
          .drainPeriod(DRAIN)
          .gears(gears)
          .workDir(nodeDir));
    }
    builder.addRole(GenericServices.builder().workDir(workDir.resolve("generic").resolve("manager")));
    builder.addRole(GenericAgentHost.builder().id("agents")
        .workDir(workDir.resolve("generic").resolve("agents")).stopGrace(STOP_GRACE));
    return builder.build();
  }

  /** The manager of the cloud's generic services. */
  static GenericServices genericServices(PaasCloud cloud) {
    return (GenericServices) cloud.role(GenericServices.ROLE_NAME).orElseThrow();
  }
}
