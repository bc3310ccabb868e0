package dev.paaskit.cartridges;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Heroku-style buildpack folder as a cartridge: {@code bin/detect BUILD_DIR} says whether it
 * applies (exit status 0, its first line of output naming what it found), {@code bin/compile
 * BUILD_DIR CACHE_DIR ENV_DIR} builds, and the optional {@code bin/release BUILD_DIR} prints a
 * {@link BuildpackRelease}.
 *
 * <p>Staging follows Heroku's contract: the app's environment is written to {@code ENV_DIR} as
 * one file per variable (and, as Cloud Foundry does, also set in compile's own environment);
 * {@code CACHE_DIR} is {@code buildpack/} in the staging's cache folder, which the stager keeps
 * between stagings of one app; compile's output goes to the staging log line by line. The
 * start command is the app's {@code Procfile} {@code web}, else the release's {@code web}, else a
 * command that fails saying none was given (as Cloud Foundry's binary buildpack does).
 * {@code .profile.d/*.sh} files the build leaves are sourced before the command. The release's
 * {@code config_vars} become the droplet's environment, which the app's own variables override.
 *
 * <p>Each script runs as a short-lived container on the staging's backend (see
 * {@link BuildProcess}), the buildpack's folder mounted read-only; {@code bin/compile} also sees
 * the cache folder, writable. {@link #detect(Path)}, which has no staging, runs
 * {@code bin/detect} as a process of the server; a stager calls {@link #detect(StagingContext)}.
 */
final class Buildpack implements Cartridge {
  /** How long {@code bin/detect} may take. */
  static final Duration DETECT_TIMEOUT = Duration.ofSeconds(30);
  /** The cache folder's subfolder handed to compile as {@code CACHE_DIR}. */
  static final String CACHE = "buildpack";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final int MAX_DETECT_BYTES = 4096;
  private static final String PROFILE_D = ".profile.d";

  private final String name;
  private final Path root;
  private final Supplier<String> version;

  private Buildpack(String name, Path root, Supplier<String> version) {
    this.name = name;
    this.root = root;
    this.version = version;
  }

  /**
   * The buildpack in {@code root}, named after its folder, versioned by a hash of its files.
   *
   * @throws IllegalArgumentException naming the folder when its name cannot name a cartridge or
   *     a script is missing or not executable
   */
  static Buildpack inFolder(Path root) {
    String name = String.valueOf(root.getFileName());
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("buildpack folder " + root + ": '" + name
          + "' cannot name a cartridge; use letters, digits, '.', '_' or '-'");
    }
    return of(name, root, () -> treeVersion(root));
  }

  /**
   * The buildpack in {@code root} under {@code name}, with {@code version} computed on each call
   * of {@link #version()}.
   */
  static Buildpack of(String name, Path root, Supplier<String> version) {
    for (String script : List.of("bin/detect", "bin/compile")) {
      requireExecutable(root, script);
    }
    if (Files.exists(root.resolve("bin/release"))) {
      requireExecutable(root, "bin/release");
    }
    return new Buildpack(name, root.toAbsolutePath(), version);
  }

  private static void requireExecutable(Path root, String script) {
    Path file = root.resolve(script);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("buildpack folder " + root + " has no " + script
          + "; a buildpack needs bin/detect and bin/compile, and may have bin/release");
    }
    if (!Files.isExecutable(file)) {
      throw new IllegalArgumentException("buildpack " + file + " is not executable; chmod +x it");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version.get();
  }

  /** The buildpack's folder. */
  Path root() {
    return root;
  }

  @Override
  public Detection detect(Path appDir) throws IOException {
    return detect(new BuildProcess.Sandbox(Optional.empty(), "detect", appDir, List.of(root),
        StagingContext.DEFAULT_LIMITS), DETECT_TIMEOUT);
  }

  @Override
  public Detection detect(StagingContext context) throws IOException {
    Duration timeout = context.timeout().compareTo(DETECT_TIMEOUT) < 0 ? context.timeout()
        : DETECT_TIMEOUT;
    return detect(BuildProcess.Sandbox.of(context, List.of(root)), timeout);
  }

  private Detection detect(BuildProcess.Sandbox sandbox, Duration timeout) throws IOException {
    Path appDir = sandbox.workDir().toAbsolutePath();
    BuildProcess.Captured result;
    try {
      result = BuildProcess.capture(sandbox, List.of(script("bin/detect"), appDir.toString()),
          Map.of(), System.nanoTime() + timeout.toNanos(), MAX_DETECT_BYTES, line -> { });
    } catch (StagingException e) {
      return Detection.no(name + ": bin/detect failed (" + e.getMessage() + ")");
    }
    String said = result.stdout().lines().findFirst().orElse("").strip();
    if (result.exitStatus() == 0) {
      return Detection.yes(said.isEmpty() ? "bin/detect of buildpack " + name : said);
    }
    return Detection.no(name + ": what its bin/detect accepts (it answered exit status "
        + result.exitStatus() + (said.isEmpty() ? "" : ", '" + said + "'") + ")");
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    long deadline = BuildProcess.deadline(context);
    Path buildDir = context.buildDir();
    Path cache = Files.createDirectories(context.cacheDir().resolve(CACHE));
    Path envDir = Files.createTempDirectory(context.cacheDir(), "env-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      for (Map.Entry<String, String> variable : context.env().entrySet()) {
        Files.writeString(envDir.resolve(variable.getKey()), variable.getValue(),
            StandardCharsets.UTF_8);
      }
      BuildProcess.run(context, deadline, List.of(script("bin/compile"),
          buildDir.toAbsolutePath().toString(), cache.toAbsolutePath().toString(),
          envDir.toAbsolutePath().toString()), Map.of(), "bin/compile of buildpack " + name,
          List.of(root));
    } finally {
      Trees.deleteQuietly(envDir);
    }
    BuildpackRelease release = release(context, deadline);
    Optional<String> procfile = AppFiles.procfileWeb(buildDir);
    String web;
    if (procfile.isPresent()) {
      web = procfile.get();
    } else if (release.web().isPresent()) {
      web = release.web().get();
    } else {
      context.log().accept("warning: buildpack " + name + " gave no web process type and the "
          + "app has no Procfile; give the app a start command");
      web = ">&2 echo 'Error: no start command: buildpack " + name + " gave no web process type "
          + "and the app has no Procfile' && exit 1";
    }
    return new StagingResult(profileD(buildDir) + web, release.configVars());
  }

  private BuildpackRelease release(StagingContext context, long deadline) throws IOException {
    if (!Files.exists(root.resolve("bin/release"))) {
      return BuildpackRelease.empty();
    }
    BuildProcess.LastLines errors = new BuildProcess.LastLines();
    BuildProcess.Captured result = BuildProcess.capture(BuildProcess.Sandbox.of(context,
        List.of(root)), List.of(script("bin/release"),
        context.buildDir().toAbsolutePath().toString()), context.env(), deadline,
        BuildpackRelease.MAX_CHARS, errors.andThen(context.log()));
    if (result.exitStatus() != 0) {
      throw new StagingException("bin/release of buildpack " + name + " failed with exit status "
          + result.exitStatus(), lastLines(errors, result.stdout()));
    }
    try {
      return BuildpackRelease.parse(result.stdout());
    } catch (InvalidSpecException e) {
      throw new StagingException("buildpack " + name + ": " + e.getMessage(),
          lastLines(errors, result.stdout()), e);
    }
  }

  private static List<String> lastLines(BuildProcess.LastLines stderr, String stdout) {
    List<String> lines = new ArrayList<>(stderr.lines());
    stdout.lines().forEach(lines::add);
    return lines.subList(Math.max(0, lines.size() - BuildProcess.LAST_LINES), lines.size());
  }

  /** Sources the build's {@code .profile.d} scripts before the command, as Heroku does. */
  private static String profileD(Path buildDir) {
    if (!Files.isDirectory(buildDir.resolve(PROFILE_D))) {
      return "";
    }
    return "for f in " + PROFILE_D + "/*.sh; do [ -f \"$f\" ] && . \"./$f\"; done; ";
  }

  private String script(String relative) {
    return root.resolve(relative).toString();
  }

  /**
   * A hash of every file's path, mode and content below {@code root}, {@code .git} left out,
   * so that any change to the buildpack makes the stager stage again.
   */
  static String treeVersion(Path root) {
    Hasher hasher = Hashing.sha256().newHasher();
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> sorted = files.filter(p -> !root.relativize(p).startsWith(".git"))
          .filter(Files::isRegularFile).sorted().toList();
      for (Path file : sorted) {
        hasher.putString(root.relativize(file).toString(), StandardCharsets.UTF_8)
            .putBoolean(Files.isExecutable(file))
            .putBytes(com.google.common.io.Files.asByteSource(file.toFile()).hash(Hashing.sha256())
                .asBytes());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read buildpack " + root + ": " + e.getMessage(), e);
    }
    return "sha256-" + hasher.hash().toString().substring(0, 16);
  }
}
