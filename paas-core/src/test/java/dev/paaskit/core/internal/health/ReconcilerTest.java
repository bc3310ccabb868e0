package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.paaskit.api.InstanceState;
import dev.paaskit.core.health.RestartPolicy;
import dev.paaskit.core.internal.health.Plan.Hold;
import dev.paaskit.core.internal.health.Plan.Rollout;
import dev.paaskit.core.internal.health.Plan.RolloutStatus;
import dev.paaskit.core.internal.health.Plan.Start;
import dev.paaskit.core.internal.health.Plan.StartReason;
import dev.paaskit.core.internal.health.Plan.Stop;
import dev.paaskit.core.internal.health.Plan.StopReason;
import dev.paaskit.core.internal.health.Reconciler.Crashes;
import dev.paaskit.core.internal.health.Reconciler.Desired;
import dev.paaskit.core.internal.health.Reconciler.Instance;
import dev.paaskit.core.internal.health.Reconciler.Observed;
import dev.paaskit.core.internal.protocol.InstanceReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reconciler as data: for plain inputs, the exact plan. One case per rule; each rule's line
 * in {@link Reconciler#plan}, deleted or flipped, turns at least one of these red.
 */
class ReconcilerTest {
  /** One restart at once, then 10 s, 20 s, 40 s; FAILED at the fourth crash in a row. */
  private static final RestartPolicy POLICY = new RestartPolicy(1, Duration.ofSeconds(10),
      Duration.ofSeconds(40), 4, Duration.ofMinutes(5));
  private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(2);
  /** The present, in nanoTime; not zero, so that a wrong "since 0" shows. */
  private static final long NOW = 1_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final Reconciler reconciler = new Reconciler(POLICY, ROLLOUT_TIMEOUT);

  // ---- inputs

  private static Desired want(int instances, long generation) {
    return new Desired(false, instances, generation, 0, 0);
  }

  /** Generation {@code generation} rolling out over {@code previous}. */
  private static Desired rollingOut(int instances, long generation, long previous) {
    return new Desired(false, instances, generation, 0, previous);
  }

  private static Instance running(String id, int index, long generation, String node) {
    return new Instance(id, node, index, generation, InstanceState.RUNNING, 1_000, false);
  }

  private static Instance runningSince(String id, int index, String node, long sinceMillis) {
    return new Instance(id, node, index, 1, InstanceState.RUNNING, sinceMillis, false);
  }

  private static Instance starting(String id, int index, long generation, String node) {
    return new Instance(id, node, index, generation, InstanceState.STARTING, 2_000, false);
  }

  /** A start this side sent that its node has not reported yet. */
  private static Instance pending(String id, int index, long generation, String node) {
    return new Instance(id, node, index, generation, InstanceState.STARTING, 3_000, true);
  }

  private static Instance in(InstanceState state, String id, int index, String node) {
    return new Instance(id, node, index, 1, state, 1_000, false);
  }

  private static Observed seen(Instance... instances) {
    return new Observed(List.of(instances), Map.of(), Set.of(), Set.of(), OptionalLong.empty());
  }

  private static Observed seen(List<Instance> instances, Map<Integer, Crashes> crashes) {
    return new Observed(instances, crashes, Set.of(), Set.of(), OptionalLong.empty());
  }

  private static Observed seenWithNodes(Set<String> dead, Set<String> draining,
      Instance... instances) {
    return new Observed(List.of(instances), Map.of(), dead, draining, OptionalLong.empty());
  }

  private static Observed seenRollingSince(long sinceNanos, Instance... instances) {
    return new Observed(List.of(instances), Map.of(), Set.of(), Set.of(),
        OptionalLong.of(sinceNanos));
  }

  // ---- plans

  private static Start start(int index, long generation, StartReason why) {
    return new Start(index, generation, why);
  }

  private static Stop stop(String id, String node, int index, StopReason why) {
    return new Stop(id, node, index, why);
  }

  private static Plan plan(List<Start> starts, List<Stop> stops) {
    return new Plan(starts, stops, List.of(), Rollout.NONE);
  }

  private Plan planAt(long now, Desired desired, Observed observed) {
    return reconciler.plan(desired, observed, now);
  }

  private Plan planNow(Desired desired, Observed observed) {
    return planAt(NOW, desired, observed);
  }

  // ---- counts

  @Test
  void tooFewInstancesStartTheMissingIndexes() {
    assertEquals(plan(List.of(start(0, 1, StartReason.MISSING), start(2, 1, StartReason.MISSING)),
            List.of()),
        planNow(want(3, 1), seen(running("b", 1, 1, "n1"))));
  }

  @Test
  void anAppWithNoInstanceYetStartsEveryIndex() {
    assertEquals(plan(List.of(start(0, 7, StartReason.MISSING), start(1, 7, StartReason.MISSING)),
        List.of()), planNow(want(2, 7), seen()));
  }

  @Test
  void tooManyInstancesStopTheHighestIndexes() {
    assertEquals(plan(List.of(), List.of(stop("c", "n1", 2, StopReason.SCALED_DOWN),
            stop("d", "n2", 3, StopReason.SCALED_DOWN))),
        planNow(want(2, 1), seen(running("d", 3, 1, "n2"), running("a", 0, 1, "n1"),
            running("c", 2, 1, "n1"), running("b", 1, 1, "n2"))));
  }

  @Test
  void aStoppedAppStopsEveryReportedInstanceAndLeavesPendingStartsToTheirReport() {
    assertEquals(plan(List.of(), List.of(stop("a", "n1", 0, StopReason.APP_STOPPED),
            stop("b", "n2", 1, StopReason.APP_STOPPED))),
        planNow(want(0, 1), seen(running("a", 0, 1, "n1"), starting("b", 1, 1, "n2"),
            pending("c", 2, 1, "n3"))));
  }

  @Test
  void aDeletedAppStopsEveryInstance() {
    assertEquals(plan(List.of(), List.of(stop("a", "n1", 0, StopReason.APP_DELETED),
            stop("b", "n2", 1, StopReason.APP_DELETED))),
        planNow(Desired.deletedApp(), seen(running("a", 0, 1, "n1"), running("b", 1, 2, "n2"))));
  }

  @Test
  void instancesStoppingOrEndedCountForNothing() {
    assertEquals(plan(List.of(start(0, 1, StartReason.MISSING), start(1, 1, StartReason.MISSING),
            start(2, 1, StartReason.MISSING)), List.of()),
        planNow(want(3, 1), seen(in(InstanceState.STOPPING, "a", 0, "n1"),
            in(InstanceState.CRASHED, "b", 1, "n1"), in(InstanceState.STOPPED, "c", 2, "n1"))));
  }

  @Test
  void anInstanceSentAStopIsSeenAsStopping() {
    InstanceReport r = new InstanceReport("a", "n1", "app-id", "web", 1, 0, "sha",
        InstanceState.RUNNING, "127.0.0.1", 8080, 1, 1, 1_000, null, 5, 1);
    assertEquals(InstanceState.STOPPING, Instance.of(r, true).state());
    assertEquals(new Instance("a", "n1", 0, 1, InstanceState.RUNNING, 1_000, false),
        Instance.of(r, false));
    assertEquals(true, Instance.of(r.withState(InstanceState.STARTING, 1_000, null, -1), false)
        .pending());
  }

  // ---- duplicates of one index

  @Test
  void twoRunningInstancesOfOneIndexStopExactlyTheOneThatRanLeastLong() {
    // A healed partition: the node cut off kept "old" running; "new" replaced it meanwhile.
    Instance old = runningSince("old", 0, "n1", 1_000);
    Instance replacement = runningSince("new", 0, "n2", 5_000);
    Instance other = runningSince("x", 1, "n3", 1_000);
    Plan expected = plan(List.of(), List.of(stop("new", "n2", 0, StopReason.DUPLICATE)));
    assertEquals(expected, planNow(want(2, 1), seen(old, replacement, other)));
    assertEquals(expected, planNow(want(2, 1), seen(other, replacement, old)),
        "the same whatever the order of the reports");
  }

  @Test
  void duplicatesRunningAsLongStopAllButTheLowestIdAndARunningOneIsKeptOverAStartingOne() {
    assertEquals(plan(List.of(), List.of(stop("b", "n2", 0, StopReason.DUPLICATE),
            stop("c", "n3", 0, StopReason.DUPLICATE))),
        planNow(want(1, 1), seen(runningSince("c", 0, "n3", 1_000),
            runningSince("a", 0, "n1", 1_000), runningSince("b", 0, "n2", 1_000))));
    // Starting for longer than the other runs, and still the one stopped.
    Instance startingLong = new Instance("a", "n1", 0, 1, InstanceState.STARTING, 10, false);
    assertEquals(plan(List.of(), List.of(stop("a", "n1", 0, StopReason.DUPLICATE))),
        planNow(want(1, 1), seen(startingLong, runningSince("z", 0, "n2", 9_000))));
  }

  @Test
  void aPendingDuplicateIsNotStoppedBeforeItsNodeReportsIt() {
    assertEquals(plan(List.of(), List.of()),
        planNow(want(1, 1), seen(running("a", 0, 1, "n1"), pending("p", 0, 1, "n2"))));
  }

  // ---- generations

  @Test
  void anOldGenerationIsReplacedIndexByIndexOnlyOnceTheNewOneRuns() {
    Desired gen2 = rollingOut(2, 2, 1);
    Instance old0 = running("o0", 0, 1, "n1");
    Instance old1 = running("o1", 1, 1, "n2");
    // Nothing of generation 2 yet: both start, the old ones keep serving.
    assertEquals(new Plan(List.of(start(0, 2, StartReason.NEW_GENERATION),
            start(1, 2, StartReason.NEW_GENERATION)), List.of(), List.of(),
            new Rollout(RolloutStatus.WATCHED, NOW, 0)),
        planNow(gen2, seen(old0, old1)));
    // Index 0 runs in generation 2, index 1 still starts: only o0 goes.
    assertEquals(new Plan(List.of(), List.of(stop("o0", "n1", 0, StopReason.REPLACED)),
            List.of(), new Rollout(RolloutStatus.WATCHED, NOW - SECOND, 1)),
        planNow(gen2, seenRollingSince(NOW - SECOND, old0, old1, running("g0", 0, 2, "n3"),
            starting("g1", 1, 2, "n4"))));
    // Both run: o1 goes, and the rollout is over.
    assertEquals(plan(List.of(), List.of(stop("o1", "n2", 1, StopReason.REPLACED))),
        planNow(gen2, seenRollingSince(NOW - SECOND, old1, running("g0", 0, 2, "n3"),
            running("g1", 1, 2, "n4"))));
  }

  @Test
  void anOldInstanceThatDoesNotRunIsStoppedAtOnceWhenItsIndexHasNothingNew() {
    assertEquals(plan(List.of(start(0, 2, StartReason.NEW_GENERATION)),
            List.of(stop("o0", "n1", 0, StopReason.REPLACED))),
        planNow(want(1, 2), seen(starting("o0", 0, 1, "n1"))));
  }

  @Test
  void aGenerationNewerThanTheStoreAsksForIsStopped() {
    assertEquals(plan(List.of(), List.of(stop("n", "n2", 1, StopReason.UNWANTED_GENERATION))),
        planNow(want(2, 2), seen(running("e0", 0, 2, "n1"), running("e1", 1, 2, "n1"),
            starting("n", 1, 3, "n2"))));
  }

  @Test
  void afterACancelledRolloutTheRestoredGenerationIsCurrentAndTheCancelledOneReplaced() {
    // Generation 3 was cancelled: the app is generation 4, whose instances are those of 2.
    Desired back = new Desired(false, 2, 4, 2, 0);
    assertEquals(plan(List.of(), List.of(stop("c", "n2", 1, StopReason.REPLACED))),
        planNow(back, seen(running("e0", 0, 2, "n1"), running("e1", 1, 2, "n1"),
            running("c", 1, 3, "n2"))));
  }

  @Test
  void aRolloutThatStallsPastItsTimeoutWhileThePreviousServesStartsAndStopsNothingOfEither() {
    Desired gen2 = rollingOut(2, 2, 1);
    Instance[] seen = {running("o0", 0, 1, "n1"), running("o1", 1, 1, "n2"),
        running("g0", 0, 2, "n3"), in(InstanceState.STOPPING, "g1", 1, "n4"),
        running("x", 2, 1, "n1")};
    long since = NOW - ROLLOUT_TIMEOUT.toNanos();
    assertEquals(new Plan(List.of(), List.of(stop("x", "n1", 2, StopReason.SCALED_DOWN)),
            List.of(), new Rollout(RolloutStatus.STALLED, since, 1)),
        planNow(gen2, seenRollingSince(since, seen)));
    assertEquals(new Plan(List.of(start(1, 2, StartReason.NEW_GENERATION)),
            List.of(stop("o0", "n1", 0, StopReason.REPLACED),
                stop("x", "n1", 2, StopReason.SCALED_DOWN)),
            List.of(), new Rollout(RolloutStatus.WATCHED, since + 1, 1)),
        planNow(gen2, seenRollingSince(since + 1, seen)), "a nanosecond before the timeout");
  }

  // ---- crashes

  @Test
  void aCrashedIndexWaitsForItsBackOffThenStarts() {
    long crashedAt = NOW - 5 * SECOND;
    // The second crash in a row waits 10 s.
    Observed crashed = seen(List.of(running("b", 1, 1, "n1")),
        Map.of(0, new Crashes(1, 2, crashedAt)));
    long until = crashedAt + 10 * SECOND;
    Plan waiting = planNow(want(2, 1), crashed);
    assertEquals(new Plan(List.of(), List.of(), List.of(Hold.backOff(0, 2, until)), Rollout.NONE),
        waiting);
    assertEquals(OptionalLong.of(until), waiting.lookAgainAtNanos());
    assertEquals(new Plan(List.of(), List.of(), List.of(Hold.backOff(0, 2, until)), Rollout.NONE),
        planAt(until - 1, want(2, 1), crashed));
    Plan after = planAt(until, want(2, 1), crashed);
    assertEquals(plan(List.of(start(0, 1, StartReason.CRASHED)), List.of()), after);
    assertEquals(OptionalLong.empty(), after.lookAgainAtNanos());
  }

  @Test
  void theFirstCrashRestartsAtOnce() {
    assertEquals(plan(List.of(start(0, 1, StartReason.CRASHED)), List.of()),
        planNow(want(1, 1), seen(List.of(), Map.of(0, new Crashes(1, 1, NOW)))));
  }

  @Test
  void theEarliestBackOffIsWhenToLookAgain() {
    Plan p = planNow(want(2, 1), seen(List.of(), Map.of(0, new Crashes(1, 3, NOW),
        1, new Crashes(1, 2, NOW))));
    assertEquals(List.of(Hold.backOff(0, 3, NOW + 20 * SECOND),
        Hold.backOff(1, 2, NOW + 10 * SECOND)), p.holds());
    assertEquals(OptionalLong.of(NOW + 10 * SECOND), p.lookAgainAtNanos());
  }

  @Test
  void anIndexIsFailedOnceTheRestartPolicyGivesUpAndIsNeverStartedAgain() {
    Observed failed = seen(List.of(), Map.of(0, new Crashes(1, 4, NOW)));
    Plan p = planAt(NOW + 3_600 * SECOND, want(1, 1), failed);
    assertEquals(new Plan(List.of(), List.of(), List.of(Hold.failed(0, 4)), Rollout.NONE), p);
    assertEquals(OptionalLong.empty(), p.lookAgainAtNanos());
    // One crash fewer is still a back-off (20 s), not FAILED.
    assertEquals(List.of(Hold.backOff(0, 3, NOW + 20 * SECOND)),
        planNow(want(1, 1), seen(List.of(), Map.of(0, new Crashes(1, 3, NOW)))).holds());
  }

  @Test
  void crashesOfAnotherGenerationDoNotHoldTheIndex() {
    assertEquals(plan(List.of(start(0, 2, StartReason.MISSING)), List.of()),
        planNow(want(1, 2), seen(List.of(), Map.of(0, new Crashes(1, 4, NOW)))));
  }

  // ---- nodes

  @Test
  void anInstanceOnADeadNodeIsReplacedAndNotStopped() {
    assertEquals(plan(List.of(start(0, 1, StartReason.NODE_DEAD)), List.of()),
        planNow(want(2, 1), seenWithNodes(Set.of("dead"), Set.of(), running("a", 0, 1, "dead"),
            running("b", 1, 1, "n2"))));
  }

  @Test
  void anInstanceOnADrainingNodeIsStartedElsewhereThenStopped() {
    Instance onDrained = running("a", 0, 1, "n1");
    Set<String> draining = Set.of("n1");
    assertEquals(plan(List.of(start(0, 1, StartReason.DRAINING)), List.of()),
        planNow(want(1, 1), seenWithNodes(Set.of(), draining, onDrained)));
    assertEquals(plan(List.of(), List.of()),
        planNow(want(1, 1), seenWithNodes(Set.of(), draining, onDrained,
            starting("b", 0, 1, "n2"))), "served by the draining node until its replacement runs");
    assertEquals(plan(List.of(), List.of(stop("a", "n1", 0, StopReason.DRAINED))),
        planNow(want(1, 1), seenWithNodes(Set.of(), draining, onDrained,
            running("b", 0, 1, "n2"))));
  }

  // ---- shapes

  @Test
  void stopsComeByIndexThenIdWhateverTheInputOrder() {
    List<Instance> many = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      many.add(running("i" + i, i, 1, "n" + (i % 2)));
    }
    Collections.reverse(many);
    Plan p = planNow(want(0, 1), seen(many.toArray(Instance[]::new)));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), p.stops().stream().map(Stop::index).toList());
  }

  @Test
  void inputsThatCannotBeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Desired(false, -1, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Desired(true, 1, 1, 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new Instance("a", "n1", -1, 1, InstanceState.RUNNING, 0, false));
    assertThrows(IllegalArgumentException.class,
        () -> new Reconciler(POLICY, Duration.ofSeconds(-1)));
  }
}
