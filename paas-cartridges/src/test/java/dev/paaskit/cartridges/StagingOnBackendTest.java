package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerSpec.Mount;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import dev.paaskit.core.internal.container.RecordingBackend;
import dev.paaskit.core.internal.container.RecordingBackend.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of a staging runs on the staging context's backend, each command a container with
 * the build folder as work folder, the cache folder writable, the cartridge's own files
 * read-only, the staging's limits and exactly the environment a build is given.
 */
@Timeout(30)
class StagingOnBackendTest {
  private static final ResourceLimits LIMITS = new ResourceLimits(300L << 20, 2L << 30, 1024);

  @TempDir Path tmp;
  private Path build;
  private Path cache;
  private final List<String> log = TestSupport.newLog();

  @BeforeEach
  void folders() throws IOException {
    build = Files.createDirectories(tmp.resolve("build"));
    cache = Files.createDirectories(tmp.resolve("cache"));
  }

  private StagingContext context(RecordingBackend backend, Duration timeout) {
    return new StagingContext("shop", build, cache, Map.of("COLOUR", "red"), log::add, timeout,
        Optional.of(backend), LIMITS);
  }

  private Buildpack buildpack() throws IOException {
    Path root = tmp.resolve("packs/fake");
    for (String script : List.of("bin/detect", "bin/compile", "bin/release")) {
      TestSupport.write(root.resolve(script), "#!/bin/sh\nexit 99\n");
      root.resolve(script).toFile().setExecutable(true);
    }
    return Buildpack.inFolder(root);
  }

  /** What a buildpack's scripts answer, by the script a container runs. */
  private static final Function<ContainerSpec, Run> FAKE_BUILDPACK = spec -> {
    if (spec.command().contains("bin/detect")) {
      return Run.exits(0, "Fake framework");
    }
    if (spec.command().contains("bin/compile")) {
      return Run.exits(0, "compiled");
    }
    return Run.exits(0, "---", "default_process_types:", "  web: ./serve");
  };

  private static Map<String, String> env(Map<String, String> added) {
    Map<String, String> env = new HashMap<>(BuildProcess.baseEnvironment());
    env.putAll(added);
    return env;
  }

  @Test
  void aBuildpacksScriptsRunAsContainersOfTheStagingsBackend() throws IOException {
    RecordingBackend backend = new RecordingBackend(FAKE_BUILDPACK);
    Buildpack pack = buildpack();
    Path root = pack.root();
    StagingContext context = context(backend, Duration.ofMinutes(1));

    Detection detection = pack.detect(context);
    StagingResult result = pack.stage(context);

    assertEquals(Detection.yes("Fake framework"), detection);
    assertEquals("./serve", result.command());
    assertTrue(log.contains("compiled"), log.toString());
    List<ContainerSpec> specs = backend.specs();
    assertEquals(3, specs.size(), backend.calls().toString());
    assertEquals(List.of("create #0", "start #0", "remove #0", "create #1", "start #1",
        "remove #1", "create #2", "start #2", "remove #2"), backend.callsByIndex());
    for (ContainerSpec spec : specs) {
      assertEquals(build, spec.workDir());
      assertEquals(LIMITS, spec.limits());
    }

    ContainerSpec detect = specs.get(0);
    assertEquals("exec '" + root + "/bin/detect' '" + build + "'", detect.command());
    assertEquals(env(Map.of()), detect.env(), "detection sees no app variable, as before");
    assertEquals(List.of(new Mount(root, false)), detect.mounts());

    ContainerSpec compile = specs.get(1);
    String start = "exec 2>&1\nexec '" + root + "/bin/compile' '" + build + "' '" + cache
        + "/buildpack' '" + cache + "/env-";
    assertTrue(compile.command().startsWith(start), compile.command());
    assertEquals(env(Map.of("COLOUR", "red", "TMPDIR", cache + "/tmp",
        "PYTHONDONTWRITEBYTECODE", "1")), compile.env());
    assertEquals(List.of(new Mount(cache, true), new Mount(root, false)), compile.mounts());

    ContainerSpec release = specs.get(2);
    assertEquals("exec '" + root + "/bin/release' '" + build + "'", release.command());
    assertEquals(env(Map.of("COLOUR", "red")), release.env());
    assertEquals(List.of(new Mount(root, false)), release.mounts());
  }

  @Test
  void pipAndNpmRunOnTheBackendWithTheCacheWritable() throws IOException {
    RecordingBackend backend = new RecordingBackend(spec -> Run.exits(0, "installed"));
    TestSupport.write(build.resolve("app.py"), "print('hi')\n");
    TestSupport.write(build.resolve("requirements.txt"), "flask\n");
    TestSupport.write(build.resolve("package.json"),
        "{\"scripts\": {\"start\": \"node s.js\"}, \"dependencies\": {\"left-pad\": \"1\"}}");

    new PythonCartridge().stage(context(backend, Duration.ofMinutes(1)));
    new NodeCartridge().stage(context(backend, Duration.ofMinutes(1)));

    List<ContainerSpec> specs = backend.specs();
    assertEquals(2, specs.size(), backend.calls().toString());
    ContainerSpec pip = specs.get(0);
    assertEquals("exec 2>&1\nexec 'python3' '-m' 'pip' 'install' '-r' 'requirements.txt' "
        + "'--target' '.paaskit/python'", pip.command());
    assertEquals(env(Map.of("COLOUR", "red", "TMPDIR", cache + "/tmp",
        "PYTHONDONTWRITEBYTECODE", "1", "PIP_CACHE_DIR", cache + "/pip",
        "PIP_DISABLE_PIP_VERSION_CHECK", "1", "PIP_NO_INPUT", "1")), pip.env());
    ContainerSpec npm = specs.get(1);
    assertEquals("exec 2>&1\nexec 'npm' 'install' '--omit=dev'", npm.command());
    assertEquals(cache + "/npm", npm.env().get("npm_config_cache"));
    for (ContainerSpec spec : specs) {
      assertEquals(build, spec.workDir());
      assertEquals(List.of(new Mount(cache, true)), spec.mounts());
      assertEquals(LIMITS, spec.limits());
    }
    assertEquals(List.of("create #0", "start #0", "remove #0", "create #1", "start #1",
        "remove #1"), backend.callsByIndex());
  }

  @Test
  void aCompileOutlivingTheStagingTimeoutIsStoppedAndRemoved() throws IOException {
    RecordingBackend backend = new RecordingBackend(spec -> Run.hangs("fetching the internet"));
    Buildpack pack = buildpack();

    StagingException e = assertThrows(StagingException.class,
        () -> pack.stage(context(backend, Duration.ZERO)));

    assertEquals("'bin/compile of buildpack fake' did not finish within the staging timeout of "
        + "PT0S", e.getMessage());
    assertEquals(List.of("fetching the internet"), e.output());
    assertEquals(List.of("create #0", "start #0", "stop #0 PT0S", "remove #0"),
        backend.callsByIndex());
    try (var left = Files.list(cache)) {
      assertEquals(List.of(cache.resolve(Buildpack.CACHE)), left.toList(),
          "the env folder and TMPDIR are removed after a timeout too");
    }
  }

  @Test
  void aDetectionOutlivingTheStagingTimeoutIsStoppedAndRemovedAndDetectsNothing()
      throws IOException {
    RecordingBackend backend = new RecordingBackend(spec -> Run.hangs());
    Buildpack pack = buildpack();

    Detection detection = pack.detect(context(backend, Duration.ZERO));

    assertEquals(false, detection.detected());
    assertTrue(detection.explanation().contains("did not finish in time"),
        detection.explanation());
    assertEquals(List.of("create #0", "start #0", "stop #0 PT0S", "remove #0"),
        backend.callsByIndex());
  }
}
