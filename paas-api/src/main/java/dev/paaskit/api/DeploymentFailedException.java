package dev.paaskit.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A generation of an app will not run as a {@link Deployment} waited for it to. {@link #reason()}
 * says why, and the other accessors carry what that reason needs: the crashed instance, with its
 * index, node and {@link CrashInfo} (exit code, signal, memory kill, last output); the index no
 * node could take, with how many nodes each reason refused; and for every reason the
 * {@link #status()} last seen.
 *
 * <pre>{@code
 * try {
 *   controller.push(spec, bits, log -> { }).running().join();
 * } catch (CompletionException e) {
 *   if (e.getCause() instanceof DeploymentFailedException f
 *       && f.reason() == DeploymentFailedException.Reason.CRASHED) {
 *     f.crash().ifPresent(c -> c.lastOutput().forEach(System.err::println));
 *   }
 * }
 * }</pre>
 */
public final class DeploymentFailedException extends PaasException {
  /** Why the generation will not run. */
  public enum Reason {
    /**
     * An instance of the generation ended without being asked to: it exited, was killed, or its
     * health check never passed. See {@link #instance()}.
     */
    CRASHED,
    /** No node can take an instance of it. See {@link #index()} and {@link #rejections()}. */
    NOT_PLACED,
    /** The timeout passed first; the message and {@link #status()} say what was seen. */
    TIMED_OUT,
    /**
     * The health manager cancelled the rollout, which did not become healthy in time, and the
     * app went back to the generation before it.
     */
    ROLLED_BACK,
    /** A newer change replaced the generation: another push, an update, a restart. */
    SUPERSEDED,
    /** The app was stopped or deleted. */
    STOPPED
  }

  /** Why the generation will not run. */
  private final Reason reason;
  /** The status last seen before the failure. */
  private final DeploymentStatus status;
  /** The instance that crashed; null for other reasons. */
  private final InstanceStatus instance;
  /** The index that crashed or found no node; null when none is to blame. */
  private final Integer index;
  /** Nodes refused per reason, in filter order; empty unless NOT_PLACED. */
  private final Map<String, Integer> rejections;

  /**
   * A failure as a controller found it, or as a remote client reads it back; {@link #crashed},
   * {@link #notPlaced}, {@link #timedOut} and {@link #ended} word the usual ones. Nothing is
   * checked against {@code reason}: the factories keep the parts consistent.
   *
   * @param reason why the generation will not run; not null
   * @param message the text users see, naming the app and what happened
   * @param status the status last seen; not null
   * @param instance the instance that crashed, for {@link Reason#CRASHED}; empty otherwise, not
   *     null
   * @param index the index that crashed or found no node, if one did; when empty, the index of
   *     {@code instance} if there is one. Not null
   * @param rejections for {@link Reason#NOT_PLACED}, how many nodes each reason refused, in the
   *     order the placement's filters ran; copied in order, empty otherwise
   * @throws NullPointerException if an argument other than {@code message} is null
   */
  public DeploymentFailedException(Reason reason, String message, DeploymentStatus status,
      Optional<InstanceStatus> instance, OptionalInt index, Map<String, Integer> rejections) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.status = Objects.requireNonNull(status, "status");
    this.instance = instance.orElse(null);
    if (index.isPresent()) {
      this.index = index.getAsInt();
    } else {
      this.index = this.instance == null ? null : Integer.valueOf(this.instance.index());
    }
    this.rejections = Collections.unmodifiableMap(new LinkedHashMap<>(rejections));
  }

  /**
   * A {@link Reason#CRASHED} failure, whose message reads {@code instance 2 of web crashed on n1:
   * exited with code 3} followed by the instance's last lines of output, one per line (the exit
   * code alone when the crash has no reason; the state when the instance carries no crash).
   *
   * @param status the status last seen; not null
   * @param instance the crashed instance, whose index becomes {@link #index()}; not null
   * @return the failure, with no rejections
   * @throws NullPointerException if an argument is null
   */
  public static DeploymentFailedException crashed(DeploymentStatus status,
      InstanceStatus instance) {
    StringBuilder b = new StringBuilder("instance ").append(instance.index()).append(" of ")
        .append(instance.appName()).append(" crashed on ").append(instance.nodeId());
    instance.crash().ifPresentOrElse(c -> {
      b.append(": ").append(c.reason().isEmpty() ? "exit code " + c.exitCode() : c.reason());
      if (!c.lastOutput().isEmpty()) {
        b.append("; last output:");
        c.lastOutput().forEach(line -> b.append("\n  ").append(line));
      }
    }, () -> b.append(": ").append(instance.state()));
    return new DeploymentFailedException(Reason.CRASHED, b.toString(), status,
        Optional.of(instance), OptionalInt.of(instance.index()), Map.of());
  }

  /**
   * A {@link Reason#NOT_PLACED} failure, whose message reads {@code cannot place instance 2 of
   * web: } followed by {@code why}.
   *
   * @param status the status last seen; not null
   * @param index the index no node could take
   * @param why the placement's explanation, such as {@code no node fits: 3 short of memory}
   * @param rejections how many nodes each reason refused, in the order the filters ran; copied
   * @return the failure, with no instance
   * @throws NullPointerException if {@code status} or {@code rejections} is null
   */
  public static DeploymentFailedException notPlaced(DeploymentStatus status, int index,
      String why, Map<String, Integer> rejections) {
    return new DeploymentFailedException(Reason.NOT_PLACED, "cannot place instance " + index
        + " of " + status.appName() + ": " + why, status, Optional.empty(), OptionalInt.of(index),
        rejections);
  }

  /**
   * A {@link Reason#TIMED_OUT} failure, whose message reads {@code web not running after 120 s:
   * 2 of 3 RUNNING; index 2 STARTING on n1}: the timeout in seconds when it is whole seconds,
   * else in milliseconds, then {@link DeploymentStatus#describe()}.
   *
   * @param status the status last seen, which the message describes; not null
   * @param timeout the timeout that passed; not null
   * @return the failure, with no instance, index or rejections
   * @throws NullPointerException if an argument is null
   */
  public static DeploymentFailedException timedOut(DeploymentStatus status, Duration timeout) {
    String after = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s"
        : timeout.toMillis() + " ms";
    return new DeploymentFailedException(Reason.TIMED_OUT, status.appName() + " not running after "
        + after + ": " + status.describe(), status, Optional.empty(), OptionalInt.empty(),
        Map.of());
  }

  /**
   * The app moved on: {@link Reason#ROLLED_BACK}, {@link Reason#SUPERSEDED} or
   * {@link Reason#STOPPED}. The message reads {@code generation 4 of web will not run: } followed
   * by {@code why}.
   *
   * @param reason one of the three reasons above
   * @param status the status last seen, whose generation the message names; not null
   * @param why what happened, such as {@code generation 5 replaced it}
   * @return the failure, with no instance, index or rejections
   * @throws IllegalArgumentException for another reason
   */
  public static DeploymentFailedException ended(Reason reason, DeploymentStatus status,
      String why) {
    if (reason != Reason.ROLLED_BACK && reason != Reason.SUPERSEDED && reason != Reason.STOPPED) {
      throw new IllegalArgumentException("not a reason an app moves on for: " + reason);
    }
    return new DeploymentFailedException(reason, "generation " + status.generation() + " of "
        + status.appName() + " will not run: " + why, status, Optional.empty(),
        OptionalInt.empty(), Map.of());
  }

  /**
   * Why the generation will not run; the accessors below say what applies to it.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The status last seen before the failure: for a timeout, what was still missing.
   *
   * @return the status, never null
   */
  public DeploymentStatus status() {
    return status;
  }

  /**
   * The instance that crashed.
   *
   * @return the instance as its node last reported it, for {@link Reason#CRASHED}; empty for the
   *     other reasons
   */
  public Optional<InstanceStatus> instance() {
    return Optional.ofNullable(instance);
  }

  /**
   * Why the {@link #instance()} ended.
   *
   * @return its exit code, signal, memory kill and last output; empty when there is no instance
   *     or it carries no crash
   */
  public Optional<CrashInfo> crash() {
    return instance == null ? Optional.empty() : instance.crash();
  }

  /**
   * The index to blame.
   *
   * @return the index that crashed ({@link Reason#CRASHED}) or found no node
   *     ({@link Reason#NOT_PLACED}); empty for the other reasons
   */
  public OptionalInt index() {
    return index == null ? OptionalInt.empty() : OptionalInt.of(index);
  }

  /**
   * How many nodes each placement reason refused.
   *
   * @return for {@link Reason#NOT_PLACED}, counts by reason (such as {@code short of memory=3}),
   *     in the order the placement's filters ran; otherwise empty. Unmodifiable
   */
  public Map<String, Integer> rejections() {
    return rejections;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code deployment_failed}
   */
  @Override
  public String code() {
    return "deployment_failed";
  }
}
