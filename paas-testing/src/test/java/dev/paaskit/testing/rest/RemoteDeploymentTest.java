package dev.paaskit.testing.rest;

import static dev.paaskit.testing.rest.RestCloud.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentFailedException.Reason;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.api.StagingException;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.StubCartridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link Deployment} of a {@link RemoteController}: the server waits for the very change the
 * client made, and the outcome crosses the wire whole.
 */
@Timeout(60)
class RemoteDeploymentTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private RestCloud rc;
  private RemoteController remote;

  @BeforeEach
  void start() throws Exception {
    rc = new RestCloud(tmp);
    remote = rc.remote;
  }

  @AfterEach
  void stop() {
    rc.close();
  }

  private Deployment push(String name, int instances) throws Exception {
    return remote.push(spec(name, instances).build(), StubCartridge.appFolder(tmp, name),
        l -> { });
  }

  private static DeploymentFailedException failure(Deployment deployment, Duration timeout) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> deployment.running(timeout).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS));
    return assertInstanceOf(DeploymentFailedException.class, e.getCause());
  }

  @Test
  void aPushCompletesOnceItsInstancesRunAndReportsThem() throws Exception {
    Deployment push = push("two", 2);
    DeploymentStatus status = push.running(WAIT).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    assertTrue(status.complete());
    assertEquals(2, status.running());
    assertEquals(2, rc.running("two"), "running as the server reports it too");
    long generation = remote.get("two").generation();
    assertTrue(generation > 0);
    assertEquals(generation, status.generation());
    assertTrue(status.current().stream().allMatch(i -> i.generation() == generation
        && i.port() > 0), status.current().toString());
    assertEquals(status.generation(), push.status().orElseThrow().generation());

    RestCloud.Answer raw = rc.get("/v1/apps/two/rollout");
    assertEquals(200, raw.status());
    assertTrue(raw.body().contains("\"running\":2,\"complete\":true,\"summary\":\"2 of 2 RUNNING\""),
        raw.body());
  }

  @Test
  void aCrashFailsTheWaitWithTheExitCodeAndTheLastOutputMasked() throws Exception {
    Deployment push = remote.push(spec("crashy", 1).command("crash 3")
            .secretEnv("PHRASE", Secret.of("crashing with")).build(),
        StubCartridge.appFolder(tmp, "crashy"), l -> { });
    DeploymentFailedException failed = failure(push, WAIT);
    assertEquals(Reason.CRASHED, failed.reason());
    assertEquals(0, failed.index().orElseThrow());
    CrashInfo crash = failed.crash().orElseThrow();
    assertEquals(3, crash.exitCode());
    assertTrue(crash.lastOutput().contains("****** exit code 3"), crash.lastOutput().toString());
    assertFalse(failed.getMessage().contains("crashing with"), failed.getMessage());
    InstanceStatus instance = failed.instance().orElseThrow();
    assertTrue(instance.nodeId().equals("n1") || instance.nodeId().equals("n2"));
    assertEquals(failed.status().generation(), instance.generation());
  }

  @Test
  void noNodeFitsFailsTheWaitWithTheCounts() throws Exception {
    Deployment push = remote.push(spec("huge", 1).memory("2G").build(),
        StubCartridge.appFolder(tmp, "huge"), l -> { });
    push.staged().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    // Said once, before the wait: the server waits on the push's own deployment, which heard it.
    RestCloud.eventually(() -> remote.events("huge").stream()
        .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED), () -> "the placement failure");
    DeploymentFailedException failed = failure(push, Duration.ofSeconds(5));
    assertEquals(Reason.NOT_PLACED, failed.reason());
    assertEquals(Map.of("short of memory", 2), failed.rejections());
    assertEquals("cannot place instance 0 of huge: no node fits: 2 short of memory",
        failed.getMessage());
  }

  @Test
  void theTimeoutRunsOnTheServerAndNamesWhatItSaw() throws Exception {
    // The fake backend answers no HTTP: the instance stays STARTING until its start timeout.
    Deployment push = remote.push(spec("mute", 1).healthCheck(HealthCheck.http("/")
            .withStartTimeout(Duration.ofSeconds(60))).build(),
        StubCartridge.appFolder(tmp, "mute"), l -> { });
    DeploymentFailedException failed = failure(push, Duration.ofMillis(500));
    assertEquals(Reason.TIMED_OUT, failed.reason());
    assertTrue(failed.getMessage().matches(
        "mute not running after 500 ms: 0 of 1 RUNNING; index 0 STARTING on n[12]"),
        failed.getMessage());
  }

  @Test
  void aScaleWaitsOnTheServerToo() throws Exception {
    push("life", 1).running(WAIT).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    Deployment scaled = remote.scale("life", 3);
    assertEquals(3, scaled.staged().join().spec().instances());
    assertEquals(3, scaled.running(WAIT).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS).running());
    Deployment down = remote.scale("life", 1);
    DeploymentStatus after = down.running(WAIT).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    assertEquals(1, after.running());
    assertEquals(1, rc.running("life"));
  }

  @Test
  void aStagingFailureFailsTheWaitWithTheStagingException() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mystery"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Deployment push = remote.push(spec("mystery", 1).build(), dir, l -> { });
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> push.running(WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertInstanceOf(StagingException.class, e.getCause());
    assertTrue(push.status().isEmpty());
  }

  @Test
  void aWaitOnAGenerationTheAppLeftBehindFailsAsSuperseded() throws Exception {
    push("moving", 1).running(WAIT).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    long first = remote.get("moving").generation();
    remote.restart("moving");
    RestCloud.Answer old = rc.get("/v1/apps/moving/rollout?wait=true&generation=" + first);
    assertEquals(200, old.status());
    assertTrue(old.body().contains("\"code\":\"deployment_failed\"")
        && old.body().contains("\"reason\":\"SUPERSEDED\""), old.body());
    RestCloud.Answer future = rc.get("/v1/apps/moving/rollout?generation=" + (first + 5));
    assertEquals(409, future.status(), future.body());

    // A deployment id the server no longer keeps: the app as it is.
    RestCloud.Answer unknown = rc.get("/v1/apps/moving/rollout?deployment=gone");
    assertEquals(200, unknown.status());
    assertTrue(unknown.body().contains("\"generation\":" + (first + 1)), unknown.body());
    assertTrue(remote.deployment("moving").running(WAIT).get(WAIT.toSeconds() * 2,
        TimeUnit.SECONDS).complete());
  }

  @Test
  void theTimeoutIsCheckedBeforeAnythingIsSent() throws Exception {
    Deployment push = push("checked", 1);
    assertThrows(IllegalArgumentException.class, () -> push.running(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> push.running(Duration.ofDays(2)));
    assertThrows(NotFoundException.class, () -> remote.deployment("unknown-app"));
  }
}
