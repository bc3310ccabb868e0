package dev.paaskit.core.internal.health;

import dev.paaskit.api.InstanceState;
import dev.paaskit.core.health.RestartPolicy;
import dev.paaskit.core.internal.health.Plan.Hold;
import dev.paaskit.core.internal.health.Plan.Rollout;
import dev.paaskit.core.internal.health.Plan.RolloutStatus;
import dev.paaskit.core.internal.health.Plan.Start;
import dev.paaskit.core.internal.health.Plan.StartReason;
import dev.paaskit.core.internal.health.Plan.Stop;
import dev.paaskit.core.internal.health.Plan.StopReason;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.InstanceReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides what one app needs: which indexes to start, which instances to stop, which indexes wait
 * after crashes, and when to look again. A function of its arguments: it reads no bus, store or
 * clock and sends nothing; the {@link HealthManager} gathers what it is given, places the starts
 * and sends the commands, as Nomad's reconciler and scheduler divide the work.
 *
 * <p>For an app that wants N instances of generation G, exactly one instance of G should be
 * active for each index below N. The rules, each applied by one line of {@link #plan}:
 * <ol>
 *   <li>An instance STOPPING, or sent a stop, counts for nothing; nor does one on a DEAD node,
 *       which nobody can reach to stop.
 *   <li>Every instance of a deleted app is stopped; so is one of index N or more.
 *   <li>An instance of a generation newer than G (which a cancelled rollout leaves) is stopped.
 *   <li>Of several instances of G for one index (a healed partition), one is kept: a RUNNING one
 *       before one that is not, then the one in its state longest, then the lowest instance id.
 *       The others are stopped.
 *   <li>An instance of an older generation, or of G on a draining node, serves until its index
 *       has a RUNNING instance of G, then is stopped; so updates roll index by index. One that
 *       does not run itself is stopped at once when its index has nothing of G.
 *   <li>An index with no instance of G is started, unless it crashed in G: it is held for good
 *       once the {@link RestartPolicy} gives up (the index is FAILED), and until its back-off
 *       ends before that; the plan then says when to look again.
 *   <li>While instances of the previous generation serve and fewer than N of G run, the rollout
 *       is watched from when it was first seen; past the rollout timeout it is STALLED, and the
 *       plan starts and stops nothing of either generation (the manager cancels the rollout).
 * </ol>
 * A start sent but not yet reported (pending) counts as an instance and is never stopped: it is
 * stopped once its node reports it, if it is still not wanted then.
 *
 * <p>Thread-safe: immutable.
 */
final class Reconciler {
  /** Of several instances of one index, the first of this order is kept. */
  static final Comparator<Instance> KEPT_FIRST =
      Comparator.comparing((Instance i) -> i.state() != InstanceState.RUNNING)
          .thenComparingLong(Instance::sinceMillis)
          .thenComparing(Instance::instanceId);
  private static final Comparator<Stop> STOP_ORDER =
      Comparator.comparingInt(Stop::index).thenComparing(Stop::instanceId);

  private final RestartPolicy policy;
  private final long rolloutTimeoutNanos;

  /**
   * @param policy when a crashed index is started again, and when never
   * @param rolloutTimeout how long a new generation may take to run while the previous serves
   * @throws IllegalArgumentException if {@code rolloutTimeout} is negative
   */
  Reconciler(RestartPolicy policy, Duration rolloutTimeout) {
    this.policy = Objects.requireNonNull(policy, "policy");
    if (rolloutTimeout.isNegative()) {
      throw new IllegalArgumentException("rolloutTimeout must be >= 0: " + rolloutTimeout);
    }
    this.rolloutTimeoutNanos = rolloutTimeout.toNanos();
  }

  /**
   * What the app needs now.
   *
   * @param desired what the app's record asks for
   * @param observed its instances, crashes and the nodes under them
   * @param nowNanos the present, on the clock {@code observed} counts in
   */
  @SuppressWarnings("unchecked")
  Plan plan(Desired desired, Observed observed, long nowNanos) {
    int want = desired.instances();
    List<Stop> stops = new ArrayList<>();
    // By index: the active instances of the current generation, and those that serve it until
    // one of the current generation runs (older generations, draining nodes).
    List<Instance>[] current = new List[want];
    List<Instance>[] older = new List[want];
    boolean[] lost = null;
    for (Instance i : observed.instances()) {
      if (!i.state().isActive() || i.state() == InstanceState.STOPPING) {
        continue;
      }
      int index = i.index();
      if (observed.deadNodes().contains(i.nodeId())) {
        if (index < want) {
          if (lost == null) {
            lost = new boolean[want];
          }
          lost[index] = true;
        }
      } else if (desired.deleted()) {
        stop(stops, i, StopReason.APP_DELETED);
      } else if (index >= want) {
        stop(stops, i, want == 0 ? StopReason.APP_STOPPED : StopReason.SCALED_DOWN);
      } else if (desired.isCurrent(i.generation())
          && !observed.drainingNodes().contains(i.nodeId())) {
        add(current, index, i);
      } else if (desired.isCurrent(i.generation()) || i.generation() < desired.generation()) {
        add(older, index, i);
      } else {
        stop(stops, i, StopReason.UNWANTED_GENERATION);
      }
    }
    if (desired.deleted()) {
      return new Plan(List.of(), sorted(stops), List.of(), Rollout.NONE);
    }
    Rollout rollout = rollout(desired, observed, current, older, nowNanos);
    if (rollout.status() == RolloutStatus.STALLED) {
      return new Plan(List.of(), sorted(stops), List.of(), rollout);
    }
    List<Start> starts = new ArrayList<>();
    List<Hold> holds = new ArrayList<>();
    for (int index = 0; index < want; index++) {
      List<Instance> mine = current[index] == null ? List.of() : current[index];
      if (mine.size() > 1) {
        Instance kept = mine.get(0);
        for (Instance i : mine) {
          if (KEPT_FIRST.compare(i, kept) < 0) {
            kept = i;
          }
        }
        for (Instance i : mine) {
          if (i != kept) {
            stop(stops, i, StopReason.DUPLICATE);
          }
        }
      }
      List<Instance> old = older[index] == null ? List.of() : older[index];
      if (runs(mine) || (mine.isEmpty() && !runs(old))) {
        for (Instance i : old) {
          stop(stops, i, desired.isCurrent(i.generation()) ? StopReason.DRAINED
              : StopReason.REPLACED);
        }
      }
      if (mine.isEmpty()) {
        Crashes crashes = observed.crashes().get(index);
        Hold hold = hold(index, crashes, desired.generation(), nowNanos);
        if (hold != null) {
          holds.add(hold);
        } else {
          starts.add(new Start(index, desired.generation(),
              startReason(desired, lost != null && lost[index], old, crashes)));
        }
      }
    }
    return new Plan(starts, sorted(stops), holds, rollout);
  }

  /** Why the index is held back after its crashes in {@code generation}, or null when it is not. */
  private Hold hold(int index, Crashes crashes, long generation, long nowNanos) {
    if (crashes == null || crashes.generation() != generation) {
      return null;
    }
    if (policy.givesUpAfter(crashes.count())) {
      return Hold.failed(index, crashes.count());
    }
    long allowedAt = crashes.lastCrashNanos() + policy.delayAfter(crashes.count()).toNanos();
    return allowedAt - nowNanos > 0 ? Hold.backOff(index, crashes.count(), allowedAt) : null;
  }

  private static StartReason startReason(Desired desired, boolean lost, List<Instance> old,
      Crashes crashes) {
    if (lost) {
      return StartReason.NODE_DEAD;
    }
    for (Instance i : old) {
      if (desired.isCurrent(i.generation())) {
        return StartReason.DRAINING;
      }
    }
    if (!old.isEmpty()) {
      return StartReason.NEW_GENERATION;
    }
    return crashes != null && crashes.generation() == desired.generation() && crashes.count() > 0
        ? StartReason.CRASHED : StartReason.MISSING;
  }

  private Rollout rollout(Desired desired, Observed observed, List<Instance>[] current,
      List<Instance>[] older, long nowNanos) {
    if (desired.previousGeneration() == 0) {
      return Rollout.NONE;
    }
    boolean oldServing = false;
    int newRunning = 0;
    for (int index = 0; index < current.length; index++) {
      if (current[index] != null) {
        for (Instance i : current[index]) {
          if (i.state() == InstanceState.RUNNING) {
            newRunning++;
          }
        }
      }
      if (older[index] != null) {
        for (Instance i : older[index]) {
          oldServing |= i.state() == InstanceState.RUNNING
              && i.generation() == desired.previousGeneration();
        }
      }
    }
    if (!oldServing || newRunning >= desired.instances()) {
      return Rollout.NONE;
    }
    long since = observed.rolloutSinceNanos().orElse(nowNanos);
    RolloutStatus status = nowNanos - since < rolloutTimeoutNanos
        ? RolloutStatus.WATCHED : RolloutStatus.STALLED;
    return new Rollout(status, since, newRunning);
  }

  private static boolean runs(List<Instance> instances) {
    for (Instance i : instances) {
      if (i.state() == InstanceState.RUNNING) {
        return true;
      }
    }
    return false;
  }

  private static void add(List<Instance>[] byIndex, int index, Instance i) {
    if (byIndex[index] == null) {
      byIndex[index] = new ArrayList<>(1);
    }
    byIndex[index].add(i);
  }

  private static void stop(List<Stop> stops, Instance i, StopReason reason) {
    if (!i.pending()) {
      stops.add(new Stop(i.instanceId(), i.nodeId(), i.index(), reason));
    }
  }

  private static List<Stop> sorted(List<Stop> stops) {
    if (stops.size() > 1) {
      stops.sort(STOP_ORDER);
    }
    return stops;
  }

  /**
   * What an app's record asks for.
   *
   * @param deleted the app is gone: every instance is stopped
   * @param instances how many should be active now; 0 for an app stopped, not staged or deleted
   * @param generation the generation instances should run
   * @param equivalentGeneration a generation that counts as current too, or 0
   * @param previousGeneration the generation a rollout of {@code generation} replaces and can go
   *     back to, or 0
   */
  record Desired(boolean deleted, int instances, long generation, long equivalentGeneration,
      long previousGeneration) {
    Desired {
      if (instances < 0 || (deleted && instances > 0)) {
        throw new IllegalArgumentException("instances must be >= 0, and 0 when deleted: "
            + instances);
      }
    }

    /** What {@code app} asks for. */
    static Desired of(AppRecord app) {
      return new Desired(false, app.desiredInstances(), app.generation(),
          app.equivalentGeneration(), app.previous() == null ? 0 : app.previous().generation());
    }

    /** An app no longer in the store. */
    static Desired deletedApp() {
      return new Desired(true, 0, 0, 0, 0);
    }

    /** Whether instances of {@code instanceGeneration} run what this asks for. */
    boolean isCurrent(long instanceGeneration) {
      return instanceGeneration == generation
          || (equivalentGeneration > 0 && instanceGeneration == equivalentGeneration);
    }
  }

  /**
   * One instance as its node reported it, or as it was placed.
   *
   * @param state STOPPING also for an instance a stop was sent to and not yet confirmed
   * @param sinceMillis when it entered {@code state}, epoch milliseconds
   * @param pending a start sent and not yet reported
   */
  record Instance(String instanceId, String nodeId, int index, long generation,
      InstanceState state, long sinceMillis, boolean pending) {
    Instance {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(state, "state");
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0: " + index);
      }
    }

    /** {@code r} as the reconciler sees it; STOPPING when {@code stopSent}. */
    static Instance of(InstanceReport r, boolean stopSent) {
      return new Instance(r.instanceId(), r.nodeId(), r.index(), r.generation(),
          stopSent ? InstanceState.STOPPING : r.state(), r.sinceMillis(), r.seq() < 0);
    }
  }

  /**
   * An index's crashes in a row.
   *
   * @param generation the generation they crashed in; crashes of another generation do not count
   * @param count how many in a row; reset once an instance stays up long enough
   * @param lastCrashNanos when the last one was heard of, on the clock plans are made with
   */
  record Crashes(long generation, int count, long lastCrashNanos) {
    Crashes {
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0: " + count);
      }
    }
  }

  /**
   * What is known of an app's instances and the nodes under them.
   *
   * @param instances the app's instances, reported and pending, in any order
   * @param crashes crashes in a row by index; an index that never crashed is absent
   * @param deadNodes ids of nodes declared DEAD
   * @param drainingNodes ids of nodes being emptied
   * @param rolloutSinceNanos when the current generation's rollout was first seen not all
   *     running while the previous one served; empty when it was not
   */
  record Observed(List<Instance> instances, Map<Integer, Crashes> crashes, Set<String> deadNodes,
      Set<String> drainingNodes, OptionalLong rolloutSinceNanos) {
    Observed {
      instances = List.copyOf(instances);
      crashes = Map.copyOf(crashes);
      deadNodes = Set.copyOf(deadNodes);
      drainingNodes = Set.copyOf(drainingNodes);
      Objects.requireNonNull(rolloutSinceNanos, "rolloutSinceNanos");
    }
  }
}
