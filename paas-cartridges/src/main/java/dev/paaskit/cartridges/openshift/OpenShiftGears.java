package dev.paaskit.cartridges.openshift;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearRequest;
import dev.paaskit.api.spi.GearSetup;
import dev.paaskit.cartridges.openshift.CartridgeManifest.Endpoint;
import dev.paaskit.cartridges.openshift.CartridgeRepository.Installed;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.container.ContainerCommand;
import dev.paaskit.core.internal.container.HostProcessBackend;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.util.SafeFiles;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of OpenShift cartridges: turns an instance whose droplet holds a
 * {@link GearPlan} into an OpenShift gear and runs the cartridge's lifecycle in it.
 *
 * <ol>
 *   <li>The cartridge comes from the node's {@link CartridgeRepository}; when missing (or
 *       installed from other files), its blob is fetched from the cloud's blob store, its sha256
 *       verified, and installed. Only nodes that start such an instance ever fetch it.
 *   <li>The instance folder becomes the gear's home: {@code app-root/repo} (the app, from the
 *       droplet), {@code app-root/data}, {@code app-root/runtime}, {@code .tmp}, {@code .env}, and
 *       a copy of the cartridge in {@code NAME/}.
 *   <li>The environment: {@code OPENSHIFT_APP_NAME, OPENSHIFT_APP_UUID, OPENSHIFT_GEAR_UUID,
 *       OPENSHIFT_GEAR_NAME, OPENSHIFT_HOMEDIR, OPENSHIFT_REPO_DIR, OPENSHIFT_DATA_DIR,
 *       OPENSHIFT_TMP_DIR, OPENSHIFT_PRIMARY_CARTRIDGE_DIR}, and per cartridge
 *       {@code OPENSHIFT_<SHORT>_DIR} and, for each endpoint, {@code OPENSHIFT_<SHORT>_<IP name>}
 *       (the node's address) and {@code OPENSHIFT_<SHORT>_<port name>}: the instance's own port
 *       for the endpoint the router maps ({@link CartridgeManifest#publicEndpoint()}), a port
 *       from the node for each other one, released when the instance ends.
 *   <li>{@code bin/setup --version V}, {@code bin/install --version V} (each when present), then
 *       {@code bin/control build} and {@code bin/control deploy} run in the gear's home, each
 *       bounded by the step timeout and each as a short-lived container on the node's backend
 *       ({@link GearRequest#backend()}) with the instance's limits, as the instance runs; a
 *       failure fails the instance's start with its output.
 *       Output lines go to the instance's log; {@code ENV_VAR_ADD: NAME=value} adds to the
 *       environment of every later step and of the instance (and to {@code .env/NAME});
 *       {@code CART_DATA: KEY=value ...} is recorded in {@code app-root/runtime/cart-data} and
 *       shown in the log.
 *   <li>The instance's process is a small supervisor: it runs {@code bin/control start}, which
 *       may start a daemon and return, then {@code bin/control status} every status period;
 *       when status fails the supervisor runs {@code control stop} and exits 1, so the instance
 *       crashes and is replaced. On SIGTERM it runs {@code bin/control stop} and exits 0; the
 *       node's backend ends whatever the process group still holds.
 *   <li>When the instance has ended, {@code bin/teardown} runs (when present), as the other
 *       scripts do, and the extra ports are released.
 * </ol>
 *
 * <p>Cartridges written for OpenShift that source its cartridge SDK
 * ({@code $OPENSHIFT_CARTRIDGE_SDK_BASH}) do not find it here. Thread-safe.
 */
public final class OpenShiftGears implements GearSetup {
  private static final Logger log = LoggerFactory.getLogger(OpenShiftGears.class);
  /** Names the blob an installed cartridge came from, inside its folder. */
  static final String BLOB_MARKER = "metadata/.paaskit-blob";
  static final String CART_DATA = "app-root/runtime/cart-data";
  /** Where a control action waits for the supervisor, relative to the gear's home. */
  static final String CONTROL_REQUEST = "app-root/runtime/.control-request";

  private final CartridgeRepository repository;
  private final Duration stepTimeout;
  private final Duration statusPeriod;
  private final ArchiveExtractor extractor = ArchiveExtractor.create(ArchiveLimits.defaults());

  private OpenShiftGears(CartridgeRepository repository, Duration stepTimeout,
      Duration statusPeriod) {
    this.repository = repository;
    this.stepTimeout = stepTimeout;
    this.statusPeriod = statusPeriod;
  }

  /**
   * Gears whose cartridges live in the node's repository at {@code repositoryDir}; setup steps
   * may take 2 minutes each, {@code control status} is asked every second.
   *
   * @param repositoryDir the node's cartridge repository, opened (and created when missing) now;
   *     as {@link CartridgeRepository#open(Path)} warns, one repository object per folder
   * @return gear setup for the node's backend
   * @throws IOException when the repository folder cannot be created or cleaned up
   */
  public static OpenShiftGears create(Path repositoryDir) throws IOException {
    return create(repositoryDir, Duration.ofMinutes(2), Duration.ofSeconds(1));
  }

  /**
   * As {@link #create(Path)}, with the given bounds.
   *
   * @param repositoryDir the node's cartridge repository, as for {@link #create(Path)}
   * @param stepTimeout more than zero: how long each of {@code bin/setup}, {@code bin/install},
   *     {@code control build} and {@code control deploy} may run before the start fails
   * @param statusPeriod at least 100 ms: the pause between two {@code control status} calls of
   *     a running gear's supervisor
   * @return gear setup for the node's backend
   * @throws IllegalArgumentException naming both values when one is out of range
   * @throws IOException when the repository folder cannot be created or cleaned up
   */
  public static OpenShiftGears create(Path repositoryDir, Duration stepTimeout,
      Duration statusPeriod) throws IOException {
    if (stepTimeout.isNegative() || stepTimeout.isZero() || statusPeriod.toMillis() < 100) {
      throw new IllegalArgumentException("stepTimeout must be positive and statusPeriod at "
          + "least 100 ms: " + stepTimeout + ", " + statusPeriod);
    }
    return new OpenShiftGears(CartridgeRepository.open(repositoryDir), stepTimeout, statusPeriod);
  }

  /**
   * The node's cartridge repository, where fetched cartridges are installed.
   *
   * @return the repository this setup installs into; use it rather than opening a second one
   *     on the same folder
   */
  public CartridgeRepository repository() {
    return repository;
  }

  @Override
  public Optional<Gear> prepare(GearRequest request) throws IOException {
    Optional<GearPlan> found = GearPlan.read(request.dir());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    GearPlan plan = found.get();
    Installed installed = install(plan, request.blobs());
    CartridgeManifest m = installed.manifest().forVersion(plan.version());
    Path home = request.dir();
    Path cartDir = home.resolve(m.name());
    CartridgeRepository.copyTree(installed.dir(), cartDir);
    for (String dir : List.of("app-root/repo", "app-root/data", "app-root/runtime", ".tmp",
        ".env", ".openshift-gear")) {
      Files.createDirectories(home.resolve(dir));
    }
    List<Integer> extraPorts = new ArrayList<>();
    boolean done = false;
    try {
      Map<String, String> env = environment(request, m, cartDir, extraPorts);
      Steps steps = new Steps(request, home, env, stepTimeout);
      for (String script : List.of("setup", "install")) {
        if (Files.isRegularFile(cartDir.resolve("bin").resolve(script))) {
          steps.run(List.of(cartDir.resolve("bin").resolve(script).toString(), "--version",
              m.version()), "bin/" + script);
        }
      }
      String control = cartDir.resolve(CartridgeRepository.CONTROL).toString();
      steps.run(List.of(control, "build"), "bin/control build");
      steps.run(List.of(control, "deploy"), "bin/control deploy");
      writeSupervisor(home, cartDir);
      Map<String, String> finalEnv = Map.copyOf(steps.env);
      Gear gear = new Gear(GearPlan.COMMAND, finalEnv,
          () -> teardown(request, home, cartDir, finalEnv, extraPorts),
          action -> requestControl(home, action, request));
      done = true;
      return Optional.of(gear);
    } finally {
      if (!done) {
        extraPorts.forEach(request.ports()::release);
      }
    }
  }

  /** The plan's cartridge from the node's repository, fetched from the blob store if missing. */
  private synchronized Installed install(GearPlan plan, BlobStore blobs) throws IOException {
    Optional<Installed> present = repository.select(Optional.of(plan.vendor()), plan.name(),
        Optional.of(plan.version()), Optional.of(plan.cartridgeVersion()));
    if (present.isPresent()) {
      Path marker = present.get().dir().resolve(BLOB_MARKER);
      if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(plan.sha256())) {
        return present.get();
      }
      repository.erase(plan.vendor(), plan.name(), plan.cartridgeVersion());
    }
    Path temp = Files.createTempDirectory(repository.root(), ".fetch-");
    try {
      Path file = temp.resolve("cartridge.tgz");
      try (InputStream raw = blobs.open(plan.sha256()).orElseThrow(() -> new NoSuchFileException(
              "cartridge " + plan.vendor() + "/" + plan.name() + " " + plan.cartridgeVersion()
                  + ": blob " + plan.sha256() + " is not in the blob store"));
          HashingInputStream in = new HashingInputStream(Hashing.sha256(), raw)) {
        Files.copy(in, file);
        String actual = in.hash().toString();
        if (!actual.equals(plan.sha256())) {
          throw new IOException("cartridge blob " + plan.sha256() + " arrived with sha256 "
              + actual);
        }
      }
      Path dir;
      try (InputStream in = Files.newInputStream(file)) {
        dir = extractor.extractTarGz(in, temp);
      }
      Files.writeString(dir.resolve(BLOB_MARKER), plan.sha256() + "\n");
      repository.install(dir);
      log.info("installed cartridge {}/{} {} from blob {}", plan.vendor(), plan.name(),
          plan.cartridgeVersion(), plan.sha256());
    } finally {
      Trees.deleteQuietly(temp);
    }
    return repository.select(Optional.of(plan.vendor()), plan.name(),
        Optional.of(plan.version()), Optional.of(plan.cartridgeVersion())).orElseThrow(
            () -> new IOException("cartridge " + plan.name() + " does not offer version "
                + plan.version()));
  }

  private Map<String, String> environment(GearRequest r, CartridgeManifest m, Path cartDir,
      List<Integer> extraPorts) {
    Path home = r.dir();
    Map<String, String> env = new LinkedHashMap<>(r.env());
    env.put("HOME", home.toString());
    env.put("TMPDIR", home.resolve(".tmp").toString());
    env.put("OPENSHIFT_APP_NAME", r.appName());
    env.put("OPENSHIFT_APP_UUID", r.appId().replace("-", ""));
    env.put("OPENSHIFT_GEAR_UUID", r.instanceId().replace("-", ""));
    env.put("OPENSHIFT_GEAR_NAME", r.appName());
    env.put("OPENSHIFT_HOMEDIR", home + "/");
    env.put("OPENSHIFT_REPO_DIR", home.resolve("app-root/repo") + "/");
    env.put("OPENSHIFT_DATA_DIR", home.resolve("app-root/data") + "/");
    env.put("OPENSHIFT_TMP_DIR", home.resolve(".tmp") + "/");
    env.put("OPENSHIFT_PRIMARY_CARTRIDGE_DIR", cartDir + "/");
    String prefix = "OPENSHIFT_" + m.shortName() + "_";
    env.put(prefix + "DIR", cartDir + "/");
    Optional<Endpoint> main = m.publicEndpoint();
    Map<String, Integer> ports = new LinkedHashMap<>();
    main.ifPresent(e -> ports.put(e.privatePortName(), r.port()));
    for (Endpoint e : m.endpoints()) {
      Integer port = ports.get(e.privatePortName());
      if (port == null) {
        port = r.ports().allocate();
        extraPorts.add(port);
        ports.put(e.privatePortName(), port);
      }
      env.put(prefix + e.privateIpName(), r.address());
      env.put(prefix + e.privatePortName(), String.valueOf(port));
      if (!e.publicPortName().isEmpty()) {
        env.put(prefix + e.publicPortName(), String.valueOf(port));
      }
    }
    return env;
  }

  /**
   * Leaves {@code action} for the supervisor, which carries it out at its next status check:
   * written aside, then moved into place, so it never reads half a request.
   */
  private static void requestControl(Path home, String action, GearRequest request) {
    if (!Gear.ACTIONS.contains(action)) {
      request.output().accept("control action '" + action + "' ignored: not one of " + Gear.ACTIONS);
      return;
    }
    try {
      // The home is the instance's, which may have put links there: nothing is followed.
      SafeFiles.writeAtomically(home, CONTROL_REQUEST,
          (action + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      request.output().accept("could not ask for control " + action + ": " + e.getMessage());
    }
  }

  private void writeSupervisor(Path home, Path cartDir) throws IOException {
    String period = String.format(java.util.Locale.ROOT, "%.1f", statusPeriod.toMillis() / 1000.0);
    String script = "# Written by the node: runs the cartridge as this instance's process.\n"
        + "cart=" + quote(cartDir.toString()) + "\n"
        + "request=" + quote(home.resolve(CONTROL_REQUEST).toString()) + "\n"
        + "on_term() {\n"
        + "  trap - TERM INT HUP\n"
        + "  \"$cart/bin/control\" stop\n"
        + "  exit 0\n"
        + "}\n"
        + "trap on_term TERM INT HUP\n"
        + "\"$cart/bin/control\" start\n"
        + "started=$?\n"
        + "if [ \"$started\" -ne 0 ]; then\n"
        + "  echo \"bin/control start failed with exit status $started\" >&2\n"
        + "  exit \"$started\"\n"
        + "fi\n"
        + "while :; do\n"
        + "  sleep " + period + " & wait $!\n"
        + "  if [ -f \"$request\" ]; then\n"
        + "    action=$(cat \"$request\"); rm -f \"$request\"\n"
        + "    case \"$action\" in\n"
        + "      restart|tidy) echo \"bin/control $action\"; \"$cart/bin/control\" \"$action\" ;;\n"
        + "    esac\n"
        + "  fi\n"
        + "  if ! \"$cart/bin/control\" status >/dev/null 2>&1; then\n"
        + "    echo 'bin/control status: the cartridge is not running; the gear stops' >&2\n"
        + "    \"$cart/bin/control\" stop\n"
        + "    exit 1\n"
        + "  fi\n"
        + "done\n";
    // The steps ran in the home: a link they left there is replaced, not followed.
    SafeFiles.writeAtomically(home, GearPlan.SUPERVISOR,
        script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  private void teardown(GearRequest r, Path home, Path cartDir, Map<String, String> env,
      List<Integer> extraPorts) {
    try {
      if (Files.isRegularFile(cartDir.resolve("bin/teardown"))) {
        new Steps(r, home, env, stepTimeout).run(
            List.of(cartDir.resolve("bin/teardown").toString()), "bin/teardown");
      }
    } catch (IOException | RuntimeException e) {
      log.warn("gear {}: teardown failed: {}", r.instanceId(), e.getMessage());
    } finally {
      extraPorts.forEach(r.ports()::release);
    }
  }

  /**
   * Runs lifecycle scripts one after another, honouring their protocol lines: each a short-lived
   * container on the node's backend ({@link ContainerCommand}), the gear's home its work folder
   * (the cartridge's copy is inside it), with the instance's limits and exactly the gear's
   * environment.
   */
  private static final class Steps {
    private static final String ENV_VAR_ADD = "ENV_VAR_ADD:";
    private static final String CART_DATA_LINE = "CART_DATA:";
    private static final int KEPT_LINES = 20;

    final GearRequest request;
    final Path home;
    final Map<String, String> env;
    final Duration timeout;

    Steps(GearRequest request, Path home, Map<String, String> env, Duration timeout) {
      this.request = request;
      this.home = home;
      this.env = new LinkedHashMap<>(env);
      this.timeout = timeout;
    }

    void run(List<String> command, String what) throws IOException {
      List<String> last = new ArrayList<>();
      ContainerListener listener = new ContainerListener() {
        @Override
        public void onOutput(Stream stream, String line) {
          // ENV_VAR_ADD carries values such as database passwords: the log shows the name only.
          String shown = masked(line);
          request.output().accept(shown);
          synchronized (last) {
            last.add(shown);
            if (last.size() > KEPT_LINES) {
              last.remove(0);
            }
          }
          try {
            protocol(line);
          } catch (IOException e) {
            request.output().accept("[could not record '" + shown + "': " + e.getMessage() + "]");
          }
        }
      };
      Map<String, String> stepEnv;
      synchronized (env) {
        stepEnv = Map.copyOf(env);
      }
      ContainerSpec spec = new ContainerSpec(ContainerCommand.id("gear", request.instanceId(),
          what), home.toAbsolutePath(),
          ContainerCommand.mergingStderr(ContainerCommand.commandLine(command)), stepEnv,
          request.limits(), listener, List.of());
      ExitStatus exit;
      try {
        exit = run(spec);
      } catch (TimeoutException e) {
        throw new IOException(what + " did not finish within " + timeout.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted =
            new InterruptedIOException("interrupted while running " + what);
        interrupted.initCause(e);
        throw interrupted;
      }
      if (exit.exitCode() != 0) {
        synchronized (last) {
          throw new IOException(what + " failed with " + (exit.signal() == 0
              ? "exit status " + exit.exitCode() : exit.describe())
              + (last.isEmpty() ? "" : ": " + String.join(" | ", last)));
        }
      }
    }

    /** Runs on the node's backend, or on host processes when the request has none. */
    private ExitStatus run(ContainerSpec spec)
        throws IOException, InterruptedException, TimeoutException {
      ContainerCommand.ExitWait wait = ContainerCommand.ExitWait.within(timeout);
      if (request.backend().isPresent()) {
        return ContainerCommand.run(request.backend().get(), spec, wait);
      }
      try (HostProcessBackend host = HostProcessBackend.create()) {
        return ContainerCommand.run(host, spec, wait);
      }
    }

    private static String masked(String line) {
      if (!line.startsWith(ENV_VAR_ADD)) {
        return line;
      }
      int eq = line.indexOf('=', ENV_VAR_ADD.length());
      return eq < 0 ? line : line.substring(0, eq + 1) + "******";
    }

    private void protocol(String line) throws IOException {
      if (line.startsWith(ENV_VAR_ADD)) {
        String pair = line.substring(ENV_VAR_ADD.length()).strip();
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
          String name = pair.substring(0, eq);
          String value = pair.substring(eq + 1);
          synchronized (env) {
            env.put(name, value);
          }
          // While the step runs in the home, which it may fill with links.
          SafeFiles.writeAtomically(home, ".env/" + name,
              value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
          request.output().accept("ignored (not NAME=value): " + masked(line));
        }
      } else if (line.startsWith(CART_DATA_LINE)) {
        String data = line.substring(CART_DATA_LINE.length()).strip();
        SafeFiles.write(home, CART_DATA,
            (data + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        request.output().accept("cartridge data: " + data);
      }
    }
  }

  @Override
  public String toString() {
    return "OpenShiftGears[" + repository.root() + "]";
  }

}
