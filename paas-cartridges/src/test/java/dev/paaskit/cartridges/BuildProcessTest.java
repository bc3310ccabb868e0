package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.core.internal.container.ContainerCommand;
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

@Timeout(120)
class BuildProcessTest {
  /** Bounds a wait for what takes milliseconds unless the code under test is broken. */
  private static final Duration WAIT = Duration.ofSeconds(30);

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
  void aCommandOutlivingTheStagingTimeoutIsKilled() {
    StagingContext context = context(Duration.ofMillis(500));

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        BuildProcess.deadline(context), List.of("sh", "-c", "exec sleep 600"), Map.of()));

    assertTrue(e.getMessage().contains("did not finish within the staging timeout of PT0.5S"),
        e.getMessage());
    TestSupport.awaitTrue(
        () -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), WAIT,
        () -> "the command outlived its staging");
  }

  @Test
  void aCommandKilledAtTheTimeoutLeavesNoProcessAndItsOutputComesWithTheFailure()
      throws IOException {
    StagingContext context = context(Duration.ofMillis(500));
    // Killed only once it said it started, whatever the machine's speed.
    ContainerCommand.ExitWait timesOutOnceStarted = exit -> {
      TestSupport.awaitTrue(() -> log.contains("started"), WAIT, () -> "no 'started' in " + log);
      return false;
    };
    List<String> command = List.of("sh", "-c",
        "sleep 600 & echo $! > child; echo $$ > main; echo started; wait");

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        timesOutOnceStarted, command, Map.of(), "the command", List.of()));

    assertEquals("'the command' did not finish within the staging timeout of PT0.5S",
        e.getMessage());
    assertEquals(List.of("started"), e.output());
    List<Long> tree = List.of(pid("main"), pid("child"));
    TestSupport.awaitTrue(() -> tree.stream().noneMatch(TestSupport::live), WAIT,
        () -> "alive after the kill: " + tree.stream().filter(TestSupport::live).toList());
  }

  @Test
  void aMissingProgramFailsTheStagingClearly() {
    StagingContext context = context(Duration.ofSeconds(20));

    StagingException e = assertThrows(StagingException.class, () -> BuildProcess.run(context,
        BuildProcess.deadline(context), List.of("paaskit-no-such-program"), Map.of()));

    assertTrue(e.getMessage().contains("'paaskit-no-such-program' could not start"),
        e.getMessage());
  }

  private long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(build.resolve(file)).strip());
  }

  private StagingContext context(Duration timeout) {
    return TestSupport.context(build, temp.resolve("cache"), log, timeout);
  }
}
