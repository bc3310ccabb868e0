package dev.paaskit.core.internal.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.DeploymentFailedException.Reason;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.PackageState;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.CrashReport;
import dev.paaskit.core.internal.protocol.DropletRecord;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.SpecRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The deployment's judgement as data: given the app's record and its instances, the verdict. */
class RolloutsTest {
  private static final DropletRecord DROPLET = DropletRecord.of(new Droplet("d".repeat(64),
      "p".repeat(64), "stub", "serve", Map.of(), 1, Instant.EPOCH, false));

  private static AppRecord app(int instances, long generation) {
    return new AppRecord("app-1", SpecRecord.of(AppSpec.builder("web").instances(instances)
        .build()), AppState.STARTED, PackageState.STAGED, "p".repeat(64), 1, 0, null, DROPLET,
        generation, 0, 0, null, 0);
  }

  private static InstanceReport instance(String id, long generation, int index,
      InstanceState state, long seq) {
    CrashReport crash = state == InstanceState.CRASHED || state == InstanceState.FAILED
        ? new CrashReport(3, 0, false, "exited with code 3", List.of("boom")) : null;
    return new InstanceReport(id, "n1", "app-1", "web", generation, index, "d".repeat(64), state,
        "127.0.0.1", 8000 + index, 1, 1, 1000, crash, seq, 0);
  }

  private static DeploymentTarget target(long generation, Set<String> endedBefore) {
    return new DeploymentTarget("app-1", "web", generation, endedBefore, 0);
  }

  @Test
  void runsOnceEveryIndexRunsTheGenerationAndNothingElseDoes() {
    AppRecord app = app(2, 5);
    List<InstanceReport> rolling = List.of(
        instance("a", 5, 0, InstanceState.RUNNING, 1),
        instance("b", 5, 1, InstanceState.RUNNING, 2),
        instance("old", 4, 1, InstanceState.RUNNING, 3));
    Rollouts.Verdict verdict = Rollouts.judge(target(5, Set.of()), app, rolling);
    assertFalse(verdict.settled(), "generation 4 still serves index 1");
    assertEquals("2 of 2 RUNNING; index 1 of generation 4 still RUNNING on n1",
        verdict.status().describe());

    List<InstanceReport> rolled = List.of(rolling.get(0), rolling.get(1),
        instance("old", 4, 1, InstanceState.STOPPING, 4));
    assertTrue(Rollouts.judge(target(5, Set.of()), app, rolled).complete());
  }

  @Test
  void aScaleDownRunsOnceTheExtraIndexesStopped() {
    AppRecord app = app(1, 5);
    List<InstanceReport> extra = List.of(instance("a", 5, 0, InstanceState.RUNNING, 1),
        instance("b", 5, 1, InstanceState.RUNNING, 2));
    Rollouts.Verdict verdict = Rollouts.judge(target(5, Set.of()), app, extra);
    assertFalse(verdict.complete());
    assertEquals("1 of 1 RUNNING; index 1 still RUNNING on n1 beyond the 1 wanted",
        verdict.status().describe());
  }

  @Test
  void aCrashOfTheGenerationFailsItUnlessItWasOverBeforeTheChange() {
    AppRecord app = app(2, 5);
    List<InstanceReport> reports = List.of(instance("a", 5, 0, InstanceState.RUNNING, 1),
        instance("b", 5, 1, InstanceState.CRASHED, 2),
        instance("c", 5, 1, InstanceState.STARTING, 3));
    Rollouts.Verdict fresh = Rollouts.judge(target(5, Set.of()), app, reports);
    assertEquals(Reason.CRASHED, fresh.failure().reason());
    assertEquals(1, fresh.failure().index().orElseThrow());
    assertEquals(List.of("boom"), fresh.failure().crash().orElseThrow().lastOutput());

    Rollouts.Verdict old = Rollouts.judge(target(5, Set.of("b")), app, reports);
    assertNull(old.failure(), "the crash came before the change");
    assertFalse(old.complete());
  }

  @Test
  void aCrashOfAnotherGenerationFailsNothingButAFailedIndexAlwaysDoes() {
    AppRecord app = app(1, 5);
    Rollouts.Verdict oldCrash = Rollouts.judge(target(5, Set.of()), app, List.of(
        instance("old", 4, 0, InstanceState.CRASHED, 1),
        instance("a", 5, 0, InstanceState.STARTING, 2)));
    assertNull(oldCrash.failure());

    Rollouts.Verdict failed = Rollouts.judge(target(5, Set.of("a")), app, List.of(
        instance("a", 5, 0, InstanceState.FAILED, 2)));
    assertEquals(Reason.CRASHED, failed.failure().reason(), "FAILED starts no more");
  }

  @Test
  void theAppMovingOnEndsTheWaitWithItsReason() {
    assertEquals(Reason.SUPERSEDED, Rollouts.judge(target(5, Set.of()), app(1, 6), List.of())
        .failure().reason());
    AppRecord stopped = app(1, 5).toBuilder().state(AppState.STOPPED).build();
    assertEquals(Reason.STOPPED, Rollouts.judge(target(5, Set.of()), stopped, List.of())
        .failure().reason());
    assertEquals(Reason.STOPPED, Rollouts.judge(target(5, Set.of()), null, List.of())
        .failure().reason());

    AppRecord v5 = app(1, 4).toBuilder().nextGeneration().build();
    AppRecord back = v5.toBuilder().rollBackTo(v5.previous()).failure("rollout cancelled: slow")
        .build();
    Rollouts.Verdict verdict = Rollouts.judge(target(5, Set.of()), back, List.of());
    assertEquals(Reason.ROLLED_BACK, verdict.failure().reason());
    assertTrue(verdict.failure().getMessage().endsWith("rollout cancelled: slow"));
  }

  @Test
  void afterARollbackTheRestoredInstancesCountAsTheNewGeneration() {
    AppRecord v5 = app(1, 4).toBuilder().nextGeneration().build();
    AppRecord back = v5.toBuilder().rollBackTo(v5.previous()).build();
    DeploymentStatus status = Rollouts.status(target(6, Set.of()), back,
        List.of(instance("kept", 4, 0, InstanceState.RUNNING, 1)));
    assertEquals(1, status.running());
    assertTrue(status.complete());
  }

  @Test
  void aPlacementFailureCountsWhileItsIndexHasNoInstance() {
    String message = "cannot place instance 1: no node fits: 1,024 short of memory, 2 in the "
        + "wrong zone";
    DeploymentStatus unplaced = Rollouts.status(target(5, Set.of()), app(2, 5),
        List.of(instance("a", 5, 0, InstanceState.RUNNING, 1)));
    var failure = Rollouts.notPlaced(unplaced, 1, message).orElseThrow();
    assertEquals(Reason.NOT_PLACED, failure.reason());
    assertEquals(Map.of("short of memory", 1024, "in the wrong zone", 2), failure.rejections());
    assertEquals(List.of("short of memory", "in the wrong zone"),
        List.copyOf(failure.rejections().keySet()), "in the filters' order");
    assertEquals("cannot place instance 1 of web: no node fits: 1,024 short of memory, 2 in the "
        + "wrong zone", failure.getMessage());

    DeploymentStatus placed = Rollouts.status(target(5, Set.of()), app(2, 5), List.of(
        instance("a", 5, 0, InstanceState.RUNNING, 1),
        instance("b", 5, 1, InstanceState.STARTING, 2)));
    assertTrue(Rollouts.notPlaced(placed, 1, message).isEmpty(), "placed since");
  }

  @Test
  void rejectionsKeepAReasonThatHoldsACommaWhole() {
    assertEquals(Map.of("not in rack a, b or c", 3, "short of disk", 1),
        Rollouts.rejections("no node fits: 3 not in rack a, b or c, 1 short of disk"));
    assertEquals(Map.of(), Rollouts.rejections("no node fits: no nodes are available"));
  }

  @Test
  void aReportHeardBeforeTheHealthManagerAppliedItWins() {
    List<InstanceReport> known = List.of(instance("a", 5, 0, InstanceState.STARTING, -1),
        instance("b", 5, 1, InstanceState.RUNNING, 7));
    Map<String, InstanceReport> heard = new HashMap<>(Map.of(
        "a", instance("a", 5, 0, InstanceState.RUNNING, 4),
        "b", instance("b", 5, 1, InstanceState.STARTING, 3)));
    List<InstanceReport> merged = Rollouts.merge(known, heard);
    assertEquals(List.of(InstanceState.RUNNING, InstanceState.RUNNING),
        merged.stream().map(InstanceReport::state).toList());
    assertEquals(Set.of("a"), heard.keySet(), "what the health manager caught up with is dropped");
  }
}
