package dev.paaskit.cartridges.openshift;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeCatalog;
import dev.paaskit.api.spi.CartridgeInfo;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cloud's cartridges: the built-in ones, expressed as OpenShift manifests, and downloadable
 * OpenShift cartridges added from a manifest URL. It is the stager's {@link CartridgeSource}
 * (an added cartridge is found by its {@code Name}) and the REST API's
 * {@link CartridgeCatalog}.
 *
 * <p>An added cartridge's verified files are kept as a reproducible tar.gz in the cloud's
 * {@link BlobStore} and its manifest in the {@link StateStore} under {@code cartridges/}; a
 * droplet staged with it names that blob, and a node installs it into its own
 * {@link CartridgeRepository} when it first starts an instance of such a droplet
 * ({@link OpenShiftGears}). Nodes that never host such an app never fetch it. Nothing is stored
 * until every check passed: a refused cartridge leaves no blob, no state and no file.
 *
 * <pre>{@code
 * OpenShiftCartridges cartridges = OpenShiftCartridges.builder()
 *     .builtins(BuiltinCartridges.create()).workDir(dir).build();
 * PaasKit.builder().cartridges(cartridges).addRole(cartridges.role())...build();
 * cartridges.add("https://example.com/mock/metadata/manifest.yml");
 * }</pre>
 *
 * <p>Before its role started (which hands it the cloud's stores) it offers only the built-in
 * cartridges, and {@link #add} fails. Thread-safe.
 */
public final class OpenShiftCartridges implements CartridgeSource, CartridgeCatalog {
  private static final Logger log = LoggerFactory.getLogger(OpenShiftCartridges.class);
  static final String KEY_PREFIX = "cartridges/";
  /** The {@code Cartridge-Vendor} of the built-in cartridges' manifests. */
  public static final String BUILTIN_VENDOR = "paaskit";

  private final CartridgeSource builtins;
  private final Path workDir;
  private final CartridgeDownloader downloader;
  private volatile Stores stores;

  /** The cloud's parts this catalog uses; the bus is asked for only when a gear is controlled. */
  private record Stores(StateStore state, BlobStore blobs, Clock clock,
      java.util.function.Supplier<MessageBus> bus) {}

  /** What the state store keeps of an added cartridge. */
  record CartridgeRecord(String manifest, String url, String sha256, long addedAtMillis) {}

  private OpenShiftCartridges(Builder b) throws IOException {
    this.builtins = b.builtins;
    this.workDir = Files.createDirectories(b.workDir);
    this.downloader = new CartridgeDownloader(b.allowHttp, b.allowFile, b.limits,
        workDir.resolve("source-cache"));
  }

  /**
   * A builder; {@link Builder#workDir} must be set before {@link Builder#build()}.
   *
   * @return a new builder with no built-in cartridges, https only and the default archive limits
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The role that gives this catalog the cloud's stores; add it to the cloud's builder. When it
   * starts it empties the work folder's {@code work/} (downloads an earlier run left there);
   * when it stops the catalog falls back to the built-in cartridges and {@link #add} fails
   * again. One catalog serves one cloud: add its role to that cloud only.
   *
   * @return a factory of the role named {@code cartridges}; each call makes a new one
   */
  public RoleFactory role() {
    return context -> new AbstractRole() {
      @Override
      public String name() {
        return "cartridges";
      }

      @Override
      protected void startUp() throws IOException {
        Files.createDirectories(workDir.resolve("work"));
        Trees.delete(workDir.resolve("work"));
        Files.createDirectories(workDir.resolve("work"));
        stores = new Stores(context.stateStore(), context.blobStore(), context.clock(),
            context::bus);
      }

      @Override
      protected void shutDown() {
        stores = null;
        downloader.close();
      }
    };
  }

  /** The built-in cartridges, then the latest cartridge version of each added name. */
  @Override
  public List<Cartridge> cartridges() {
    List<Cartridge> out = new ArrayList<>(builtins.cartridges());
    Map<String, Added> latest = new LinkedHashMap<>();
    for (Added a : added()) {
      latest.merge(a.manifest.name(), a, (x, y) -> VersionOrder.compare(
          x.manifest.cartridgeVersion(), y.manifest.cartridgeVersion()) >= 0 ? x : y);
    }
    latest.values().forEach(a -> out.add(new OpenShiftCartridge(a.manifest, a.record.sha256())));
    return out;
  }

  /**
   * The cartridge named {@code name}; for an added cartridge also {@code NAME-VERSION}, as
   * OpenShift names them ({@code democart-1.1}), which stages with that software version.
   */
  @Override
  public Optional<Cartridge> find(String name) {
    // The built-in source first, through its own find: it may know names it does not list,
    // such as buildpacks named by git URL.
    Optional<Cartridge> builtin = builtins.find(name);
    if (builtin.isPresent()) {
      return builtin;
    }
    Optional<Cartridge> exact = CartridgeSource.super.find(name);
    if (exact.isPresent()) {
      return exact;
    }
    int dash = name.lastIndexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    String base = name.substring(0, dash);
    String version = name.substring(dash + 1);
    return cartridges().stream()
        .filter(c -> c instanceof OpenShiftCartridge o && o.manifest().name().equals(base)
            && o.manifest().offers(version))
        .map(c -> (Cartridge) ((OpenShiftCartridge) c).withVersion(version))
        .findFirst();
  }

  /**
   * Every cartridge's manifest, built-in ones first. Reads the state store on each call.
   *
   * @return a new list: the built-in cartridges as {@link #builtinManifest} shows them, then
   *     every added cartridge version by name, cartridge version and vendor; only the built-in
   *     ones before the role started
   */
  public List<CartridgeManifest> manifests() {
    List<CartridgeManifest> out = new ArrayList<>();
    builtins.cartridges().forEach(c -> out.add(builtinManifest(c)));
    added().forEach(a -> out.add(a.manifest));
    return out;
  }

  /**
   * A built-in cartridge in the manifest format: vendor {@value #BUILTIN_VENDOR}, its name and
   * version, one web endpoint whose port is the instance's {@code PORT}.
   *
   * @param c any cartridge; its name, upper-cased with other characters than letters, digits
   *     and {@code _} replaced by {@code _}, becomes the short name
   * @return a manifest for display and the catalog; it has no {@code Source-Url}
   */
  public static CartridgeManifest builtinManifest(Cartridge c) {
    String shortName = c.name().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    return new CartridgeManifest(c.name(), shortName, c.name() + " (built in)",
        "PaaSKit's built-in " + c.name() + " cartridge", c.version(), List.of(c.version()),
        Map.of(), c.version(), List.of(), BUILTIN_VENDOR, "Apache-2.0", "PaaSKit", "",
        List.of("web_framework"), List.of(c.name()), List.of(), Map.of(), Map.of(), null,
        List.of(), List.of(new CartridgeManifest.Endpoint("IP", "PORT", 8080, "PROXY_PORT",
            List.of("http"), Map.of(), List.of(new CartridgeManifest.Mapping("", "", Map.of())))),
        "", "", "", List.of(), false);
  }

  @Override
  public List<CartridgeInfo> list() {
    List<CartridgeInfo> out = new ArrayList<>();
    for (Cartridge c : builtins.cartridges()) {
      out.add(info(builtinManifest(c), true, "", ""));
    }
    for (Added a : added()) {
      out.add(info(a.manifest, false, a.record.url(), a.record.sha256()));
    }
    return out;
  }

  private static CartridgeInfo info(CartridgeManifest m, boolean builtin, String url,
      String sha256) {
    return new CartridgeInfo(m.name(), m.displayName(), m.cartridgeVendor(), m.version(),
        m.allVersions(), m.cartridgeVersion(), builtin, CartridgeRefusedException.shown(url),
        sha256);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks the caller while the manifest and the files are downloaded and checked. Adding a
   * cartridge version again with the same files replaces its record (URL, time of adding); with
   * other files it is refused.
   *
   * @throws IllegalStateException before the role started or after it stopped
   */
  @Override
  public CartridgeInfo add(String manifestUrl) throws IOException {
    Objects.requireNonNull(manifestUrl, "manifestUrl");
    Stores s = running();
    Path work = Files.createTempDirectory(Files.createDirectories(workDir.resolve("work")), "add-");
    try {
      CartridgeDownloader.Fetched fetched = downloader.fetch(manifestUrl.strip(), work);
      CartridgeManifest m = fetched.manifest();
      if (builtins.find(m.name()).isPresent()) {
        throw new CartridgeRefusedException(manifestUrl, "'" + m.name() + "' is the name of a "
            + "built-in cartridge; a downloadable one needs a name of its own");
      }
      Path tarball = work.resolve("cartridge.tgz");
      try (OutputStream out = Files.newOutputStream(tarball)) {
        TarGzWriter.create().write(fetched.dir(), out);
      }
      String key = key(m);
      Optional<StoreEntry> existing = s.state.get(key);
      String sha256 = com.google.common.io.Files.asByteSource(tarball.toFile())
          .hash(com.google.common.hash.Hashing.sha256()).toString();
      if (existing.isPresent()) {
        String had = Json.read(existing.get().value(), CartridgeRecord.class).sha256();
        if (!had.equals(sha256)) {
          // Nodes keep a cartridge version once installed: one version, one set of files.
          throw new CartridgeRefusedException(manifestUrl, m.cartridgeVendor() + "/" + m.name()
              + " cartridge version " + m.cartridgeVersion() + " was added before with other "
              + "files (" + had.substring(0, 12) + ", now " + sha256.substring(0, 12) + "): "
              + "raise Cartridge-Version in the manifest, or remove " + m.name() + " first");
        }
      }
      BlobInfo blob = s.blobs.put(tarball);
      CartridgeRecord record = new CartridgeRecord(fetched.manifestText(), manifestUrl,
          blob.sha256(), s.clock.now().toEpochMilli());
      try {
        s.state.put(key, Json.write(record));
      } catch (RuntimeException e) {
        if (existing.isEmpty() && !referenced(blob.sha256())) {
          s.blobs.delete(blob.sha256());
        }
        throw e;
      }
      log.info("cartridge {}/{} {} added from {} (blob {})", m.cartridgeVendor(), m.name(),
          m.cartridgeVersion(), CartridgeRefusedException.shown(manifestUrl), blob.sha256());
      return info(m, false, manifestUrl, blob.sha256());
    } finally {
      Trees.deleteQuietly(work);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every cartridge version of the name is removed from the catalog; the blobs stay, since
   * droplets staged with them name them.
   *
   * @throws IllegalStateException before the role started or after it stopped
   */
  @Override
  public List<CartridgeInfo> remove(String name) {
    Stores s = running();
    if (builtins.find(name).isPresent()) {
      throw new ConflictException("'" + name + "' is a built-in cartridge and cannot be removed");
    }
    List<CartridgeInfo> removed = new ArrayList<>();
    for (Added a : added()) {
      if (a.manifest.name().equals(name)) {
        s.state.delete(a.key);
        removed.add(info(a.manifest, false, a.record.url(), a.record.sha256()));
      }
    }
    if (removed.isEmpty()) {
      throw new NotFoundException("cartridge", name);
    }
    // The blobs stay: droplets staged with this cartridge name them, and their nodes may
    // still need to install it to restart an instance.
    return removed;
  }

  private boolean referenced(String sha256) {
    return added().stream().anyMatch(a -> a.record.sha256().equals(sha256));
  }

  private record Added(String key, CartridgeManifest manifest, CartridgeRecord record) {}

  private List<Added> added() {
    Stores s = stores;
    if (s == null) {
      return List.of();
    }
    List<Added> out = new ArrayList<>();
    for (StoreEntry e : s.state.list(KEY_PREFIX)) {
      CartridgeRecord r = Json.read(e.value(), CartridgeRecord.class);
      out.add(new Added(e.key(), CartridgeManifest.parse(r.manifest(),
          CartridgeRefusedException.shown(r.url())), r));
    }
    out.sort(Comparator.comparing((Added a) -> a.manifest.name())
        .thenComparing(a -> a.manifest.cartridgeVersion(), VersionOrder.ASCENDING)
        .thenComparing(a -> a.manifest.cartridgeVendor()));
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidSpecException naming the field {@code name} when {@code appName} cannot
   *     name an app
   * @throws IllegalStateException before the role started or after it stopped
   */
  @Override
  public void control(String appName, String action) {
    AppSpec.checkName(appName);
    if (!Gear.ACTIONS.contains(action)) {
      throw new InvalidSpecException("action", action, "must be one of " + new TreeSet<>(Gear.ACTIONS));
    }
    running().bus().get().publish(Gear.CONTROL_SUBJECT,
        Json.write(new Gear.ControlRequest(appName, action)));
  }

  private Stores running() {
    Stores s = stores;
    if (s == null) {
      throw new IllegalStateException("the cartridges role has not started: add role() to the "
          + "cloud and start it");
    }
    return s;
  }

  private static String key(CartridgeManifest m) {
    return KEY_PREFIX + m.cartridgeVendor() + "/" + m.name() + "/" + m.cartridgeVersion();
  }

  /** Options of {@link OpenShiftCartridges}; each may be set once. Not thread-safe. */
  public static final class Builder {
    private CartridgeSource builtins = List::of;
    private Path workDir;
    private boolean allowHttp;
    private boolean allowFile;
    private ArchiveLimits limits = ArchiveLimits.defaults();
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Sets the cartridges that ship with the cloud, listed first and asked first by
     * {@code find}; default none. Their names cannot be taken by an added cartridge.
     *
     * @param builtins usually {@link dev.paaskit.cartridges.BuiltinCartridges#create()}
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code builtins} is null
     */
    public Builder builtins(CartridgeSource builtins) {
      once("builtins");
      this.builtins = Objects.requireNonNull(builtins, "builtins");
      return this;
    }

    /**
     * Sets where downloads are unpacked and source archives cached. Required.
     *
     * @param workDir a folder of this catalog's own, created by {@link #build()} when missing;
     *     its {@code work/} is emptied each time the role starts
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code workDir} is null
     */
    public Builder workDir(Path workDir) {
      once("workDir");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Sets whether manifests and sources may come over plain http (and git://); default false.
     *
     * @param allow true to accept unencrypted downloads, false to refuse them with
     *     {@link CartridgeRefusedException}
     * @return this builder
     * @throws IllegalStateException if set before
     */
    public Builder allowHttp(boolean allow) {
      once("allowHttp");
      this.allowHttp = allow;
      return this;
    }

    /**
     * Sets whether manifests and sources may be {@code file:} URLs on the server; default false.
     * Allow them only where whoever may add a cartridge may read the server's disk.
     *
     * @param allow true to read {@code file:} URLs, false to refuse them with
     *     {@link CartridgeRefusedException}
     * @return this builder
     * @throws IllegalStateException if set before
     */
    public Builder allowFile(boolean allow) {
      once("allowFile");
      this.allowFile = allow;
      return this;
    }

    /**
     * Sets the limits for unpacking a cartridge's files; default {@link ArchiveLimits#defaults()}.
     *
     * @param limits bounds on the entries and bytes of a downloaded archive
     * @return this builder
     * @throws IllegalStateException if set before
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder limits(ArchiveLimits limits) {
      once("limits");
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Builds the catalog, creating the work folder. It offers the built-in cartridges at once,
     * and the added ones once its {@link OpenShiftCartridges#role()} started.
     *
     * @return a new catalog
     * @throws IllegalStateException without a work folder
     * @throws IOException when the work folder cannot be made
     */
    public OpenShiftCartridges build() throws IOException {
      if (workDir == null) {
        throw new IllegalStateException("OpenShiftCartridges needs a workDir");
      }
      return new OpenShiftCartridges(this);
    }
  }
}
