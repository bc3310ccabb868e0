package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.node.process.ProcessBackend;
import java.nio.file.Path;

/** A cloud of every role in one JVM, with nodes that run instances as plain processes. */
public final class MicroCloud {
  private MicroCloud() {}

  /**
   * Builds (does not start) a micro cloud with {@code nodes} process-backed nodes of 2 GiB each,
   * working under {@code workDir}.
   */
  public static PaasCloud build(String name, Path workDir, int nodes, int routerPort) {
    PortAllocator ports = PortAllocator.create();
    PaasKit.Builder builder = PaasKit.builder()
        .name(name)
        .workDir(workDir.resolve("cloud"))
        .cartridges(BuiltinCartridges.create())
        .router("127.0.0.1", routerPort);
    for (int i = 1; i <= nodes; i++) {
      String id = "n" + i;
      builder.addRole(NodeAgent.builder()
          .id(id)
          .capacity(NodeCapacity.of("2G", "10G"))
          .backend(ProcessBackend.builder().build())
          .ports(ports)
          .workDir(workDir.resolve("nodes").resolve(id)));
    }
    return builder.build();
  }
}
