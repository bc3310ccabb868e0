package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentFailedException.Reason;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.StagingException;
import dev.paaskit.core.internal.protocol.Subjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Deployment} a push or scale returns, on virtual time: it completes when, and only
 * when, every wanted instance of its generation runs, and fails saying why it will not.
 */
@PaasTest(nodes = 3)
@Timeout(30)
class DeploymentTest {
  private static final Duration WAIT = Duration.ofMinutes(10);

  private static AppSpec.Builder spec(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("128M").disk("128M");
  }

  /** One instance per node, so each node's delay decides when its instance runs. */
  private static AppSpec.Builder spread(String name, int instances) {
    return spec(name, instances).placement(PlacementConstraints.none().withMaxPerNode(1));
  }

  /**
   * Lets the cloud run until {@code running} fails, and checks it failed as soon as it could,
   * not when its timeout of {@link #WAIT} passed.
   */
  private static DeploymentFailedException failure(TestCloud cloud,
      CompletableFuture<DeploymentStatus> running) {
    Duration start = cloud.clock().elapsed();
    DeploymentFailedException failed = assertThrows(DeploymentFailedException.class,
        () -> cloud.await(running, "the wait"));
    if (failed.reason() != Reason.TIMED_OUT) {
      assertBeforeTimeout(cloud, start);
    }
    return failed;
  }

  /** Lets the cloud run until {@code running} completes, before its timeout of {@link #WAIT}. */
  private static DeploymentStatus done(TestCloud cloud,
      CompletableFuture<DeploymentStatus> running) {
    Duration start = cloud.clock().elapsed();
    DeploymentStatus status = cloud.await(running, "the wait");
    assertBeforeTimeout(cloud, start);
    return status;
  }

  /** Each wait here settles on what it hears, a minute at most after the fact. */
  private static void assertBeforeTimeout(TestCloud cloud, Duration start) {
    Duration took = cloud.clock().elapsed().minus(start);
    assertTrue(took.compareTo(WAIT.minusMinutes(1)) < 0, "settled by what it heard, not by its "
        + "timeout: after " + took.toSeconds() + " s");
  }

  private static long runningAtAll(DeploymentStatus status) {
    return status.current().stream().filter(i -> i.state() == InstanceState.RUNNING).count()
        + status.others().stream().filter(i -> i.state() == InstanceState.RUNNING).count();
  }

  @Test
  void completesOnlyOnceTheLastInstanceRuns(TestCloud cloud) {
    cloud.slowDropletDownloads("n2", Duration.ofSeconds(10));
    cloud.slowDropletDownloads("n3", Duration.ofSeconds(20));
    Deployment push = cloud.deploy(spread("web", 3).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(WAIT);
    cloud.settle();
    assertFalse(running.isDone(), "n2 and n3 are still fetching: " + cloud.describe("web"));
    assertEquals(1, push.status().orElseThrow().running());

    int seconds = 0;
    while (!running.isDone() && seconds < 60) {
      cloud.advance(Duration.ofSeconds(1));
      seconds++;
      if (!running.isDone()) {
        assertTrue(cloud.instances("web", InstanceState.RUNNING).size() < 3,
            "done as soon as the third runs, not later: " + cloud.describe("web"));
      }
    }
    assertTrue(seconds >= 20 && seconds <= 21, "done when n3's instance ran, at " + seconds
        + " s");
    DeploymentStatus done = done(cloud, running);
    assertTrue(done.complete());
    assertEquals(3, done.running());
    assertEquals(Set.of("n1", "n2", "n3"), done.current().stream().map(InstanceStatus::nodeId)
        .collect(Collectors.toSet()));
    assertEquals(cloud.controller().get("web").generation(), done.generation());
  }

  @Test
  void anInstanceThatCrashesOnStartFailsItWithItsExitCodeAndLastLines(TestCloud cloud) {
    Deployment push = cloud.deploy(spec("crashy", 2).command("crash 3").build());
    DeploymentFailedException failed = failure(cloud, push.running(WAIT));
    assertEquals(Reason.CRASHED, failed.reason());
    CrashInfo crash = failed.crash().orElseThrow();
    assertEquals(3, crash.exitCode());
    assertFalse(crash.memoryLimitExceeded());
    assertTrue(crash.lastOutput().contains("crashing with exit code 3"), crash.lastOutput()
        .toString());
    int index = failed.index().orElseThrow();
    assertTrue(index == 0 || index == 1, "index " + index);
    assertTrue(failed.getMessage().startsWith("instance " + index + " of crashy crashed on n"),
        failed.getMessage());
    assertTrue(failed.getMessage().contains("exited with code 3; last output:\n"),
        failed.getMessage());
    assertTrue(failed.getMessage().contains("\n  crashing with exit code 3"), failed.getMessage());
    assertEquals("deployment_failed", failed.code());
  }

  @Test
  void aCrashFailureMasksTheAppsSecretsInWhatItQuotes(TestCloud cloud) {
    // The fake app prints "crashing with exit code 3": a secret of that text must not show.
    Deployment push = cloud.deploy(spec("leaky", 1).command("crash 3")
        .secretEnv("TOKEN", dev.paaskit.api.Secret.of("crashing with")).build());
    DeploymentFailedException failed = failure(cloud, push.running(WAIT));
    assertEquals(Reason.CRASHED, failed.reason());
    assertFalse(failed.getMessage().contains("crashing with"), failed.getMessage());
    assertTrue(failed.getMessage().contains("\n  ****** exit code 3"), failed.getMessage());
    assertTrue(failed.crash().orElseThrow().lastOutput().contains("****** exit code 3"),
        failed.crash().orElseThrow().lastOutput()::toString);
  }

  @Test
  void anInstanceKilledForMemoryBeforeTheRestRunFailsIt(TestCloud cloud) {
    cloud.slowDropletDownloads("n3", Duration.ofSeconds(30));
    Deployment push = cloud.deploy(spread("hungry", 3).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(WAIT);
    cloud.settle();
    InstanceStatus first = cloud.instances("hungry", InstanceState.RUNNING).get(0);
    cloud.killForMemory("hungry", first.index());
    DeploymentFailedException failed = failure(cloud, running);
    assertEquals(Reason.CRASHED, failed.reason());
    assertEquals(first.index(), failed.index().orElseThrow());
    assertEquals(first.nodeId(), failed.instance().orElseThrow().nodeId());
    CrashInfo crash = failed.crash().orElseThrow();
    assertTrue(crash.memoryLimitExceeded());
    assertEquals(137, crash.exitCode());
    assertEquals(9, crash.signal());
  }

  @Test
  void aHealthCheckThatNeverPassesFailsItWithTheNodesReason(TestCloud cloud) {
    cloud.failHealthChecks("sick", true);
    Deployment push = cloud.deploy(spec("sick", 1)
        .healthCheck(HealthCheck.port().withStartTimeout(Duration.ofSeconds(20))).build());
    DeploymentFailedException failed = failure(cloud, push.running(WAIT));
    assertEquals(Reason.CRASHED, failed.reason());
    CrashInfo crash = failed.crash().orElseThrow();
    assertEquals(-1, crash.exitCode());
    assertTrue(crash.reason().contains("health check"), crash.reason());
  }

  @Test
  void noNodeFitsFailsItWithTheCountOfEachReason(TestCloud cloud) {
    Deployment push = cloud.deploy(spec("huge", 1).memory("8G").build());
    cloud.await(push.staged(), "the push");
    // The health manager has already said so, once: a wait begun afterwards still hears it.
    cloud.settle();
    DeploymentFailedException failed = failure(cloud, push.running(WAIT));
    assertEquals(Reason.NOT_PLACED, failed.reason());
    assertEquals(0, failed.index().orElseThrow());
    assertEquals(Map.of("short of memory", 3), failed.rejections());
    assertEquals("cannot place instance 0 of huge: no node fits: 3 short of memory",
        failed.getMessage());
    assertEquals("0 of 1 RUNNING; index 0 not placed yet", failed.status().describe());
  }

  @Test
  void aWaitUnderWayEndsWhenTheCloudCloses(TestCloud cloud) throws Exception {
    cloud.slowDropletDownloads("n1", Duration.ofHours(2));
    cloud.slowDropletDownloads("n2", Duration.ofHours(2));
    cloud.slowDropletDownloads("n3", Duration.ofHours(2));
    Deployment push = cloud.deploy(spec("late", 1).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(WAIT);
    cloud.settle();
    assertFalse(running.isDone(), "the droplet is still on its way");
    cloud.close();
    java.util.concurrent.ExecutionException e = assertThrows(
        java.util.concurrent.ExecutionException.class,
        () -> running.get(10, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals("the cloud closed before late ran", e.getCause().getMessage());
  }

  @Test
  void aNewGenerationThatFitsNoNodeTheSameWayIsToldToo(TestCloud cloud) {
    Deployment first = cloud.deploy(spec("huge", 1).memory("8G").build());
    assertEquals(Reason.NOT_PLACED, failure(cloud, first.running(WAIT)).reason());
    Deployment second = cloud.deploy(spec("huge", 1).memory("8G").env("V", "2").build());
    DeploymentFailedException failed = failure(cloud, second.running(WAIT));
    assertEquals(Reason.NOT_PLACED, failed.reason(), failed.getMessage());
    assertEquals(Map.of("short of memory", 3), failed.rejections());
  }

  @Test
  void anInstanceThatNoNodeCanTakeOnceTheWaitBeganFailsIt(TestCloud cloud) {
    cloud.slowDropletDownloads("n3", Duration.ofSeconds(30));
    Deployment push = cloud.deploy(spec("wide", 3).memory("3G").build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(WAIT);
    cloud.settle();
    assertFalse(running.isDone(), "n3 is still fetching");
    InstanceStatus lost = cloud.instances("wide", InstanceState.RUNNING).get(0);
    cloud.killNode(lost.nodeId());
    DeploymentFailedException failed = failure(cloud, running);
    assertEquals(Reason.NOT_PLACED, failed.reason());
    assertEquals(lost.index(), failed.index().orElseThrow());
    assertEquals(2, failed.rejections().get("short of memory"), failed.rejections().toString());
  }

  @Test
  void aTimeoutNamesWhatItSaw(TestCloud cloud) {
    cloud.slowDropletDownloads("n3", Duration.ofHours(2));
    Deployment push = cloud.deploy(spread("slow", 3).build());
    DeploymentFailedException failed = failure(cloud, push.running(Duration.ofMinutes(2)));
    assertEquals(Reason.TIMED_OUT, failed.reason());
    int index = cloud.controller().instances("slow").stream()
        .filter(i -> i.nodeId().equals("n3")).findFirst().orElseThrow().index();
    assertEquals("slow not running after 120 s: 2 of 3 RUNNING; index " + index
        + " STARTING on n3", failed.getMessage());
    assertEquals(2, failed.status().running());
  }

  @Test
  void aRolloutCompletesOnceTheNewGenerationRunsEverywhereAndTheOldHasStopped(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("web", 3).env("VERSION", "1").build()).running(WAIT));
    Set<String> v1 = cloud.instances("web", InstanceState.RUNNING).stream()
        .map(InstanceStatus::instanceId).collect(Collectors.toSet());
    Deployment v2 = cloud.deploy(spec("web", 3).env("VERSION", "2").build());
    DeploymentStatus done = done(cloud, v2.running(WAIT));
    long generation = cloud.controller().get("web").generation();
    assertEquals(generation, done.generation());
    assertEquals(3, done.running());
    assertTrue(done.current().stream().filter(i -> i.state() == InstanceState.RUNNING)
        .allMatch(i -> i.generation() == generation && !v1.contains(i.instanceId())));
    assertEquals(3, runningAtAll(done), "no instance of v1 still serving: " + done.describe());
    done.current().stream().filter(i -> i.state() == InstanceState.RUNNING).forEach(i ->
        assertEquals("2", cloud.backend(i.nodeId()).spec(i.instanceId()).env().get("VERSION")));
  }

  @Test
  void anOldInstanceThatWillNotStopHoldsTheRolloutUntilItsNodeIsDead() {
    try (TestCloud cloud = TestCloud.builder().nodes(4).build()) {
      done(cloud, cloud.deploy(spread("web", 2).env("VERSION", "1").build()).running(WAIT));
      String stuck = cloud.instances("web", InstanceState.RUNNING).get(0).nodeId();
      cloud.dropMessages(Subjects.nodeStop(stuck));
      Deployment v2 = cloud.deploy(spread("web", 2).env("VERSION", "2").build());
      cloud.await(v2.staged(), "the push of v2");
      CompletableFuture<DeploymentStatus> running = v2.running(WAIT);
      cloud.until(() -> v2.status().orElseThrow().running() == 2, () -> "v2 running");
      cloud.advance(Duration.ofSeconds(30));
      assertFalse(running.isDone(), "v1 still serves on " + stuck + ": " + cloud.describe("web"));

      // Its instance is dropped once the node is dead, which no instance report tells.
      cloud.killNode(stuck);
      DeploymentStatus done = done(cloud, running);
      assertEquals(2, done.running());
      assertTrue(done.others().stream().noneMatch(i -> i.nodeId().equals(stuck)),
          done.others().toString());
      assertTrue(cloud.controller().nodes().stream().anyMatch(n -> n.nodeId().equals(stuck)
          && n.state() == NodeState.DEAD));
    }
  }

  @Test
  void aCrashOfThePreviousGenerationDuringARolloutFailsNothing(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("api", 2).env("VERSION", "1").build()).running(WAIT));
    cloud.nodeIds().forEach(n -> cloud.slowDropletDownloads(n, Duration.ofSeconds(30)));
    Deployment v2 = cloud.deploy(spec("api", 2).env("VERSION", "2").build());
    cloud.await(v2.staged(), "the push of v2");
    CompletableFuture<DeploymentStatus> running = v2.running(WAIT);
    cloud.advance(Duration.ofSeconds(10));
    assertFalse(running.isDone(), cloud.describe("api"));
    cloud.crash("api", 0, 137);
    cloud.advance(Duration.ofSeconds(5));
    assertFalse(running.isDone(), "v2 still fetching: " + cloud.describe("api"));
    DeploymentStatus done = done(cloud, running);
    assertEquals(2, done.running());
    assertTrue(done.others().stream().anyMatch(i -> i.state() == InstanceState.CRASHED
        && i.index() == 0), "the crash was seen, and let be: " + done.others());
  }

  @Test
  void scaleUpCompletesWhenTheNewInstancesRunAndScaleDownWhenTheExtraOnesStopped(
      TestCloud cloud) {
    done(cloud, cloud.deploy(spec("elastic", 1).build()).running(WAIT));
    DeploymentStatus up = done(cloud, cloud.controller().scale("elastic", 3).running(WAIT));
    assertEquals(3, up.running());
    assertEquals(3, runningAtAll(up));

    Deployment down = cloud.controller().scale("elastic", 1);
    assertEquals(1, down.staged().join().spec().instances(), "stored before it returns");
    DeploymentStatus after = done(cloud, down.running(WAIT));
    assertEquals(1, after.wanted());
    assertEquals(1, runningAtAll(after), "indexes 1 and 2 stopped first: " + after.describe());
    assertEquals(1, cloud.instances("elastic", InstanceState.RUNNING).size());
  }

  @Test
  void eachScaleThatFitsNoNodeIsToldSo(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("big", 1).memory("512M").build()).running(WAIT));
    DeploymentFailedException first = failure(cloud,
        cloud.controller().scale("big", 40).running(WAIT));
    assertEquals(Reason.NOT_PLACED, first.reason(), first.getMessage());
    DeploymentFailedException second = failure(cloud,
        cloud.controller().scale("big", 41).running(WAIT));
    assertEquals(Reason.NOT_PLACED, second.reason(), second.getMessage());
  }

  @Test
  void aWaitFollowsTheCountAsTheAppIsScaledMeanwhile(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("wide", 3).memory("3G").build()).running(WAIT));
    cloud.controller().scale("wide", 4);
    cloud.settle();
    Deployment now = cloud.controller().deployment("wide");
    CompletableFuture<DeploymentStatus> running = now.running(WAIT);
    cloud.advance(Duration.ofSeconds(30));
    assertFalse(running.isDone(), "a fourth 3G instance fits no 4G node");
    assertEquals("3 of 4 RUNNING; index 3 not placed yet", now.status().orElseThrow().describe());

    cloud.controller().scale("wide", 3);
    DeploymentStatus done = done(cloud, running);
    assertEquals(3, done.wanted());
    assertEquals(3, done.running());
  }

  @Test
  void aWaitOnTheAppAsItIsLetsEarlierCrashesBeAndCompletesOnceReplaced(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("steady", 2).build()).running(WAIT));
    cloud.crash("steady", 1, 137);
    cloud.settle();
    assertEquals(1, cloud.instances("steady", InstanceState.CRASHED).size());
    Deployment now = cloud.controller().deployment("steady");
    assertTrue(now.staged().isDone());
    DeploymentStatus done = done(cloud, now.running(WAIT));
    assertEquals(2, done.running());
  }

  @Test
  void aPushThatANewerPushReplacesFailsAsSuperseded(TestCloud cloud) {
    cloud.nodeIds().forEach(n -> cloud.slowDropletDownloads(n, Duration.ofSeconds(30)));
    Deployment first = cloud.deploy(spec("moving", 1).env("VERSION", "1").build());
    cloud.await(first.staged(), "the first push");
    CompletableFuture<DeploymentStatus> running = first.running(WAIT);
    cloud.await(cloud.deploy(spec("moving", 1).env("VERSION", "2").build()).staged(),
        "the second push");
    DeploymentFailedException failed = failure(cloud, running);
    assertEquals(Reason.SUPERSEDED, failed.reason());
    assertTrue(failed.getMessage().endsWith("replaced it"), failed.getMessage());
  }

  @Test
  void stoppingTheAppFailsTheWait(TestCloud cloud) {
    cloud.nodeIds().forEach(n -> cloud.slowDropletDownloads(n, Duration.ofSeconds(30)));
    Deployment push = cloud.deploy(spec("brief", 1).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> running = push.running(WAIT);
    cloud.controller().stop("brief");
    assertEquals(Reason.STOPPED, failure(cloud, running).reason());
  }

  @Test
  void aRolloutTheHealthManagerCancelsFailsAsRolledBack(TestCloud cloud) {
    done(cloud, cloud.deploy(spec("api", 2).env("VERSION", "1").build()).running(WAIT));
    cloud.nodeIds().forEach(n -> cloud.slowDropletDownloads(n, Duration.ofMinutes(20)));
    Deployment v2 = cloud.deploy(spec("api", 2).env("VERSION", "2").build());
    DeploymentFailedException failed = failure(cloud, v2.running(Duration.ofMinutes(30)));
    assertEquals(Reason.ROLLED_BACK, failed.reason());
    assertTrue(failed.getMessage().contains("did not become healthy within 300 s"),
        failed.getMessage());
  }

  @Test
  void aStagingFailureFailsTheWaitWithTheStagingException(TestCloud cloud, @TempDir Path tmp)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mystery"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Deployment push = cloud.controller().push(spec("mystery", 1).build(), dir, l -> { });
    StagingException staging = assertThrows(StagingException.class,
        () -> done(cloud, push.running(WAIT)));
    assertTrue(staging.getMessage().contains("notes.txt"), staging.getMessage());
    assertTrue(push.status().isEmpty(), "nothing stored, nothing to report");
    assertInstanceOf(StagingException.class, assertThrows(RuntimeException.class,
        () -> cloud.await(push.staged(), "the push")));
  }

  @Test
  void aCancelledWaitLetsGoOfWhatItWatched(TestCloud cloud) {
    cloud.nodeIds().forEach(n -> cloud.slowDropletDownloads(n, Duration.ofSeconds(30)));
    Deployment push = cloud.deploy(spec("patient", 1).build());
    cloud.await(push.staged(), "the push");
    CompletableFuture<DeploymentStatus> first = push.running(WAIT);
    CompletableFuture<DeploymentStatus> second = push.running(WAIT);
    assertTrue(first.cancel(false));
    DeploymentStatus done = done(cloud, second);
    assertEquals(1, done.running());
    assertTrue(first.isCancelled());
  }

  @Test
  void theTimeoutMustBePositive(TestCloud cloud) {
    Deployment push = cloud.deploy(spec("eager", 1).build());
    assertThrows(IllegalArgumentException.class, () -> push.running(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> push.running(Duration.ofSeconds(-1)));
  }
}
