package dev.paaskit.samples.microcloud;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.BuildpackDirectory;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.cartridges.CartridgeSources;
import dev.paaskit.cartridges.GitBuildpacks;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.cartridges.openshift.OpenShiftGears;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.generic.GenericServices;
import dev.paaskit.generic.agent.GenericAgentHost;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.node.process.ProcessBackend;
import dev.paaskit.node.runc.RuncBackend;
import dev.paaskit.router.RouterRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A cloud of every role in one JVM, with nodes that run instances in runc containers (or as
 * plain processes), and generic services whose agents run on one agent host.
 */
public final class MicroCloud {
  /** How long a stopping instance gets between SIGTERM and SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** How long a stopping instance keeps serving requests already routed to it. */
  static final Duration DRAIN = Duration.ofMillis(500);

  /** The first uid of staging containers. */
  private static final int STAGING_FIRST_UID = 180_000;
  /** The first uid of the containers of the generic services' agent host. */
  private static final int AGENT_FIRST_UID = 190_000;
  /** The first uid of node n1's containers; each further node has the next range. */
  private static final int NODE_FIRST_UID = 200_000;
  private static final int UIDS_PER_NODE = 10_000;

  private MicroCloud() {}

  /** How a micro cloud runs untrusted code. */
  enum Isolation {
    /** In runc containers: each its own user, namespaces and cgroup limits. */
    RUNC,
    /** As plain processes of this user, beside the server: not isolated. */
    PROCESS;

    /** runc where this process is root and finds runc on its path; plain processes elsewhere. */
    static Isolation best() {
      return RuncBackend.available() ? RUNC : PROCESS;
    }

    /** The option's value: {@code runc} or {@code process}. */
    static Isolation parse(String value) {
      return switch (value) {
        case "runc" -> RUNC;
        case "process" -> PROCESS;
        default -> throw new IllegalArgumentException(
            "--backend must be runc or process, not '" + value + "'");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** What it means for the apps, for start-up output. */
    String describe() {
      return this == RUNC
          ? "runc (each instance in its own container, user and cgroup limits)"
          : "process (apps are NOT isolated: they run as this user beside the server; "
              + "use --backend runc as root with runc installed)";
    }
  }

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
    return build(name, workDir, nodes, routerPort, store, blobs, cartridges, Isolation.PROCESS);
  }

  /** As above, running apps, stagings and gears as {@code isolation} says. */
  static PaasCloud build(String name, Path workDir, int nodes, int routerPort,
      StateStore store, BlobStore blobs, OpenShiftCartridges cartridges, Isolation isolation) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      ids.add("n" + i);
    }
    return build(new Plan(name, workDir, ServeRoles.ALL, ids, "127.0.0.1", routerPort, null, null,
        store, blobs, isolation), cartridges);
  }

  /** As {@link #build(String, Path, int, int)}, running apps as {@code isolation} says. */
  static PaasCloud build(String name, Path workDir, int nodes, int routerPort,
      Isolation isolation) {
    return build(name, workDir, nodes, routerPort, null, null,
        cartridges(workDir, null, false, false, false), isolation);
  }

  /**
   * What one process of a cloud runs and on what.
   *
   * @param nodeIds the ids of the node agents it hosts, when its roles include nodes
   * @param nodeAddress the address routers reach its nodes' instances at
   * @param bus the bus, or null for an in-process one
   * @param clock the clock, or null for the system clock; given with {@code bus}
   * @param store the state store, or null for an in-memory one
   * @param blobs the blob store, or null for an in-memory one
   * @param isolation how nodes and agents run untrusted code
   */
  record Plan(String name, Path workDir, ServeRoles roles, List<String> nodeIds,
      String nodeAddress, int routerPort, MessageBus bus, Clock clock, StateStore store,
      BlobStore blobs, Isolation isolation) {
    Plan {
      nodeIds = List.copyOf(nodeIds);
    }
  }

  /**
   * Builds the roles of {@code plan}; the controller's process also runs the cartridge catalog
   * and the generic services.
   */
  static PaasCloud build(Plan plan, OpenShiftCartridges cartridges) {
    return build(plan, cartridges, List.of());
  }

  /** As {@link #build(Plan, OpenShiftCartridges)}, with {@code more} roles, such as an API. */
  static PaasCloud build(Plan plan, OpenShiftCartridges cartridges, List<RoleFactory> more) {
    ServeRoles roles = plan.roles();
    PaasKit.Builder builder = PaasKit.builder()
        .name(plan.name())
        .workDir(plan.workDir().resolve("cloud"))
        .controlPlane(roles.controller());
    if (roles.router()) {
      builder.addRole(RouterRole.builder().port(plan.routerPort()));
    }
    if (plan.bus() != null) {
      builder.bus(plan.bus()).clock(plan.clock());
    }
    if (plan.store() != null) {
      builder.stateStore(plan.store());
    }
    if (plan.blobs() != null) {
      builder.blobStore(plan.blobs());
    }
    if (roles.controller()) {
      builder.cartridges(cartridges).addRole(cartridges.role());
      // Buildpacks, hooks and cartridge builds are the apps' code too.
      builder.stagingBackend(backend(plan.isolation(), plan.workDir().resolve("staging-runc"),
          STAGING_FIRST_UID));
    }
    if (roles.nodes()) {
      PortAllocator ports = PortAllocator.create();
      int index = 0;
      for (String id : plan.nodeIds()) {
        Path nodeDir = plan.workDir().resolve("nodes").resolve(id);
        builder.addRole(node(id, nodeDir, plan.nodeAddress(), ports,
            backend(plan.isolation(), nodeDir.resolve("runc"),
                NODE_FIRST_UID + index * UIDS_PER_NODE)));
        index++;
      }
    }
    if (roles.controller()) {
      Path generic = plan.workDir().resolve("generic");
      builder.addRole(GenericServices.builder().workDir(generic.resolve("manager")));
      builder.addRole(GenericAgentHost.builder().id("agents")
          .backend(backend(plan.isolation(), generic.resolve("agents-runc"), AGENT_FIRST_UID))
          .workDir(generic.resolve("agents")).stopGrace(STOP_GRACE));
    }
    more.forEach(builder::addRole);
    return builder.build();
  }

  /**
   * The backend of a node or agent host: runc with its state in {@code runcState} and uids from
   * {@code firstUid}, or plain processes.
   */
  private static Function<CloudContext, ContainerBackend> backend(Isolation isolation,
      Path runcState, int firstUid) {
    if (isolation == Isolation.PROCESS) {
      return ProcessBackend.factory()::apply;
    }
    return RuncBackend.builder().stateDir(runcState).uids(firstUid, UIDS_PER_NODE)::build;
  }

  private static NodeAgent.Builder node(String id, Path nodeDir, String address,
      PortAllocator ports, Function<CloudContext, ContainerBackend> backend) {
    OpenShiftGears gears;
    try {
      gears = OpenShiftGears.create(nodeDir.resolve("cartridges"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare node " + id + "'s cartridges", e);
    }
    return NodeAgent.builder()
        .id(id)
        .capacity(NodeCapacity.of("2G", "10G"))
        .backend(backend)
        .ports(ports)
        .address(address)
        .stopGrace(STOP_GRACE)
        .drainPeriod(DRAIN)
        .gears(gears)
        .workDir(nodeDir);
  }

  /** The manager of the cloud's generic services. */
  static GenericServices genericServices(PaasCloud cloud) {
    return cloud.role(GenericServices.class).orElseThrow();
  }

  /** The port of the cloud's router, which must run one. */
  public static int routerPort(PaasCloud cloud) {
    return routerPortIfAny(cloud).orElseThrow(
        () -> new IllegalStateException("cloud " + cloud.context().cloudName() + " runs no router"));
  }

  /** The port of the cloud's router, if it runs one. */
  static java.util.Optional<Integer> routerPortIfAny(PaasCloud cloud) {
    return cloud.role(RouterRole.class).map(RouterRole::port);
  }
}
