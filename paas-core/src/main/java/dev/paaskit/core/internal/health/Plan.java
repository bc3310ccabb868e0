package dev.paaskit.core.internal.health;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the {@link Reconciler} decided for one app: the indexes to start, the instances to stop,
 * the indexes it holds back after crashes, and where a rollout stands. Immutable.
 *
 * @param starts one per index to start, by index
 * @param stops the instances to stop, by index then instance id
 * @param holds the indexes that need an instance but may not have one now, by index
 * @param rollout whether the current generation is rolling out, and whether it stalled
 */
record Plan(List<Start> starts, List<Stop> stops, List<Hold> holds, Rollout rollout) {
  Plan {
    starts = List.copyOf(starts);
    stops = List.copyOf(stops);
    holds = List.copyOf(holds);
    Objects.requireNonNull(rollout, "rollout");
  }

  /**
   * When the app must be looked at again although nothing else changes: the end of the earliest
   * crash back-off; empty when no index waits on one.
   */
  OptionalLong lookAgainAtNanos() {
    long earliest = 0;
    boolean any = false;
    for (Hold h : holds) {
      if (h.untilNanos().isPresent()) {
        long until = h.untilNanos().getAsLong();
        if (!any || until - earliest < 0) {
          earliest = until;
          any = true;
        }
      }
    }
    return any ? OptionalLong.of(earliest) : OptionalLong.empty();
  }

  /** Start an instance of {@code index} for {@code generation}. */
  record Start(int index, long generation, StartReason reason) {
    Start {
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0: " + index);
      }
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Stop instance {@code instanceId}, which runs index {@code index} on {@code nodeId}. */
  record Stop(String instanceId, String nodeId, int index, StopReason reason) {
    Stop {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * An index left without an instance after {@code crashes} crashes in a row: until
   * {@code untilNanos} (nanoTime) while its back-off runs, for good (empty) once the restart
   * policy gave up and the index is FAILED.
   */
  record Hold(int index, int crashes, OptionalLong untilNanos) {
    Hold {
      Objects.requireNonNull(untilNanos, "untilNanos");
    }

    /** Held for good: the restart policy gave up on the index. */
    static Hold failed(int index, int crashes) {
      return new Hold(index, crashes, OptionalLong.empty());
    }

    /** Held while a back-off runs, until {@code untilNanos}. */
    static Hold backOff(int index, int crashes, long untilNanos) {
      return new Hold(index, crashes, OptionalLong.of(untilNanos));
    }
  }

  /**
   * Where the app's current generation stands against the one it replaces.
   *
   * @param sinceNanos when the rollout was first seen not yet healthy; 0 unless {@code status}
   *     is WATCHED or STALLED
   * @param running instances of the current generation RUNNING
   */
  record Rollout(RolloutStatus status, long sinceNanos, int running) {
    /** No rollout to watch: nothing of the previous generation serves, or the new one all runs. */
    static final Rollout NONE = new Rollout(RolloutStatus.NONE, 0, 0);

    Rollout {
      Objects.requireNonNull(status, "status");
      if (running < 0) {
        throw new IllegalArgumentException("running must be >= 0: " + running);
      }
    }
  }

  /** Where a rollout stands; see {@link Rollout}. */
  enum RolloutStatus {
    /** Nothing to watch. */
    NONE,
    /** The previous generation serves while the new one comes up, within its timeout. */
    WATCHED,
    /**
     * The new generation did not become healthy within the rollout timeout while the previous one
     * serves: the rollout is to be cancelled, and this plan starts and stops nothing of either.
     */
    STALLED
  }

  /** Why an index is started. */
  enum StartReason {
    /** Nothing ran it: a new app, a scale-up, or an instance that ended without a crash. */
    MISSING("missing"),
    /** Its instance crashed and the back-off, if any, is over. */
    CRASHED("restart after a crash"),
    /** An instance of an older generation serves it until this one runs. */
    NEW_GENERATION("new generation"),
    /** Its instance is on a draining node, and serves until this one runs. */
    DRAINING("moved off a draining node"),
    /** Its instance was on a node now DEAD. */
    NODE_DEAD("node dead");

    private final String text;

    StartReason(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** Why an instance is stopped. */
  enum StopReason {
    /** Its index is at or above the instance count, which is above 0. */
    SCALED_DOWN,
    /** The app wants no instance: stopped, or not staged. */
    APP_STOPPED,
    /** The app is gone from the store. */
    APP_DELETED,
    /** Of a generation newer than the app's, which a cancelled rollout left behind. */
    UNWANTED_GENERATION,
    /** Another instance of the current generation runs its index. */
    DUPLICATE,
    /**
     * Of an older generation, and its index has a RUNNING instance of the current one, or it does
     * not run itself and its index has nothing of the current generation (which is started).
     */
    REPLACED,
    /** On a draining node, and replaced as {@link #REPLACED} says. */
    DRAINED;

    /** The reason as a node logs it, for instance {@code index} of an app at {@code generation}. */
    String describe(int index, long generation) {
      return switch (this) {
        case SCALED_DOWN -> "scaled down";
        case APP_STOPPED -> "app stopped";
        case APP_DELETED -> "app deleted";
        case UNWANTED_GENERATION -> "from a generation the store no longer asks for";
        case DUPLICATE -> "duplicate of index " + index;
        case REPLACED -> "replaced by generation " + generation;
        case DRAINED -> "node draining; replaced by an instance elsewhere";
      };
    }
  }
}
