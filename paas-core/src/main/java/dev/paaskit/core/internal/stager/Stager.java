package dev.paaskit.core.internal.stager;

import com.google.common.hash.Hashing;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.archive.WrittenArchive;
import dev.paaskit.core.internal.protocol.DropletRecord;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StoreKeys;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stages packages in-process: unpacks the package into a fresh folder, picks the cartridge
 * (named, or the first whose detection matches), runs it, and stores the folder as a
 * reproducible droplet. A droplet is cached under the sha256 of (package, cartridge, cartridge
 * version, the environment the build sees), so restaging unchanged bits is a cache hit. Stagings of one app run one at a time,
 * since they share the app's cache folder.
 *
 * <p>The code of a staging (detection scripts, builds, hooks) runs on the container backend the
 * stager makes when it starts and closes when it stops, each command a short-lived container
 * with the app's limits: see {@link StagingContext}.
 */
public final class Stager extends AbstractRole implements StagingService {
  private static final int KEPT_OUTPUT_LINES = 40;

  private final CartridgeSource cartridges;
  private final BlobStore blobs;
  private final StateStore store;
  private final Clock clock;
  private final Executor executor;
  private final Path workDir;
  private final Duration timeout;
  private final ArchiveExtractor extractor;
  private final HookRunner hookRunner;
  private final Supplier<? extends ContainerBackend> backends;
  private volatile ContainerBackend backend;
  private final Map<String, Object> appLocks = new ConcurrentHashMap<>();
  private final java.util.Set<Thread> staging = ConcurrentHashMap.newKeySet();
  /**
   * The cartridge that detected each package, under the package's sha256 and the installed
   * cartridges: detection depends on nothing else, so bits staged before are looked up in the
   * droplet cache before they are extracted again. The most recent 10,000.
   */
  private final Map<String, String> detected = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 10_000;
        }
      });

  /**
   * A stager; nothing happens until it starts.
   *
   * @param backends makes the backend stagings run their code on, when the stager starts; the
   *     stager closes it when it stops
   */
  public Stager(CartridgeSource cartridges, BlobStore blobs, StateStore store, Clock clock,
      Executor executor, Path workDir, Duration timeout, ArchiveLimits limits,
      Supplier<? extends ContainerBackend> backends) {
    this.cartridges = cartridges;
    this.blobs = blobs;
    this.store = store;
    this.clock = clock;
    this.executor = executor;
    this.workDir = workDir;
    this.timeout = timeout;
    this.extractor = ArchiveExtractor.create(limits);
    this.hookRunner = new HookRunner(clock);
    this.backends = backends;
  }

  @Override
  public String name() {
    return "stager";
  }

  @Override
  protected void startUp() throws IOException {
    Files.createDirectories(workDir.resolve("staging"));
    Files.createDirectories(workDir.resolve("cache"));
    ContainerBackend made = backends.get();
    if (made == null) {
      throw new IllegalStateException("the staging backend factory returned null");
    }
    backend = made;
  }

  /**
   * Refuses new stagings, interrupts the ones running, which stop their containers, and closes
   * the backend.
   */
  @Override
  protected void shutDown() {
    staging.forEach(Thread::interrupt);
    ContainerBackend made = backend;
    if (made != null) {
      made.close();
    }
  }

  @Override
  public CompletableFuture<Droplet> stage(String appName, String packageSha256,
      Optional<String> cartridge, Map<String, String> env, Hooks hooks, ResourceLimits limits,
      Consumer<String> log) {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (appLocks.computeIfAbsent(appName, a -> new Object())) {
        if (stopRequested()) {
          throw new IllegalStateException("the stager is stopped");
        }
        ContainerBackend running = backend;
        if (running == null) {
          throw new IllegalStateException("the stager has not started");
        }
        staging.add(Thread.currentThread());
        try {
          return stageNow(appName, packageSha256, cartridge, env, hooks, running, limits, log);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          staging.remove(Thread.currentThread());
          Thread.interrupted(); // a stop's interrupt must not leak to the pool's next task
        }
      }
    }, executor).handle((d, e) -> {
      if (e == null) {
        return d;
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof StagingException se) {
        throw se;
      }
      throw new StagingException("staging failed: " + cause.getMessage(), List.of(), cause);
    });
  }

  private Droplet stageNow(String appName, String packageSha, Optional<String> wanted,
      Map<String, String> env, Hooks hooks, ContainerBackend backend, ResourceLimits limits,
      Consumer<String> log) throws IOException {
    long deadline = clock.nanoTime() + timeout.toNanos();
    Path work = Files.createTempDirectory(workDir.resolve("staging"), appName + "-");
    Deque<String> output = new ArrayDeque<>();
    Consumer<String> sink = line -> {
      synchronized (output) {
        output.addLast(line);
        if (output.size() > KEPT_OUTPUT_LINES) {
          output.removeFirst();
        }
      }
      log.accept(line);
    };
    try {
      List<Cartridge> installed = cartridges.cartridges();
      String detectionKey = packageSha + "\n" + installed.stream()
          .map(Stager::identity).collect(Collectors.joining(","));
      // The cartridges are listed once per staging: a source may read folders to list them.
      Optional<Cartridge> named = wanted.isPresent()
          ? Optional.of(cartridges.find(wanted.get()).orElseThrow(() -> new StagingException(
              "no cartridge named '" + wanted.get() + "'; installed: " + installed.stream()
                  .map(Cartridge::name).collect(Collectors.joining(", ")), List.of())))
          : Optional.empty();
      Optional<Cartridge> known = named.isPresent() ? named
          : Optional.ofNullable(detected.get(detectionKey)).flatMap(seen -> installed
              .stream().filter(c -> seen.equals(identity(c))).findFirst());
      if (known.isPresent()) {
        Optional<Droplet> cached = cachedDroplet(dropletKey(packageSha, known.get(), env, hooks));
        if (cached.isPresent()) {
          sink.accept(named.isPresent()
              ? "-----> Using cartridge " + known.get().name() + " " + known.get().version()
              : "-----> Detected " + known.get().name() + " " + known.get().version()
                  + " (these bits, before)");
          sink.accept("-----> Unchanged bits: reusing droplet " + cached.get().sha256().substring(0, 12));
          return cached.get();
        }
      }
      Path appDir;
      try (InputStream in = blobs.open(packageSha).orElseThrow(
          () -> new NoSuchFileException("package " + packageSha + " is not in the blob store"))) {
        appDir = extractor.extractTarGz(in, work);
      }
      Path cacheDir = Files.createDirectories(workDir.resolve("cache").resolve(appName));
      StagingContext context = new StagingContext(appName, appDir, cacheDir, env, sink,
          left(deadline), Optional.of(backend), limits);
      Cartridge cartridge = choose(context, deadline, named, installed, sink);
      if (named.isEmpty()) {
        detected.put(detectionKey, identity(cartridge));
      }
      String key = dropletKey(packageSha, cartridge, env, hooks);
      Optional<Droplet> cached = cachedDroplet(key);
      if (cached.isPresent()) {
        sink.accept("-----> Unchanged bits: reusing droplet " + cached.get().sha256().substring(0, 12));
        return cached.get();
      }
      hookRunner.run("pre-staging", hooks.preStaging(), context, deadline);
      StagingResult result;
      try {
        result = cartridge.stage(context.withTimeout(left(deadline)));
      } catch (StagingException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new StagingException(cartridge.name() + " failed: " + e.getMessage(),
            snapshot(output), e);
      }
      hookRunner.run("post-staging", hooks.postStaging(), context, deadline);
      Path tarball = work.resolve("droplet.tgz");
      WrittenArchive written;
      try (OutputStream out = Files.newOutputStream(tarball)) {
        written = TarGzWriter.create().write(appDir, out);
      }
      BlobInfo blob = blobs.put(tarball);
      Droplet droplet = new Droplet(blob.sha256(), packageSha, cartridge.name(), result.command(),
          result.env(), written.bytes(), clock.now(), false);
      store.put(StoreKeys.droplet(key), Json.write(DropletRecord.of(droplet)));
      sink.accept("-----> Droplet " + blob.sha256().substring(0, 12) + " (" + written.bytes()
          + " bytes), start command: " + result.command());
      return droplet;
    } finally {
      Trees.deleteQuietly(work);
    }
  }

  /** What is left until {@code deadline} on the stager's clock; at least a nanosecond. */
  private Duration left(long deadline) {
    return Duration.ofNanos(Math.max(deadline - clock.nanoTime(), 1));
  }

  /** A cartridge's name and version, which detection and builds depend on. */
  private static String identity(Cartridge c) {
    return c.name() + " " + c.version();
  }

  /** The droplet cache's key: the package and everything else the build sees. */
  private static String dropletKey(String packageSha, Cartridge cartridge, Map<String, String> env,
      Hooks hooks) {
    return Hashing.sha256().hashString(packageSha + "\n" + cartridge.name() + "\n"
        + cartridge.version() + "\n" + new java.util.TreeMap<>(env) + "\n" + hooks.preStaging()
        + "\n" + hooks.postStaging(), StandardCharsets.UTF_8).toString();
  }

  /** The droplet cached under {@code key}, if its blob is still stored. */
  private Optional<Droplet> cachedDroplet(String key) throws IOException {
    Optional<Droplet> cached = store.get(StoreKeys.droplet(key))
        .map(e -> Json.read(e.value(), DropletRecord.class).toDroplet(true));
    return cached.isPresent() && blobs.stat(cached.get().sha256()).isPresent()
        ? cached : Optional.empty();
  }

  private static List<String> snapshot(Deque<String> output) {
    synchronized (output) {
      return new ArrayList<>(output);
    }
  }

  /** The named cartridge, or the first of {@code all} that detects the app. */
  private Cartridge choose(StagingContext context, long deadline, Optional<Cartridge> named,
      List<Cartridge> all, Consumer<String> log) throws IOException {
    Path appDir = context.buildDir();
    if (named.isPresent()) {
      Cartridge c = named.get();
      log.accept("-----> Using cartridge " + c.name() + " " + c.version());
      return c;
    }
    List<String> looksFor = new ArrayList<>();
    for (Cartridge c : all) {
      Detection d = c.detect(context.withTimeout(left(deadline)));
      if (d.detected()) {
        log.accept("-----> Detected " + c.name() + " " + c.version() + " (" + d.explanation() + ")");
        return c;
      }
      looksFor.add(d.explanation().startsWith(c.name() + ":") ? d.explanation()
          : c.name() + ": " + d.explanation());
    }
    throw new StagingException("no cartridge recognised the app's files. The app holds: "
        + listing(appDir) + ". Cartridges look for: " + String.join("; ", looksFor)
        + ". Name one with the cartridge option, or add a Procfile with a web: command.", List.of());
  }

  private static String listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : ""))
          .sorted().collect(Collectors.toList());
      if (names.isEmpty()) {
        return "no files";
      }
      return names.size() > 20 ? String.join(", ", names.subList(0, 20)) + ", ... ("
          + names.size() + " in all)" : String.join(", ", names);
    }
  }
}
