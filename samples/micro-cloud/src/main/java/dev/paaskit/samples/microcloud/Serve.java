package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.cartridges.openshift.OpenShiftCartridges;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.blob.LocalBlobStore;
import dev.paaskit.core.rest.ApiServer;
import dev.paaskit.core.store.FileStateStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code paaskit serve}: every role in one JVM with process nodes, state in a folder that
 * survives restarts (a kill -9 included), the REST API in front. Runs until SIGINT or SIGTERM,
 * then stops every instance cleanly.
 */
final class Serve {
  static final String ALLOW_HTTP_CARTRIDGES = "--allow-http-cartridges";
  static final String ALLOW_FILE_CARTRIDGES = "--allow-file-cartridges";
  static final String USAGE = "paaskit serve [--api-port P] [--router-port Q] [--nodes N] [--data DIR]\n"
      + "             [--buildpacks DIR] [--allow-file-buildpacks]\n"
      + "             [" + ALLOW_HTTP_CARTRIDGES + "] [" + ALLOW_FILE_CARTRIDGES + "]\n"
      + "  Runs a micro cloud until interrupted. State lives in DIR (default $PAASKIT_HOME, else\n"
      + "  ~/.paaskit); the admin token is written to DIR/admin-token on first start.\n"
      + "  --buildpacks DIR adds each Heroku-style buildpack folder in DIR as a cartridge, tried\n"
      + "  after the built-in ones; an app may also name a buildpack by git URL, and\n"
      + "  --allow-file-buildpacks lets it name a file:// one.\n"
      + "  'paaskit cartridge add' downloads over HTTPS only, unless " + ALLOW_HTTP_CARTRIDGES + "\n"
      + "  (plain http: and git:); file: URLs on this machine only with " + ALLOW_FILE_CARTRIDGES + ".\n"
      + "  Defaults: --api-port " + Connection.DEFAULT_API_PORT + ", --router-port "
      + Connection.DEFAULT_ROUTER_PORT + ", --nodes 2.";

  private final PrintStream out;
  private final Map<String, String> env;

  Serve(PrintStream out, Map<String, String> env) {
    this.out = out;
    this.env = env;
  }

  int run(Args args) throws Exception {
    int apiPort = port(args, "--api-port", Connection.DEFAULT_API_PORT);
    int routerPort = port(args, "--router-port", Connection.DEFAULT_ROUTER_PORT);
    int nodes = args.intOption("--nodes", 2);
    if (nodes < 1 || nodes > 64) {
      throw new Args.UsageException("--nodes must be between 1 and 64, not " + nodes);
    }
    Path data = args.get("--data").map(Path::of).orElse(Connection.home(env)).toAbsolutePath();
    Files.createDirectories(data);
    try {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the token file's own mode is all we can set.
    }
    Secret token = AdminToken.loadOrCreate(data.resolve("admin-token"), new SecureRandom());

    FileStateStore store = FileStateStore.open(data.resolve("state"));
    Path buildpacks = args.get("--buildpacks").map(p -> Path.of(p).toAbsolutePath()).orElse(null);
    OpenShiftCartridges cartridges;
    try {
      cartridges = MicroCloud.cartridges(data, buildpacks, args.has("--allow-file-buildpacks"),
          args.has(ALLOW_HTTP_CARTRIDGES), args.has(ALLOW_FILE_CARTRIDGES));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      store.close();
      throw new Args.UsageException("--buildpacks: " + e.getMessage());
    }
    PaasCloud cloud = MicroCloud.build("paaskit", data, nodes, routerPort, store,
        LocalBlobStore.open(data.resolve("blobs")), cartridges);
    ApiServer api = null;
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      cloud.start();
      api = ApiServer.builder()
          .controller(cloud.controller())
          .genericServices(MicroCloud.genericServices(cloud))
          .port(apiPort)
          .token(token)
          .tempDir(data.resolve("uploads"))
          .cartridges(cartridges)
          .info(Map.of("router_port", cloud.routerPort().orElse(routerPort), "domain", "localhost"))
          .build();
      api.start();
    } catch (Exception e) {
      if (api != null) {
        api.stop();
      }
      cloud.close();
      store.close();
      throw e;
    }
    ApiServer running = api;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("stopping: every instance gets SIGTERM, then SIGKILL after "
          + MicroCloud.STOP_GRACE.toSeconds() + " s");
      running.stop();
      cloud.close();
      store.close();
      stopped.countDown();
    }, "paaskit-shutdown"));
    out.println("data: " + data);
    if (buildpacks != null) {
      out.println("cartridges: " + cartridges.cartridges().stream().map(Cartridge::name)
          .collect(java.util.stream.Collectors.joining(", ")));
    }
    out.println("api: http://127.0.0.1:" + running.port());
    out.println("router: http://127.0.0.1:" + cloud.routerPort().orElseThrow());
    out.flush();
    stopped.await();
    return 0;
  }

  private static int port(Args args, String option, int fallback) throws Args.UsageException {
    int port = args.intOption(option, fallback);
    if (port < 0 || port > 65535) {
      throw new Args.UsageException(option + " must be a port from 0 to 65535, not " + port);
    }
    return port;
  }
}
