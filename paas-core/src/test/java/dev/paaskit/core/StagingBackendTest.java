package dev.paaskit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import dev.paaskit.core.internal.container.RecordingBackend;
import dev.paaskit.core.internal.container.RecordingBackend.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud's stagings run their code on the backend its builder was given: hooks as containers
 * of it, and cartridges get it, with the app's limits, in their staging context.
 */
@Timeout(30)
class StagingBackendTest {
  private static final long MEMORY = 1536L << 20;
  private static final long DISK = 6L << 30;

  @TempDir Path tmp;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<StagingContext> detected = new CopyOnWriteArrayList<>();
  private final List<StagingContext> staged = new CopyOnWriteArrayList<>();

  /** Detects every app, stages by running nothing; remembers the contexts it was given. */
  private final Cartridge cartridge = new Cartridge() {
    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public Detection detect(Path appDir) {
      throw new AssertionError("the stager detects with a staging context");
    }

    @Override
    public Detection detect(StagingContext context) {
      detected.add(context);
      return Detection.yes("anything");
    }

    @Override
    public StagingResult stage(StagingContext context) {
      staged.add(context);
      return new StagingResult("run", Map.of());
    }
  };

  private PaasCloud cloud(RecordingBackend backend, Duration stagingTimeout) throws Exception {
    return PaasKit.builder().workDir(tmp.resolve("cloud")).cartridges(() -> List.of(cartridge))
        .stagingBackend(context -> backend).stagingTimeout(stagingTimeout).build().start();
  }

  private Path app() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(dir.resolve("index.txt"), "hello");
    return dir;
  }

  private static AppSpec spec(Hooks hooks) {
    return AppSpec.builder("shop").memory(MEMORY / (1 << 20) + "M").disk("6G").env("COLOUR", "red")
        .hooks(hooks).build();
  }

  @Test
  void aSmallAppStagesWithTheMinimumStagingLimits() throws Exception {
    RecordingBackend backend = new RecordingBackend(s -> Run.exits(0, "hook says hi"));
    try (PaasCloud cloud = cloud(backend, Duration.ofMinutes(5))) {
      cloud.controller().push(AppSpec.builder("tiny").memory("64M").disk("128M")
          .hooks(new Hooks(List.of("echo pre"), List.of(), List.of())).build(), app(), log::add)
          .staged().get(20, TimeUnit.SECONDS);
    }
    assertEquals(new ResourceLimits(1L << 30, 4L << 30, 1024), backend.specs().get(0).limits(),
        "pip and npm get room that a 64M app would not give them");
  }

  @Test
  void hooksRunAsContainersInTheBuildFolderWithTheAppsEnvironmentAndLimits() throws Exception {
    RecordingBackend backend = new RecordingBackend(s -> Run.exits(0, "hook says hi"));
    try (PaasCloud cloud = cloud(backend, Duration.ofMinutes(5))) {
      cloud.controller().push(spec(new Hooks(List.of("echo pre"), List.of("echo post"),
          List.of())), app(), log::add).staged().get(20, TimeUnit.SECONDS);
    }

    ResourceLimits limits = new ResourceLimits(MEMORY, DISK, 1024);
    Path buildDir = detected.get(0).buildDir();
    Map<String, String> env = Map.of("PATH", Objects.requireNonNullElse(System.getenv("PATH"),
        "/usr/local/bin:/usr/bin:/bin"), "LANG", "C.UTF-8", "HOME", buildDir.toString(),
        "COLOUR", "red");
    List<ContainerSpec> specs = backend.specs();
    assertEquals(2, specs.size(), backend.calls().toString());
    for (int i = 0; i < 2; i++) {
      ContainerSpec hook = specs.get(i);
      assertEquals("exec 2>&1\necho " + (i == 0 ? "pre" : "post"), hook.command());
      assertEquals(buildDir, hook.workDir());
      assertEquals(env, hook.env());
      assertEquals(limits, hook.limits());
      assertEquals(List.of(), hook.mounts(), "a hook sees its build folder only");
    }
    assertEquals(List.of("create #0", "start #0", "remove #0", "create #1", "start #1",
        "remove #1", "close"), backend.callsByIndex());
    assertTrue(log.contains("hook says hi"), log.toString());

    for (StagingContext context : List.of(detected.get(0), staged.get(0))) {
      assertSame(backend, context.backend().orElseThrow());
      assertEquals(limits, context.limits());
      assertEquals(buildDir, context.buildDir());
    }
  }

  @Test
  void aHookOutlivingTheStagingTimeoutIsStoppedAndRemoved() throws Exception {
    RecordingBackend backend = new RecordingBackend(s -> Run.hangs("waiting for ever"));
    ExecutionException e;
    try (PaasCloud cloud = cloud(backend, Duration.ofNanos(1))) {
      e = assertThrows(ExecutionException.class, () -> cloud.controller().push(spec(
          new Hooks(List.of("sleep 600"), List.of(), List.of())), app(), log::add).staged()
          .get(20, TimeUnit.SECONDS));
    }

    StagingException failure = assertInstanceOf(StagingException.class, e.getCause());
    assertEquals("pre-staging hook 'sleep 600' did not finish before the staging timeout",
        failure.getMessage());
    assertEquals(List.of("waiting for ever"), failure.output());
    assertEquals(List.of("create #0", "start #0", "stop #0 PT0S", "remove #0", "close"),
        backend.callsByIndex());
    assertEquals(Optional.empty(), staged.stream().findAny(), "the cartridge never staged");
  }
}
