package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class BuildpackTest {
  /** Detects apps with a hello.txt, says "Hello". */
  static final String DETECT = "#!/bin/sh\n[ -f \"$1/hello.txt\" ] || exit 1\necho Hello\n";
  /** Prints what it sees, keeps a counter in CACHE_DIR, copies the app's GREETING into the build. */
  static final String COMPILE = "#!/bin/sh\nset -e\n"
      + "echo \"compiling in $(pwd)\"\n"
      + "if [ -f \"$2/count\" ]; then echo \"cache has $(cat \"$2/count\")\"; else echo 'cache empty'; fi\n"
      + "echo $(( $(cat \"$2/count\" 2>/dev/null || echo 0) + 1 )) > \"$2/count\"\n"
      + "echo \"env dir says GREETING=$(cat \"$3/GREETING\")\" >&2\n"
      + "cp \"$3/GREETING\" \"$1/greeting\"\n"
      + "mkdir -p \"$1/.profile.d\"\necho 'export FROM_PROFILE=yes' > \"$1/.profile.d/hello.sh\"\n";
  static final String RELEASE = "#!/bin/sh\ncat <<'YAML'\n---\nconfig_vars:\n  MODE: yes\n"
      + "default_process_types:\n  web: ./serve --port $PORT\nYAML\n";

  @TempDir Path temp;
  private Path app;
  private Path cache;
  private final List<String> log = TestSupport.newLog();

  @BeforeEach
  void createApp() throws IOException {
    app = TestSupport.write(temp.resolve("app/hello.txt"), "hi\n").getParent();
    cache = Files.createDirectories(temp.resolve("cache"));
  }

  /** A buildpack folder {@code parent/name} with the given scripts; a null script is left out. */
  static Path buildpack(Path parent, String name, String detect, String compile, String release)
      throws IOException {
    Path root = parent.resolve(name);
    script(root.resolve("bin/detect"), detect);
    script(root.resolve("bin/compile"), compile);
    script(root.resolve("bin/release"), release);
    return root;
  }

  private static void script(Path file, String text) throws IOException {
    if (text != null) {
      TestSupport.write(file, text);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private StagingContext context(Duration timeout) {
    return new StagingContext("app", app, cache, Map.of("GREETING", "howdy partner"), log::add,
        timeout);
  }

  private Buildpack hello() throws IOException {
    return Buildpack.inFolder(buildpack(temp.resolve("packs"), "hello-bp", DETECT, COMPILE, RELEASE));
  }

  @Test
  void detectsByExitStatusAndTellsWhatItFoundOrWhatItSaid() throws IOException {
    Buildpack pack = hello();

    assertEquals(Detection.yes("Hello"), pack.detect(app));
    Path other = Files.createDirectories(temp.resolve("other"));
    Detection no = pack.detect(other);
    assertFalse(no.detected());
    assertTrue(no.explanation().startsWith("hello-bp: ") && no.explanation().contains("exit status 1"),
        no.explanation());
    assertEquals("hello-bp", pack.name());
  }

  @Test
  void compileGetsTheEnvironmentAsFilesStreamsItsOutputAndReleaseGivesCommandAndEnv()
      throws IOException {
    StagingResult result = hello().stage(context(Duration.ofSeconds(20)));

    assertEquals("for f in .profile.d/*.sh; do [ -f \"$f\" ] && . \"./$f\"; done; "
        + "./serve --port $PORT", result.command());
    assertEquals(Map.of("MODE", "yes"), result.env());
    assertEquals("howdy partner", Files.readString(app.resolve("greeting")));
    assertTrue(log.contains("compiling in " + app.toRealPath()), log.toString());
    assertTrue(log.contains("cache empty"), log.toString());
    assertTrue(log.contains("env dir says GREETING=howdy partner"), log.toString());
    assertEquals(0, log.indexOf("-----> bin/compile of buildpack hello-bp"), log.toString());
    try (Stream<Path> left = Files.list(cache)) {
      assertEquals(List.of(cache.resolve(Buildpack.CACHE)), left.toList(),
          "ENV_DIR and TMPDIR are removed after staging");
    }
  }

  @Test
  void theCacheFolderCarriesOverToTheNextStaging() throws IOException {
    hello().stage(context(Duration.ofSeconds(20)));
    log.clear();

    hello().stage(context(Duration.ofSeconds(20)));

    assertTrue(log.contains("cache has 1"), log.toString());
  }

  @Test
  void theProfileDCommandSourcesTheBuildsScriptsInAShell() throws Exception {
    StagingResult result = Buildpack.inFolder(buildpack(temp.resolve("packs"), "env-bp", DETECT,
        COMPILE, "#!/bin/sh\necho 'default_process_types: {web: echo \"profile says $FROM_PROFILE\"}'\n"))
        .stage(context(Duration.ofSeconds(20)));

    Process shell = new ProcessBuilder("/bin/sh", "-c", result.command()).directory(app.toFile())
        .redirectErrorStream(true).start();
    assertTrue(shell.waitFor(10, TimeUnit.SECONDS));
    assertEquals("profile says yes", new String(shell.getInputStream().readAllBytes()).strip());
  }

  @Test
  void aProcfileWinsOverTheReleaseAndNoWebAtAllGivesACommandThatFailsSayingSo()
      throws IOException {
    TestSupport.write(app.resolve("Procfile"), "web: ./mine\n");
    Buildpack pack = Buildpack.inFolder(buildpack(temp.resolve("packs"), "plain", DETECT,
        "#!/bin/sh\nexit 0\n", "#!/bin/sh\necho '--- {}'\n"));
    assertEquals("./mine", pack.stage(context(Duration.ofSeconds(20))).command());

    Files.delete(app.resolve("Procfile"));
    StagingResult none = pack.stage(context(Duration.ofSeconds(20)));
    assertTrue(none.command().endsWith("&& exit 1"), none.command());
    assertTrue(log.stream().anyMatch(l -> l.startsWith("warning: buildpack plain gave no web")), log.toString());
    assertEquals(Map.of(), none.env());
  }

  @Test
  void withoutBinReleaseTheProcfileGivesTheCommand() throws IOException {
    TestSupport.write(app.resolve("Procfile"), "web: ./mine\n");
    Buildpack pack = Buildpack.inFolder(buildpack(temp.resolve("packs"), "norelease", DETECT,
        "#!/bin/sh\nexit 0\n", null));

    assertEquals(new StagingResult("./mine", Map.of()), pack.stage(context(Duration.ofSeconds(20))));
  }

  @Test
  void aFailingCompileFailsTheStagingWithItsOutput() throws IOException {
    Buildpack pack = Buildpack.inFolder(buildpack(temp.resolve("packs"), "broken", DETECT,
        "#!/bin/sh\necho 'fetching runtime'\necho 'runtime 9.9 not found' >&2\nexit 3\n", RELEASE));

    StagingException e = assertThrows(StagingException.class,
        () -> pack.stage(context(Duration.ofSeconds(20))));

    assertEquals("'bin/compile of buildpack broken' failed with exit status 3", e.getMessage());
    assertEquals(List.of("fetching runtime", "runtime 9.9 not found"), e.output());
    assertTrue(log.contains("runtime 9.9 not found"), log.toString());
  }

  @Test
  void aHungCompileIsKilledWithItsChildrenAtTheStagingTimeout() throws Exception {
    // A child no other test or engineer's run starts: 600 s plus a fraction naming this JVM.
    List<String> child = List.of("sleep", "600", "0." + ProcessHandle.current().pid());
    Buildpack pack = Buildpack.inFolder(buildpack(temp.resolve("packs"), "hung", DETECT,
        "#!/bin/sh\n" + String.join(" ", child) + " &\nwait\n", RELEASE));

    StagingException e = assertThrows(StagingException.class,
        () -> pack.stage(context(Duration.ofSeconds(2))));

    assertEquals("'bin/compile of buildpack hung' did not finish within the staging timeout of "
        + "PT2S", e.getMessage());
    // Whether the compile got as far as its child before the timeout depends on the machine's
    // speed, so this holds either way; BuildProcessTest kills a tree it knows started.
    TestSupport.awaitTrue(() -> TestSupport.running(child).isEmpty(), Duration.ofSeconds(30),
        () -> "the compile's child outlived the staging: " + TestSupport.running(child));
  }

  @Test
  void aMalformedOrFailingReleaseFailsTheStagingNamingTheBuildpack() throws IOException {
    Buildpack malformed = Buildpack.inFolder(buildpack(temp.resolve("packs"), "badyaml", DETECT,
        "#!/bin/sh\nexit 0\n", "#!/bin/sh\necho 'default_process_types: [web]'\n"));
    StagingException e = assertThrows(StagingException.class,
        () -> malformed.stage(context(Duration.ofSeconds(20))));
    assertTrue(e.getMessage().startsWith("buildpack badyaml: invalid default_process_types"),
        e.getMessage());
    assertEquals(List.of("default_process_types: [web]"), e.output());

    Buildpack failing = Buildpack.inFolder(buildpack(temp.resolve("packs"), "badexit", DETECT,
        "#!/bin/sh\nexit 0\n", "#!/bin/sh\necho 'no release today' >&2\nexit 4\n"));
    StagingException f = assertThrows(StagingException.class,
        () -> failing.stage(context(Duration.ofSeconds(20))));
    assertEquals("bin/release of buildpack badexit failed with exit status 4", f.getMessage());
    assertEquals(List.of("no release today"), f.output());
  }

  @Test
  void aReleaseThatPrintsTooMuchIsRefused() throws IOException {
    Buildpack chatty = Buildpack.inFolder(buildpack(temp.resolve("packs"), "chatty", DETECT,
        "#!/bin/sh\nexit 0\n", "#!/bin/sh\nhead -c 70000 /dev/zero | tr '\\0' x\n"));
    StagingException e = assertThrows(StagingException.class,
        () -> chatty.stage(context(Duration.ofSeconds(20))));
    assertTrue(e.getMessage().endsWith("printed more than " + BuildpackRelease.MAX_CHARS + " bytes"),
        e.getMessage());
  }

  @Test
  void aFolderThatIsNotABuildpackIsRefusedNamingWhatIsMissing() throws IOException {
    Path noCompile = buildpack(temp.resolve("packs"), "nocompile", DETECT, null, null);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Buildpack.inFolder(noCompile));
    assertTrue(missing.getMessage().contains("has no bin/compile"), missing.getMessage());

    Path notExecutable = buildpack(temp.resolve("packs"), "plainfile", DETECT, COMPILE, null);
    Files.setPosixFilePermissions(notExecutable.resolve("bin/compile"),
        PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
        () -> Buildpack.inFolder(notExecutable));
    assertTrue(mode.getMessage().contains("is not executable; chmod +x"), mode.getMessage());

    Path badName = buildpack(temp.resolve("packs"), "has space", DETECT, COMPILE, null);
    assertThrows(IllegalArgumentException.class, () -> Buildpack.inFolder(badName));
  }

  @Test
  void theVersionFollowsTheFilesAndIgnoresGit() throws IOException {
    Buildpack pack = hello();
    String before = pack.version();
    TestSupport.write(pack.root().resolve(".git/HEAD"), "ref: refs/heads/main\n");
    assertEquals(before, pack.version());

    TestSupport.write(pack.root().resolve("lib/helper.sh"), "echo help\n");
    assertNotEquals(before, pack.version());
    assertEquals(Optional.of(pack.version()), Optional.of(hello().version()));
  }
}
