package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.StagingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BuildProcessTest {
  @TempDir Path temp;
  private Path build;
  private final List<String> log = TestSupport.newLog();

  @BeforeEach
  void createBuildDir() throws IOException {
    build = Files.createDirectory(temp.resolve("build"));
  }

  @Test
  void streamsOutputToTheLogInTheBuildFolderWithTheGivenEnvironment() throws IOException {
    StagingContext context = context(Duration.ofSeconds(20));

    BuildProcess.run(context, BuildProcess.deadline(context),
        List.of("sh", "-c", "pwd; echo \"$GREETING\" >&2; echo \"$TMPDIR\"; touch made-here"),
        Map.of("GREETING", "hello"));

    assertEquals(List.of("-----> sh -c pwd; echo \"$GREETING\" >&2; echo \"$TMPDIR\"; "
        + "touch made-here", build.toRealPath().toString(), "hello",
        temp.resolve("cache/tmp").toString()), log);
    assertTrue(Files.exists(build.resolve("made-here")));
    assertFalse(Files.exists(temp.resolve("cache/tmp")));
  }

  @Test
  void aFailingCommandCarriesItsLastFiftyLines() {
    StagingContext context = context(Duration.ofSeconds(20));

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        BuildProcess.deadline(context),
        List.of("sh", "-c", "i=1; while [ $i -le 60 ]; do echo line $i; i=$((i+1)); done; "
            + "exit 3"), Map.of()));

    assertTrue(e.getMessage().contains("failed with exit status 3"), e.getMessage());
    assertEquals(IntStream.rangeClosed(11, 60).mapToObj(i -> "line " + i).toList(), e.output());
    assertEquals(61, log.size());
  }

  @Test
  void aCommandOutlivingTheTimeoutIsKilled() throws IOException {
    StagingContext context = context(Duration.ofMillis(500));
    long start = System.nanoTime();

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        BuildProcess.deadline(context),
        List.of("sh", "-c", "echo started; echo $$ > pid; exec sleep 60"), Map.of()));

    assertTrue(e.getMessage().contains("did not finish within the staging timeout of PT0.5S"),
        e.getMessage());
    assertEquals(List.of("started"), e.output());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20);
    long pid = Long.parseLong(Files.readString(build.resolve("pid")).strip());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the command was killed");
  }

  @Test
  void aMissingProgramFailsTheStagingClearly() {
    StagingContext context = context(Duration.ofSeconds(20));

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        BuildProcess.deadline(context), List.of("paaskit-no-such-program"), Map.of()));

    assertTrue(e.getMessage().contains("'paaskit-no-such-program' could not start"),
        e.getMessage());
  }

  private StagingContext context(Duration timeout) {
    return TestSupport.context(build, temp.resolve("cache"), log, timeout);
  }
}
