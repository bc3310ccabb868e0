package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.cartridges.openshift.OpenShiftGears;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.node.process.ProcessBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** A cloud of every role in one JVM, with nodes that run instances as plain processes. */
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
    return build(name, workDir, nodes, routerPort, store, blobs, cartridges(workDir, false, false));
  }

  /** The built-in cartridges plus downloadable ones, which work under {@code workDir}. */
  static OpenShiftCartridges cartridges(Path workDir, boolean allowHttp, boolean allowFile) {
    try {
      return OpenShiftCartridges.builder().builtins(BuiltinCartridges.create())
          .workDir(workDir.resolve("cartridges")).allowHttp(allowHttp).allowFile(allowFile)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the cartridge folder in " + workDir, e);
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
    return builder.build();
  }
}
