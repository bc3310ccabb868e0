package dev.paaskit.node.runc;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.node.internal.Exits;
import dev.paaskit.node.internal.FolderSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container as a Linux container through {@code runc}, the OCI runtime: PaaSKit
 * writes the container's bundle ({@code config.json} and an empty root folder) and drives
 * {@code runc run}, {@code kill} and {@code delete}. Needs root and a {@code runc} on the path.
 *
 * <pre>{@code
 * NodeAgent.builder().id("n1")
 *     .backend(RuncBackend.builder().stateDir(home.resolve("nodes/n1/runc"))::build)...
 * }</pre>
 *
 * <p><b>What a container is.</b> Its own Unix user (a uid of the backend's range, never root;
 * its group has the same number), no capabilities, {@code no_new_privs}; its own pid, mount,
 * ipc and uts namespaces, so it sees only its own processes; a root that is an empty read-only
 * folder with the host's system folders ({@code /usr}, {@code /bin}, {@code /lib*},
 * {@code /etc}, {@code /opt}) bound read-only, or a root file system the operator names; its
 * work folder bound writable at its host path (the work folder and writable
 * {@linkplain ContainerSpec#mounts() mounts} are given to its user), the spec's other mounts,
 * a private memory-backed {@code /tmp} and a minimal {@code /dev}. The backend's state folder,
 * other containers' folders and the server's files are not in it. Networking is the host's: an
 * instance listens on the port its node gave it, as with the process backend. runc sets
 * {@code HOME} (to {@code /}) when the spec's environment has none.
 *
 * <p><b>Limits.</b> A cgroup per container (v1 or v2, as runc finds the machine): memory at
 * {@code memoryBytes} with swap capped too where the kernel counts it, CPU shares, an optional
 * CPU quota, and a process count. The disk quota: no single file may grow past it by more than
 * a block (the writer gets SIGXFSZ), and every {@link Builder#diskPollInterval disk poll} the
 * work folder is measured and a container over its quota is killed; both end it with
 * {@link ExitStatus#diskLimitExceeded()}. Between two polls many files may together pass the
 * quota by what the container writes in that time. An OOM kill inside the cgroup ends it with
 * {@link ExitStatus#memoryLimitExceeded()}.
 *
 * <p><b>Ends.</b> The command runs under a small shell as the container's init; when the command
 * ends, the init ends with its code and the kernel kills every process left in the namespace,
 * detached or not. {@link #stop} sends SIGTERM to every process of the container, then SIGKILL
 * to its init after the grace. A {@code runc run} outlives a {@code kill -9} of the JVM; a
 * backend built on the same state folder removes every container it finds there before it
 * accepts any, so a restarted node leaves no orphan. Two backends with different state folders
 * never touch each other's containers or cgroups.
 *
 * <p><b>Threads.</b> Like the process backend: three blocking tasks per running container on
 * the executor, timers on the clock; from a cloud's context both are the cloud's. Thread-safe.
 */
public final class RuncBackend implements ContainerBackend {
  /** Output lines are cut to this many bytes. */
  public static final int MAX_LINE_BYTES = 16 * 1024;
  /** The first uid of the default range. */
  public static final int DEFAULT_FIRST_UID = 200_000;
  /** How many uids the default range holds: containers one backend may hold at once. */
  public static final int DEFAULT_UID_COUNT = 10_000;
  /** Processes and threads one container may have unless the builder says otherwise. */
  public static final int DEFAULT_PIDS_LIMIT = 512;
  /** How often work folders are measured unless the builder says otherwise. */
  public static final Duration DEFAULT_DISK_POLL_INTERVAL = Duration.ofSeconds(2);
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(3);
  private static final Pattern RUNC_NAME = Pattern.compile("[A-Za-z0-9_.+-]{1,100}");

  private static final Logger log = LoggerFactory.getLogger(RuncBackend.class);

  private final Runc runc;
  private final Cgroups cgroups;
  private final Path bundles;
  private final String cgroupParent;
  private final Path rootfs;
  private final List<Path> systemFolders;
  private final int firstUid;
  private final int pidsLimit;
  private final double cpuQuota;
  private final Duration diskPollInterval;
  private final Duration commandTimeout;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Clock clock;
  private final SystemClock ownedClock;
  private final Map<String, RuncContainer> containers = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private final BitSet uidsInUse;
  private final int uidCount;
  private Cancellable pollTimer;
  private boolean closed;

  private RuncBackend(Builder b, CloudContext context) throws IOException {
    Path state = b.stateDir.toAbsolutePath().normalize();
    Files.createDirectories(state);
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    this.runc = new Runc(b.runtime, state.resolve("runc"), b.commandTimeout);
    this.cgroups = Cgroups.detect();
    this.bundles = state.resolve("bundles");
    this.cgroupParent = "/paaskit-" + shortHash(state.toString());
    this.rootfs = b.rootfs;
    this.systemFolders = b.rootfs != null ? List.of()
        : OciConfig.SYSTEM_FOLDERS.stream().map(Path::of).filter(Files::isDirectory).toList();
    this.firstUid = b.firstUid;
    this.uidCount = b.uidCount;
    this.uidsInUse = new BitSet(b.uidCount);
    this.pidsLimit = b.pidsLimit;
    this.cpuQuota = b.cpuQuota;
    this.diskPollInterval = b.diskPollInterval;
    this.commandTimeout = b.commandTimeout;
    Executor given = context != null ? context.executor() : b.executor;
    if (given == null) {
      ownedExecutor = Executors.newCachedThreadPool(new ThreadFactoryBuilder().setDaemon(true)
          .setNameFormat("runc-backend-%d").build());
      executor = ownedExecutor;
    } else {
      ownedExecutor = null;
      executor = given;
    }
    Clock givenClock = context != null ? context.clock() : b.clock;
    this.ownedClock = givenClock == null ? SystemClock.create("runc-backend") : null;
    this.clock = givenClock != null ? givenClock : ownedClock;
    removeLeftovers();
  }

  /**
   * A builder of a backend.
   *
   * @return a new builder; {@link Builder#stateDir} is required
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether this machine can run the backend: as root, with a {@code runc} on the path that
   * runs a trivial container here. Where it cannot, a node should fall back to the process
   * backend and say so; {@link #unavailableBecause()} says why.
   *
   * @return true when a trivial container ran
   */
  public static boolean available() {
    return unavailableBecause().isEmpty();
  }

  /**
   * Why this machine cannot run the backend, found by running a trivial container in a
   * temporary state folder (some tens of milliseconds).
   *
   * @return empty when it can; else the reason, such as {@code not root} or what runc printed
   */
  public static Optional<String> unavailableBecause() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("not root");
    }
    Path state = null;
    try {
      state = Files.createTempDirectory("paaskit-runc-check-");
      Path work = Files.createDirectories(state.resolve("work"));
      try (RuncBackend probe = builder().stateDir(state.resolve("state"))
          .commandTimeout(Duration.ofSeconds(20)).build()) {
        StringBuilder printed = new StringBuilder();
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        probe.create(new ContainerSpec("check", work, "echo ok", Map.of("PATH", "/usr/bin:/bin"),
            new dev.paaskit.api.spi.ResourceLimits(64L << 20, 64L << 20, 1024),
            new dev.paaskit.api.spi.ContainerListener() {
              @Override
              public void onOutput(Stream stream, String line) {
                if (printed.length() < 2000) {
                  printed.append(line).append('\n');
                }
              }

              @Override
              public void onExit(ExitStatus status) {
                exit.complete(status);
              }
            }));
        probe.start("check");
        ExitStatus status = exit.get(30, TimeUnit.SECONDS);
        if (status.exitCode() != 0 || !printed.toString().startsWith("ok")) {
          return Optional.of("runc could not run a container (" + status.describe() + "): "
              + printed.toString().strip());
        }
        return Optional.empty();
      }
    } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
      return Optional.of("runc could not run a container: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking runc");
    } finally {
      if (state != null) {
        Trees.deleteQuietly(state);
      }
    }
  }

  /** {@code runc}. */
  @Override
  public String name() {
    return "runc";
  }

  /** True: containers have their own user, namespaces and cgroup limits. */
  @Override
  public boolean isolates() {
    return true;
  }

  /**
   * Writes the container's bundle and gives its work folder and writable mounts to its user;
   * nothing runs until {@link #start}. A failure leaves nothing behind.
   *
   * @throws IllegalStateException if a container with the same id exists, the backend is closed
   *     or every uid of its range is in use
   * @throws IOException if the bundle cannot be written or a folder not given to the user
   */
  @Override
  public void create(ContainerSpec spec) throws IOException {
    Objects.requireNonNull(spec, "spec");
    String name = runcName(spec.id());
    Path bundle = bundles.resolve(name);
    int uid;
    synchronized (lock) {
      checkOpen();
      if (containers.containsKey(spec.id())) {
        throw new IllegalStateException("container " + spec.id() + " exists");
      }
      int slot = uidsInUse.nextClearBit(0);
      if (slot >= uidCount) {
        throw new IllegalStateException("container " + spec.id() + ": all " + uidCount
            + " uids from " + firstUid + " are in use");
      }
      uidsInUse.set(slot);
      uid = firstUid + slot;
      containers.put(spec.id(), new RuncContainer(spec, name, uid, bundle,
          cgroupParent + "/" + name, this));
    }
    boolean done = false;
    try {
      Trees.deleteQuietly(bundle);
      Files.createDirectories(bundle.resolve("rootfs"));
      Path root = rootfs != null ? rootfs : Path.of("rootfs");
      Files.write(bundle.resolve("config.json"), OciConfig.write(spec, hostname(spec.id()), uid,
          root, true, systemFolders, cgroupParent + "/" + name, pidsLimit, cpuQuota,
          cgroups.canLimitSwap()));
      if (Files.isDirectory(spec.workDir())) {
        giveTo(spec.workDir(), uid);
      }
      for (ContainerSpec.Mount m : spec.mounts()) {
        if (m.writable()) {
          giveTo(m.path(), uid);
        }
      }
      done = true;
    } finally {
      if (!done) {
        forget(spec.id());
      }
    }
  }

  /**
   * Starts a created container and returns once runc has made it.
   *
   * @throws NotFoundException if no container has this id
   * @throws IllegalStateException if the container is not CREATED or the backend is closed
   * @throws java.nio.file.NoSuchFileException if its workDir is not a directory
   * @throws IOException if runc cannot be started or does not make the container in time
   */
  @Override
  public void start(String id) throws IOException {
    RuncContainer container = get(id);
    synchronized (lock) {
      checkOpen();
    }
    container.start();
    schedulePoll();
  }

  /**
   * Sends SIGTERM to every process of the container, and SIGKILL to its init once
   * {@code grace} has passed on the clock with it alive. A container never started ends at once
   * with exit code 0, requested.
   *
   * @throws NotFoundException if no container has this id
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    return get(id).stop(grace);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    return Optional.ofNullable(containers.get(id)).map(RuncContainer::info);
  }

  /** CPU and memory as the container's cgroup counts them, disk as last measured. */
  @Override
  public Optional<ContainerStats> stats(String id) {
    RuncContainer c = containers.get(id);
    if (c == null || !c.active()) {
      return Optional.empty();
    }
    long disk = c.lastDisk();
    if (disk < 0) {
      disk = measure(c.spec().workDir());
      c.recordDisk(disk);
    }
    return Optional.of(new ContainerStats(cgroups.cpuNanos(c.cgroup()).orElse(0),
        cgroups.memoryBytes(c.cgroup()).orElse(0), Math.max(0, disk)));
  }

  /** The ids of all containers not yet removed, sorted. */
  @Override
  public List<String> list() {
    return containers.keySet().stream().sorted().toList();
  }

  /**
   * Forgets a container that ended or never started, deletes its bundle and frees its uid. Its
   * work folder is left: the node made it and deletes it.
   *
   * @throws NotFoundException if no container has this id
   * @throws IllegalStateException if it is running or stopping
   */
  @Override
  public void remove(String id) {
    RuncContainer c = get(id);
    c.markRemoved();
    forget(id);
  }

  /**
   * Stops every container with a short grace, kills what is left, waits a bounded time for
   * their ends, deletes whatever runc still holds in the state folder, and releases the threads
   * and clock the backend made itself. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (pollTimer != null) {
        pollTimer.cancel();
        pollTimer = null;
      }
    }
    List<RuncContainer> all = new ArrayList<>(containers.values());
    List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
    for (RuncContainer c : all) {
      exits.add(c.stop(CLOSE_GRACE));
    }
    boolean interrupted = !Exits.awaitAll(exits, CLOSE_GRACE.plus(CLOSE_MARGIN));
    all.stream().filter(c -> !c.ended()).forEach(RuncContainer::kill);
    if (!interrupted) {
      interrupted = !Exits.awaitAll(exits, DRAIN_TIMEOUT.plus(CLOSE_MARGIN));
    }
    all.stream().filter(c -> !c.ended()).forEach(c ->
        log.warn("container {} was still running when the backend closed", c.id()));
    removeLeftovers();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (ownedClock != null) {
      ownedClock.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  Runc runc() {
    return runc;
  }

  Cgroups cgroups() {
    return cgroups;
  }

  Clock clock() {
    return clock;
  }

  Executor executor() {
    return executor;
  }

  Duration commandTimeout() {
    return commandTimeout;
  }

  /** Runs a short task on the executor, or here once the executor refuses work. */
  void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Deletes every container runc holds in this backend's state folder, and every bundle. */
  private void removeLeftovers() {
    try {
      List<String> names = runc.list();
      for (String name : names) {
        Runc.Result r = runc.delete(name);
        if (!r.ok()) {
          log.warn("could not delete container {} left in {}: {}", name, runc.stateRoot(),
              r.output().strip());
        }
      }
      if (!names.isEmpty()) {
        log.info("removed {} container(s) left in {}", names.size(), runc.stateRoot());
      }
    } catch (IOException e) {
      log.warn("could not list the containers left in {}", runc.stateRoot(), e);
    }
    boolean all;
    synchronized (lock) {
      all = closed || containers.isEmpty();
    }
    if (all) {
      // Bundles hold environments, secrets included: none outlives its backend.
      Trees.deleteQuietly(bundles);
      cgroups.removeEmpty(cgroupParent);
    }
  }

  private void forget(String id) {
    RuncContainer c;
    synchronized (lock) {
      c = containers.remove(id);
      if (c == null) {
        return;
      }
      uidsInUse.clear(c.uid() - firstUid);
    }
    Trees.deleteQuietly(c.bundle());
  }

  private RuncContainer get(String id) {
    Objects.requireNonNull(id, "id");
    RuncContainer container = containers.get(id);
    if (container == null) {
      throw new NotFoundException("container", id);
    }
    return container;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the runc backend is closed");
    }
  }

  private void schedulePoll() {
    synchronized (lock) {
      if (pollTimer != null || closed) {
        return;
      }
      pollTimer = clock.schedule(diskPollInterval, () -> execute(this::poll));
    }
  }

  private void poll() {
    synchronized (lock) {
      pollTimer = null;
    }
    List<RuncContainer> active = containers.values().stream().filter(RuncContainer::active)
        .toList();
    if (active.isEmpty()) {
      return;
    }
    for (RuncContainer c : active) {
      long used = measure(c.spec().workDir());
      c.recordDisk(used);
      if (used > c.spec().limits().diskBytes()) {
        c.killForDisk(used);
      }
    }
    schedulePoll();
  }

  /** Bytes the files below {@code dir} take; 0 when it cannot be read. */
  static long measure(Path dir) {
    try {
      return FolderSize.of(dir);
    } catch (IOException e) {
      log.debug("could not measure {}", dir, e);
      return 0;
    }
  }

  /** Gives a folder and everything below it, links not followed, to the container's user. */
  private static void giveTo(Path dir, int uid) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
          throws IOException {
        chown(d, uid);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        // A second name of someone else's file (a hard link, where the kernel allows linking
        // what one does not own) keeps its owner: the file is not the container's to take.
        if (attrs.isRegularFile()
            && (int) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1
            && (int) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
          log.debug("not giving {} to uid {}: it has other names", file, uid);
          return FileVisitResult.CONTINUE;
        }
        chown(file, uid);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void chown(Path p, int uid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
  }

  /** The id as runc's names allow, unique and stable: the id itself where it fits. */
  static String runcName(String id) {
    String name = "pk-" + id;
    return RUNC_NAME.matcher(name).matches() ? name : "pk-" + shortHash(id);
  }

  private static String hostname(String id) {
    String h = id.toLowerCase().replaceAll("[^a-z0-9-]", "-");
    return h.length() > 63 ? h.substring(0, 63) : h;
  }

  private static String shortHash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Options of a {@link RuncBackend}. Not thread-safe. A builder may build several backends,
   * each on its own state folder.
   */
  public static final class Builder {
    private Path stateDir;
    private String runtime = "runc";
    private Path rootfs;
    private int firstUid = DEFAULT_FIRST_UID;
    private int uidCount = DEFAULT_UID_COUNT;
    private int pidsLimit = DEFAULT_PIDS_LIMIT;
    private double cpuQuota;
    private Duration diskPollInterval = DEFAULT_DISK_POLL_INTERVAL;
    private Duration commandTimeout = Duration.ofSeconds(30);
    private Executor executor;
    private Clock clock;

    private Builder() {}

    /**
     * Where the backend keeps runc's state and the containers' bundles (which hold their
     * environments: the folder is made readable by root only). Required. A backend built on a
     * folder removes every container it finds there first, so give each node its own folder,
     * kept across restarts, and never one a container can see.
     *
     * @param stateDir a folder, made when missing
     * @return this builder
     */
    public Builder stateDir(Path stateDir) {
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
      return this;
    }

    /**
     * The runc executable; default {@code runc}, found on the path.
     *
     * @param runtime a command name or path
     * @return this builder
     */
    public Builder runtime(String runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      return this;
    }

    /**
     * A root file system every container runs in (read-only), instead of the host's system
     * folders. It must hold {@code /bin/sh}.
     *
     * @param rootfs an absolute folder
     * @return this builder
     * @throws IllegalArgumentException if it is relative
     */
    public Builder rootfs(Path rootfs) {
      Objects.requireNonNull(rootfs, "rootfs");
      if (!rootfs.isAbsolute()) {
        throw new IllegalArgumentException("rootfs must be absolute: " + rootfs);
      }
      this.rootfs = rootfs;
      return this;
    }

    /**
     * The uids containers run as: {@code count} numbers from {@code first}, one per container
     * held; default {@link #DEFAULT_FIRST_UID} and {@link #DEFAULT_UID_COUNT}. Give nodes on one
     * machine ranges of their own, above the host's own users.
     *
     * @param first more than 0
     * @param count more than 0
     * @return this builder
     * @throws IllegalArgumentException if either is not positive or the range passes 2^31
     */
    public Builder uids(int first, int count) {
      if (first <= 0 || count <= 0 || (long) first + count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("uid range must be positive and below 2^31: first="
            + first + " count=" + count);
      }
      this.firstUid = first;
      this.uidCount = count;
      return this;
    }

    /**
     * Processes and threads one container may have; default {@link #DEFAULT_PIDS_LIMIT}.
     *
     * @param limit at least 8
     * @return this builder
     * @throws IllegalArgumentException if it is below 8
     */
    public Builder pidsLimit(int limit) {
      if (limit < 8) {
        throw new IllegalArgumentException("pidsLimit must be at least 8: " + limit);
      }
      this.pidsLimit = limit;
      return this;
    }

    /**
     * Caps each container's CPU at this many CPUs (a CFS quota); default none, only shares.
     *
     * @param cpus more than 0, such as 0.5 or 2
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder cpuQuota(double cpus) {
      if (!(cpus > 0)) {
        throw new IllegalArgumentException("cpuQuota must be positive: " + cpus);
      }
      this.cpuQuota = cpus;
      return this;
    }

    /**
     * How often every running container's work folder is measured against its disk quota;
     * default {@link #DEFAULT_DISK_POLL_INTERVAL}.
     *
     * @param interval more than zero, on the backend's clock
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder diskPollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("diskPollInterval must be positive: " + interval);
      }
      this.diskPollInterval = interval;
      return this;
    }

    /**
     * How long one runc command ({@code kill}, {@code delete}, {@code list}) and the making of
     * a container may take; default 30 s.
     *
     * @param timeout more than zero
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("commandTimeout must be positive: " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Runs readers, waiters and short tasks on {@code executor}; without it the backend makes a
     * cached pool. Not with {@link #build(CloudContext)}.
     *
     * @param executor at least three threads per running container
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Times grace periods and disk polls; without it the backend uses a clock of its own. Not
     * with {@link #build(CloudContext)}.
     *
     * @param clock its timers must fire for grace periods to end
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Makes a backend on the executor and clock given, or its own.
     *
     * @return a new backend, with whatever an earlier backend left in the state folder removed
     * @throws IllegalStateException if no state folder was given
     * @throws IOException if the state folder cannot be made
     */
    public RuncBackend build() throws IOException {
      if (stateDir == null) {
        throw new IllegalStateException("a runc backend needs a stateDir");
      }
      return new RuncBackend(this, null);
    }

    /**
     * Makes a backend on the cloud's executor and clock: the factory a node takes,
     * {@code NodeAgent.builder().backend(RuncBackend.builder().stateDir(dir)::build)}.
     *
     * @param context the cloud's context; its executor and clock are used
     * @return a new backend
     * @throws IllegalStateException if no state folder was given, an executor or clock was
     *     given to this builder, or the state folder cannot be made
     */
    public RuncBackend build(CloudContext context) {
      Objects.requireNonNull(context, "context");
      if (stateDir == null) {
        throw new IllegalStateException("a runc backend needs a stateDir");
      }
      if (executor != null || clock != null) {
        throw new IllegalStateException("a backend made from the context of cloud "
            + context.cloudName() + " runs on its executor and clock; this builder was given "
            + (executor != null ? "an executor" : "a clock"));
      }
      try {
        return new RuncBackend(this, context);
      } catch (IOException e) {
        throw new IllegalStateException("cannot prepare the runc state folder " + stateDir, e);
      }
    }

    /**
     * A factory for a node: each backend on {@code stateDirOf} the cloud's context.
     *
     * @param stateDirOf the state folder of a backend made in a given cloud
     * @return a factory building on a copy of this builder's options
     */
    public Function<CloudContext, RuncBackend> factory(Function<CloudContext, Path> stateDirOf) {
      Objects.requireNonNull(stateDirOf, "stateDirOf");
      return context -> {
        Builder copy = copy();
        copy.stateDir = stateDirOf.apply(context);
        return copy.build(context);
      };
    }

    private Builder copy() {
      Builder b = new Builder();
      b.stateDir = stateDir;
      b.runtime = runtime;
      b.rootfs = rootfs;
      b.firstUid = firstUid;
      b.uidCount = uidCount;
      b.pidsLimit = pidsLimit;
      b.cpuQuota = cpuQuota;
      b.diskPollInterval = diskPollInterval;
      b.commandTimeout = commandTimeout;
      return b;
    }
  }
}
