package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.generic.GenericServices;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.node.generic.GenericAgentHost;
import dev.paaskit.node.process.ProcessBackend;
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
    PortAllocator ports = PortAllocator.create();
    PaasKit.Builder builder = PaasKit.builder()
        .name(name)
        .workDir(workDir.resolve("cloud"))
        .cartridges(BuiltinCartridges.create())
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

  /** The manager of the cloud's generic services. */
  static GenericServices genericServices(PaasCloud cloud) {
    return (GenericServices) cloud.role(GenericServices.ROLE_NAME).orElseThrow();
  }
}
