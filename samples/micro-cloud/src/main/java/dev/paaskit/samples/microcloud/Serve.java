package dev.paaskit.samples.microcloud;

import com.google.common.hash.Hashing;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.blob.LocalBlobStore;
import dev.paaskit.core.store.FileStateStore;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.JetStreamBlobStore;
import dev.paaskit.nats.JetStreamKvStore;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.node.runc.RuncBackend;
import dev.paaskit.router.RouterRole;
import io.nats.client.ConnectionListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * {@code paaskit serve}: every role in one JVM with process nodes, state in a folder that
 * survives restarts (a kill -9 included), the REST API in front. Runs until SIGINT or SIGTERM,
 * then stops every instance cleanly.
 *
 * <p>With {@code --nats} the process is one of many that form one cloud: it runs the roles
 * {@code --roles} names, on a {@link NatsBus}, with state in JetStream key-value and blobs in a
 * JetStream object store. When the connection comes back after an outage, the cloud is told
 * ({@link PaasCloud#busReconnected()}), so nodes announce themselves again and routers resync.
 */
final class Serve {
  static final String ALLOW_HTTP_CARTRIDGES = "--allow-http-cartridges";
  static final String ALLOW_FILE_CARTRIDGES = "--allow-file-cartridges";
  /** The JetStream key-value bucket that holds the cloud's state on NATS. */
  static final String STATE_BUCKET = "paaskit";
  private static final java.util.regex.Pattern DNS_LABEL =
      java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  /** The JetStream object store that holds packages and droplets on NATS. */
  static final String BLOB_BUCKET = "paaskit-blobs";
  static final String USAGE = "paaskit serve [--api-port P] [--router-port Q] [--nodes N] [--data DIR]\n"
      + "             [--buildpacks DIR] [--allow-file-buildpacks] [--backend runc|process]\n"
      + "             [" + ALLOW_HTTP_CARTRIDGES + "] [" + ALLOW_FILE_CARTRIDGES + "]\n"
      + "  Runs a micro cloud until interrupted. State lives in DIR (default $PAASKIT_HOME, else\n"
      + "  ~/.paaskit); the admin token is written to DIR/admin-token on first start.\n"
      + "  --buildpacks DIR adds each Heroku-style buildpack folder in DIR as a cartridge, tried\n"
      + "  after the built-in ones; an app may also name a buildpack by git URL, and\n"
      + "  --allow-file-buildpacks lets it name a file:// one.\n"
      + "  'paaskit cartridge add' downloads over HTTPS only, unless " + ALLOW_HTTP_CARTRIDGES + "\n"
      + "  (plain http: and git:); file: URLs on this machine only with " + ALLOW_FILE_CARTRIDGES + ".\n"
      + "  --backend runc runs every instance, staging and service script in a runc container of\n"
      + "  its own (the default as root with runc installed); --backend process runs them as\n"
      + "  plain processes of this user, not isolated (the default elsewhere).\n"
      + "  Defaults: --api-port " + Connection.DEFAULT_API_PORT + ", --router-port "
      + Connection.DEFAULT_ROUTER_PORT + ", --nodes 2.\n"
      + "paaskit serve --nats URL --roles ROLE[,ROLE...] [--node-id ID] [--nodes N]\n"
      + "             [--node-address ADDR] [--cloud NAME] " + NatsFlags.USAGE + "\n"
      + "  One process of a cloud spread over processes and machines that share a NATS server\n"
      + "  (JetStream on, max_payload above 1 MiB): the bus is NATS, state lives in the key-value\n"
      + "  bucket " + STATE_BUCKET + " and packages and droplets in the object store " + BLOB_BUCKET
      + ".\n"
      + "  ROLE is controller, stager, health, router, node or all (the default); the first three\n"
      + "  run together, and the REST API runs with the controller. A node process hosts N nodes\n"
      + "  (default 1) named ID, or ID-1 to ID-N (default ID: the host name and a hash of DIR);\n"
      + "  routers reach their instances at ADDR (default 127.0.0.1). Secrets are read from files.\n"
      + "  --cloud NAME (a DNS label) lets several clouds share the NATS server: every process of\n"
      + "  cloud NAME passes it, and talks on subjects under NAME. with state and blobs in the\n"
      + "  buckets " + STATE_BUCKET + "-NAME and " + STATE_BUCKET + "-NAME-blobs.";

  private final PrintStream out;
  private final Map<String, String> env;

  Serve(PrintStream out, Map<String, String> env) {
    this.out = out;
    this.env = env;
  }

  int run(Args args) throws Exception {
    ServeRoles roles = ServeRoles.parse(args.get("--roles").orElse("all"));
    int apiPort = port(args, "--api-port", Connection.DEFAULT_API_PORT);
    int routerPort = port(args, "--router-port", Connection.DEFAULT_ROUTER_PORT);
    int nodes = args.intOption("--nodes", roles.isAll() ? 2 : 1);
    if (nodes < 1 || nodes > 64) {
      throw new Args.UsageException("--nodes must be between 1 and 64, not " + nodes);
    }
    requireRole(args, roles.nodes(), "node", roles, "--nodes", "--node-id", "--node-address");
    requireRole(args, roles.controller(), "controller", roles, "--api-port");
    requireRole(args, roles.router(), "router", roles, "--router-port");
    Path data = args.get("--data").map(Path::of).orElse(Connection.home(env)).toAbsolutePath();
    Optional<NatsSettings> nats = NatsFlags.settings(args,
        "paaskit-" + roles.toString().replace(',', '-'));
    if (nats.isEmpty() && !roles.isAll()) {
      throw new Args.UsageException("--roles " + roles + " needs --nats: without it this process"
          + " is the whole cloud");
    }
    Optional<String> cloudName = args.get("--cloud");
    if (cloudName.isPresent()) {
      if (nats.isEmpty()) {
        throw new Args.UsageException("--cloud needs --nats: it names a cloud on a shared NATS"
            + " server");
      }
      if (!DNS_LABEL.matcher(cloudName.get()).matches()) {
        throw new Args.UsageException("--cloud must be a DNS label (lower-case letters, digits"
            + " and '-', at most 63), not '" + cloudName.get() + "'");
      }
    }
    String stateBucket = cloudName.map(n -> STATE_BUCKET + "-" + n).orElse(STATE_BUCKET);
    String blobBucket = cloudName.map(n -> STATE_BUCKET + "-" + n + "-blobs").orElse(BLOB_BUCKET);
    List<String> nodeIds = roles.nodes() ? nodeIds(args, nodes, nats.isPresent(), data) : List.of();
    String nodeAddress = args.get("--node-address").orElse("127.0.0.1");
    // Checked by running a container: only where this process may run apps on runc.
    Optional<String> noRunc = args.get("--backend").filter("process"::equals).isPresent()
        ? Optional.of("--backend process")
        : roles.nodes() || roles.controller() ? RuncBackend.unavailableBecause()
            : Optional.of("no role here runs apps");
    MicroCloud.Isolation isolation;
    try {
      isolation = args.get("--backend").map(MicroCloud.Isolation::parse)
          .orElse(noRunc.isEmpty() ? MicroCloud.Isolation.RUNC : MicroCloud.Isolation.PROCESS);
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
    if (isolation == MicroCloud.Isolation.RUNC && noRunc.isPresent()) {
      throw new Args.UsageException("--backend runc needs root and a working runc: "
          + noRunc.get());
    }
    if (isolation == MicroCloud.Isolation.PROCESS && args.get("--backend").isEmpty()
        && "root".equals(System.getProperty("user.name"))) {
      // Falling back quietly would run every app, buildpack and hook as root on this host.
      throw new Args.UsageException("as root, apps run in runc containers, but runc cannot run "
          + "here (" + noRunc.orElse("") + "): install runc, or pass --backend process to run "
          + "them as root beside the server");
    }
    Files.createDirectories(data);
    try {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the token file's own mode is all we can set.
    }
    Secret token = roles.controller()
        ? AdminToken.loadOrCreate(data.resolve("admin-token"), new SecureRandom()) : null;
    Path buildpacks = args.get("--buildpacks").map(p -> Path.of(p).toAbsolutePath()).orElse(null);
    OpenShiftCartridges cartridges;
    try {
      cartridges = MicroCloud.cartridges(data, buildpacks, args.has("--allow-file-buildpacks"),
          args.has(ALLOW_HTTP_CARTRIDGES), args.has(ALLOW_FILE_CARTRIDGES));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new Args.UsageException("--buildpacks: " + e.getMessage());
    }

    Deque<AutoCloseable> owned = new ArrayDeque<>();
    PaasCloud cloud;
    List<RoleFactory> more = new ArrayList<>();
    if (roles.controller()) {
      // The API opens last, once the router and nodes run, and tells clients the router's port.
      int requestedRouterPort = routerPort;
      more.add(context -> ApiServer.builder()
          .port(apiPort)
          .token(token)
          .tempDir(data.resolve("uploads"))
          .cartridges(cartridges)
          .info(() -> Map.of("router_port", context.role(RouterRole.class).map(RouterRole::port)
              .orElse(requestedRouterPort), "domain", "localhost"))
          .create(context));
    }
    try {
      MicroCloud.Plan plan;
      if (nats.isPresent()) {
        SystemClock clock = SystemClock.create(cloudName.orElse("paaskit"));
        owned.push(clock);
        io.nats.client.Connection connection = nats.get().connect();
        owned.push(connection::close);
        StateStore state = JetStreamKvStore.open(connection, stateBucket);
        owned.push(state);
        BlobStore blobs = JetStreamBlobStore.open(connection, blobBucket);
        NatsBus bus = cloudName.isPresent() ? NatsBus.create(connection, clock, cloudName.get())
            : NatsBus.create(connection, clock);
        owned.push(bus);
        plan = new MicroCloud.Plan(cloudName.orElse("paaskit"), data, roles, nodeIds, nodeAddress,
            routerPort, bus, clock, state, blobs, isolation);
      } else {
        FileStateStore store = FileStateStore.open(data.resolve("state"));
        owned.push(store);
        plan = new MicroCloud.Plan("paaskit", data, roles, nodeIds, nodeAddress, routerPort, null,
            null, store, LocalBlobStore.open(data.resolve("blobs")), isolation);
      }
      cloud = MicroCloud.build(plan, cartridges, more);
      owned.push(cloud);
      cloud.start();
      if (plan.bus() instanceof NatsBus bus) {
        PaasCloud started = cloud;
        Executor executor = cloud.context().executor();
        bus.connection().addConnectionListener((connection, event) -> {
          if (event == ConnectionListener.Events.RESUBSCRIBED) {
            executor.execute(started::busReconnected);
          }
        });
      }
    } catch (Exception e) {
      closeAll(owned);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("stopping: every instance gets SIGTERM, then SIGKILL after "
          + MicroCloud.STOP_GRACE.toSeconds() + " s");
      closeAll(owned);
      stopped.countDown();
    }, "paaskit-shutdown"));
    out.println("data: " + data);
    nats.ifPresent(n -> out.println("nats: " + String.join(",", n.servers())
        + cloudName.map(c -> ", cloud " + c + " (subjects under " + c + ".)").orElse("")
        + " (state in bucket " + stateBucket + ", blobs in " + blobBucket + ")"));
    if (buildpacks != null && roles.controller()) {
      out.println("cartridges: " + cartridges.cartridges().stream().map(Cartridge::name)
          .collect(java.util.stream.Collectors.joining(", ")));
    }
    if (!nodeIds.isEmpty()) {
      out.println("nodes: " + String.join(", ", nodeIds));
    }
    if (roles.nodes() || roles.controller()) {
      out.println("backend: " + isolation.describe()
          + (isolation == MicroCloud.Isolation.PROCESS && args.get("--backend").isEmpty()
              ? " [runc: " + noRunc.orElse("") + "]" : ""));
    }
    Optional<ApiServer> api = cloud.role(ApiServer.class);
    if (api.isPresent()) {
      out.println("api: http://127.0.0.1:" + api.get().port());
    }
    MicroCloud.routerPortIfAny(cloud).ifPresent(port -> out.println("router: http://127.0.0.1:" + port));
    out.println("serving: " + roles);
    out.flush();
    stopped.await();
    return 0;
  }

  private static void requireRole(Args args, boolean present, String role, ServeRoles roles,
      String... options) throws Args.UsageException {
    for (String option : options) {
      if (!present && args.get(option).isPresent()) {
        throw new Args.UsageException(option + " needs the " + role + " role; --roles is " + roles);
      }
    }
  }

  /**
   * The ids of this process's nodes: {@code --node-id ID} names the only one, or ID-1 to ID-N of
   * several. Without it: n1 to nN in a cloud of one process, and on NATS an id unique to this
   * host and data folder, so the node keeps it across restarts.
   */
  private static List<String> nodeIds(Args args, int nodes, boolean distributed, Path data)
      throws Args.UsageException {
    Optional<String> given = args.get("--node-id");
    String base;
    if (given.isPresent()) {
      base = given.get();
    } else if (!distributed) {
      base = "n";
    } else {
      base = defaultNodeId(data);
    }
    List<String> ids = new ArrayList<>();
    if (nodes == 1 && !base.equals("n")) {
      ids.add(base);
    } else {
      for (int i = 1; i <= nodes; i++) {
        ids.add(base.equals("n") ? "n" + i : base + "-" + i);
      }
    }
    for (String id : ids) {
      try {
        NodeAgent.builder().id(id);
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--node-id: " + e.getMessage()
            + " (1 to 63 lower-case letters, digits and '-')");
      }
    }
    return ids;
  }

  /** The host name as a DNS label, and a short hash of the data folder. */
  static String defaultNodeId(Path data) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    String label = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^-+|-+$", "");
    if (label.length() > 48) {
      label = label.substring(0, 48).replaceAll("-+$", "");
    }
    if (label.isEmpty()) {
      label = "node";
    }
    String hash = Hashing.sha256().hashString(data.toString(), StandardCharsets.UTF_8).toString();
    return label + "-" + hash.substring(0, 6);
  }

  private static void closeAll(Deque<AutoCloseable> owned) {
    while (!owned.isEmpty()) {
      AutoCloseable next = owned.pop();
      try {
        next.close();
      } catch (Exception e) {
        System.err.println("paaskit serve: closing " + next + " failed: " + e);
      }
    }
  }

  private static int port(Args args, String option, int fallback) throws Args.UsageException {
    int port = args.intOption(option, fallback);
    if (port < 0 || port > 65535) {
      throw new Args.UsageException(option + " must be a port from 0 to 65535, not " + port);
    }
    return port;
  }
}
