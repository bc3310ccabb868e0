package dev.paaskit.cartridges;

import com.google.common.hash.Hashing;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Buildpacks named by a git URL, as Cloud Foundry's {@code buildpacks: [URL]} and Heroku's
 * buildpack URLs do: {@link #find} clones the repository with the {@code git} on the PATH
 * (shallow, {@code --depth 1}, bounded by a timeout) into a cache folder keyed by the URL, and
 * returns it as a buildpack named by the URL and versioned by its commit. A URL may end in
 * {@code #REF} to clone that branch or tag.
 *
 * <p>A URL is cloned once: later stagings reuse the clone, so a buildpack that changed upstream
 * is picked up under a new URL or ref (or after its folder in the cache is removed). Accepted
 * schemes are {@code https}, {@code http}, {@code ssh}, {@code git} and {@code user@host:path};
 * {@code file} only when allowed by {@link Builder#allowFileUrls}. It lists no cartridges, so it
 * never takes part in detection: a git buildpack is used only when an app names it.
 * Thread-safe; clones of one URL run one at a time.
 *
 * <p>{@code git} runs as a process of the server, with none of its variables but where tools
 * are: it fetches files and runs none of the repository's code. The buildpack's scripts run as
 * every buildpack's do, on the staging's container backend.
 *
 * <pre>{@code
 * CartridgeSource git = GitBuildpacks.builder().cacheDir(work.resolve("buildpacks-git")).build();
 * git.find("https://github.com/heroku/heroku-buildpack-ruby#v250");
 * }</pre>
 */
public final class GitBuildpacks implements CartridgeSource {
  private static final Pattern REMOTE = Pattern.compile(
      "(https?|ssh|git)://[^\\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+");
  private static final Pattern FILE = Pattern.compile("file://[^\\s]+");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._/-]*");
  private static final int MAX_OUTPUT = 64 * 1024;

  private final Path cacheDir;
  private final Duration timeout;
  private final boolean allowFileUrls;
  private final String git;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  private GitBuildpacks(Builder b) {
    this.cacheDir = b.cacheDir;
    this.timeout = b.timeout;
    this.allowFileUrls = b.allowFileUrls;
    this.git = b.git;
  }

  /**
   * A builder; {@link Builder#cacheDir} must be set before {@link Builder#build()}.
   *
   * @return a new builder with a 2-minute timeout, no {@code file} URLs and {@code git} from the
   *     PATH
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Always empty: git buildpacks are found by URL, never detected. */
  @Override
  public List<Cartridge> cartridges() {
    return List.of();
  }

  /**
   * The buildpack at the git URL {@code name}, cloned now unless an earlier call cloned it;
   * empty when {@code name} is not a git URL.
   *
   * <p>Blocks the caller for as long as git runs, up to the timeout for each git command, and
   * also while another thread clones the same URL.
   *
   * @throws StagingException with git's output when the clone fails or outlives the timeout,
   *     when the repository is not a buildpack, or for a {@code file} URL that is not allowed,
   *     or a ref after {@code #} that is not a branch or tag name
   * @throws java.io.UncheckedIOException when the cache folder cannot be written
   */
  @Override
  public Optional<Cartridge> find(String name) {
    boolean file = FILE.matcher(name).matches();
    if (!file && !REMOTE.matcher(name).matches()) {
      return Optional.empty();
    }
    if (file && !allowFileUrls) {
      throw new StagingException("buildpack " + name + ": file: URLs are not allowed on this "
          + "cloud; use an https URL or a buildpack the operator installed", List.of());
    }
    int hash = name.indexOf('#');
    String url = hash < 0 ? name : name.substring(0, hash);
    Optional<String> ref = hash < 0 ? Optional.empty() : Optional.of(name.substring(hash + 1));
    if (ref.isPresent() && !REF.matcher(ref.get()).matches()) {
      throw new StagingException("buildpack " + name + ": '" + ref.get() + "' is not a branch "
          + "or tag name", List.of());
    }
    Path dir = cacheDir.resolve(Hashing.sha256().hashString(name, StandardCharsets.UTF_8)
        .toString().substring(0, 24));
    try {
      synchronized (locks.computeIfAbsent(name, n -> new Object())) {
        if (!Files.isDirectory(dir)) {
          clone(name, url, ref, dir);
        }
        String commit = run(name, dir, List.of(git, "rev-parse", "HEAD")).strip();
        String version = "git-" + commit.substring(0, Math.min(12, commit.length()));
        return Optional.of(buildpack(name, dir, version));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("buildpack " + name + ": " + e.getMessage(), e);
    }
  }

  private void clone(String name, String url, Optional<String> ref, Path dir) throws IOException {
    Files.createDirectories(cacheDir);
    Path partial = Files.createTempDirectory(cacheDir, "clone-");
    try {
      List<String> command = new ArrayList<>(List.of(git, "clone", "--quiet", "--depth", "1"));
      ref.ifPresent(r -> command.addAll(List.of("--branch", r)));
      command.addAll(List.of("--", url, partial.toString()));
      run(name, cacheDir, command);
      buildpack(name, partial, "");
      // A temporary folder is its owner's alone; stagings run the buildpack as other users.
      Files.setPosixFilePermissions(partial,
          java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Trees.deleteQuietly(partial);
    }
  }

  private static Buildpack buildpack(String name, Path dir, String version) {
    try {
      return Buildpack.of(name, dir, () -> version);
    } catch (IllegalArgumentException e) {
      throw new StagingException("the repository " + name + " is not a buildpack: "
          + e.getMessage().replace("buildpack folder " + dir, "it").replace(dir.toString(), "it"),
          List.of(), e);
    }
  }

  private String run(String name, Path dir, List<String> command) throws IOException {
    BuildProcess.LastLines errors = new BuildProcess.LastLines();
    BuildProcess.Captured result;
    try {
      result = BuildProcess.capture(BuildProcess.Sandbox.host(dir), command, Map.of(
              "GIT_TERMINAL_PROMPT", "0",
              "GIT_SSH_COMMAND", "ssh -o BatchMode=yes",
              "GIT_ALLOW_PROTOCOL", allowFileUrls ? "https:http:ssh:git:file" : "https:http:ssh:git"),
          System.nanoTime() + timeout.toNanos(), MAX_OUTPUT, errors);
    } catch (StagingException e) {
      throw new StagingException("buildpack " + name + ": git " + command.get(1) + " failed: "
          + e.getMessage() + " (timeout " + timeout + ")", errors.lines(), e);
    }
    if (result.exitStatus() != 0) {
      throw new StagingException("buildpack " + name + ": git " + command.get(1)
          + " failed with exit status " + result.exitStatus(), errors.lines());
    }
    return result.stdout();
  }

  /** Not thread-safe; build once. Setting an option twice is an error. */
  public static final class Builder {
    private final Set<String> set = new HashSet<>();
    private Path cacheDir;
    private Duration timeout = Duration.ofMinutes(2);
    private boolean allowFileUrls;
    private String git = "git";

    private Builder() {
    }

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Sets where clones are kept, one folder per URL (and ref); required. Created at the first
     * clone if missing. Clones already there are reused, also by a new source after a restart.
     *
     * @param cacheDir a folder only this source writes to
     * @return this builder
     * @throws IllegalStateException if the folder was set before
     * @throws NullPointerException if {@code cacheDir} is null
     */
    public Builder cacheDir(Path cacheDir) {
      once("cacheDir");
      this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
      return this;
    }

    /**
     * Sets how long one git command (the clone, or reading the commit) may take before it is
     * killed and the staging fails; default 2 minutes.
     *
     * @param timeout more than zero, measured on the system's monotonic clock
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if the timeout was set before
     */
    public Builder timeout(Duration timeout) {
      once("timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets whether {@code file://} URLs, which read the server's own folders, may be cloned;
     * refused by default. Allow them only where every app owner may read the server's disk.
     *
     * @param allow true to clone {@code file://} URLs, false to fail their stagings
     * @return this builder
     * @throws IllegalStateException if this was set before
     */
    public Builder allowFileUrls(boolean allow) {
      once("allowFileUrls");
      this.allowFileUrls = allow;
      return this;
    }

    /**
     * Sets the git executable; default {@code git} on the PATH.
     *
     * @param executable a path to git, or a name looked up on the PATH; not checked until the
     *     first clone
     * @return this builder
     * @throws IllegalStateException if the executable was set before
     * @throws NullPointerException if {@code executable} is null
     */
    public Builder git(String executable) {
      once("git");
      this.git = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /**
     * Builds the source; nothing is cloned or created on disk until {@link GitBuildpacks#find}.
     *
     * @return a source with the options set so far
     * @throws IllegalStateException when no cache folder was given
     */
    public GitBuildpacks build() {
      if (cacheDir == null) {
        throw new IllegalStateException("cacheDir is required");
      }
      return new GitBuildpacks(this);
    }
  }
}
