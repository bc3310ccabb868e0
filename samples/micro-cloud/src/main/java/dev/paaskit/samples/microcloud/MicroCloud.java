package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuildpackDirectory;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.cartridges.CartridgeSources;
import dev.paaskit.cartridges.GitBuildpacks;
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
    return build(name, workDir, nodes, routerPort, store, blobs, cartridges(workDir, null, false));
  }

  /** As {@link #build(String, Path, int, int, StateStore, BlobStore)}, staging with {@code cartridges}. */
  public static PaasCloud build(String name, Path workDir, int nodes, int routerPort,
      StateStore store, BlobStore blobs, CartridgeSource cartridges) {
    PortAllocator ports = PortAllocator.create();
    PaasKit.Builder builder = PaasKit.builder()
        .name(name)
        .workDir(workDir.resolve("cloud"))
        .cartridges(cartridges)
        .router("127.0.0.1", routerPort);
    if (store != null) {
      builder.stateStore(store);
    }
    if (blobs != null) {
      builder.blobStore(blobs);
    }
    for (int i = 1; i <= nodes; i++) {
      String id = "n" + i;
      builder.addRole(NodeAgent.builder()
          .id(id)
          .capacity(NodeCapacity.of("2G", "10G"))
          .backend(ProcessBackend.builder().build())
          .ports(ports)
          .stopGrace(STOP_GRACE)
          .drainPeriod(DRAIN)
          .workDir(workDir.resolve("nodes").resolve(id)));
    }
    builder.addRole(GenericServices.builder().workDir(workDir.resolve("generic").resolve("manager")));
    builder.addRole(GenericAgentHost.builder().id("agents")
        .workDir(workDir.resolve("generic").resolve("agents")).stopGrace(STOP_GRACE));
    return builder.build();
  }

  /**
   * The built-in cartridges, then the buildpacks in {@code buildpacks} (when not null), in that
   * order for detection; a git URL named as the cartridge is cloned into
   * {@code workDir/buildpacks-git}.
   *
   * @param allowFileUrls whether a {@code file://} git URL may be cloned
   * @throws IllegalArgumentException naming a subfolder of {@code buildpacks} that is not a
   *     buildpack
   */
  public static CartridgeSource cartridges(Path workDir, Path buildpacks, boolean allowFileUrls) {
    GitBuildpacks git = GitBuildpacks.builder().cacheDir(workDir.resolve("buildpacks-git"))
        .allowFileUrls(allowFileUrls).build();
    if (buildpacks == null) {
      return CartridgeSources.concat(BuiltinCartridges.create(), git);
    }
    try {
      return CartridgeSources.concat(BuiltinCartridges.create(),
          BuildpackDirectory.open(buildpacks), git);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the buildpacks in " + buildpacks, e);
    }
  }

  /** The manager of the cloud's generic services. */
  static GenericServices genericServices(PaasCloud cloud) {
    return (GenericServices) cloud.role(GenericServices.ROLE_NAME).orElseThrow();
  }
}
