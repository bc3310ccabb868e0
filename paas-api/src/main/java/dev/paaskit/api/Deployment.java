package dev.paaskit.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A change of an app on its way to running: what {@link Controller#push push},
 * {@link Controller#scale scale} and {@link Controller#deployment deployment} return. It follows
 * one generation of the app (see {@link App#generation()}) in two steps, as a Kubernetes
 * rollout's status does: {@link #staged()}, once the change is stored, and
 * {@link #running(Duration)}, once every instance the app wants runs that generation.
 *
 * <pre>{@code
 * Deployment push = controller.push(spec, Path.of("hello"), System.out::println);
 * App app = push.staged().join();                     // staged and stored, STARTED
 * push.running(Duration.ofMinutes(2)).join();         // every instance RUNNING and routed
 * }</pre>
 *
 * <p><b>Running.</b> The future of {@link #running(Duration)} completes once, for each index
 * below the app's instance count, an instance of the followed generation is RUNNING, and no other
 * instance of the app is: the previous generation's instances (during a rollout) and the extra
 * ones (after a scale down) have stopped serving. The count is the app's as stored at each look,
 * so a scale during the wait moves the goal.
 *
 * <p><b>Routable.</b> Once every wanted instance runs, the wait asks the cloud's routers to
 * confirm that they route to those instances, and completes when one answers (it answers once
 * the last route registered; one that does not answer within 5 s is asked again). A cloud that
 * runs no router completes when the instances run. An app with no routes is running then too.
 *
 * <p><b>Failure.</b> The future fails with the {@link StagingException} (or other failure) of
 * {@link #staged()}, or with a {@link DeploymentFailedException} saying why the generation will
 * not run: an instance of it crashed (its index, exit code, signal or memory kill, last output),
 * no node fits (counts per reason), the timeout passed (what was seen), or the app moved on (a
 * newer generation, a cancelled rollout, a stop or delete). A crash of an instance of an older
 * generation, still serving during a rollout, fails nothing. When the cloud closes first, the
 * future fails with an {@link IllegalStateException} saying so, at once for a wait begun on a
 * closed cloud.
 *
 * <p>Thread-safe. The wait is driven by the cloud's instance reports and events, never by polling;
 * its timeout runs on the cloud's clock, so a virtual clock drives it in tests. The futures
 * complete on the cloud's threads (a {@code RemoteController}'s, for a remote cloud): stages
 * added to them without an executor run there and must not block.
 */
public interface Deployment {
  /** How long {@link #running()} waits: 5 minutes, as the Cloud Foundry CLI waits for a start. */
  Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The app the change is for.
   *
   * @return the app's name, known before anything completes
   */
  String appName();

  /**
   * Completes with the app as stored once the change is: for a push, once its bits are staged
   * and the app is stored STARTED; for a scale, or a handle on an app as it is, at once. Fails
   * as the push does: {@link StagingException} with the staging output,
   * {@link InvalidArchiveException}, {@link ConflictException} and so on.
   *
   * @return the same future on every call; completes on the cloud's threads
   */
  CompletableFuture<App> staged();

  /**
   * A future of the followed generation running, as the type's documentation defines it.
   * Each call returns a new future; cancelling it stops that wait only.
   *
   * @param timeout how long to wait, counted on the cloud's clock from this call or from the
   *     change being stored, whichever is later; staging is bounded by the stager's own timeout
   * @return completes with the status seen when every wanted instance ran; fails with
   *     {@link DeploymentFailedException}, the failure of {@link #staged()}, or
   *     {@link IllegalStateException} when the cloud closes first
   * @throws IllegalArgumentException if {@code timeout} is negative or zero
   */
  CompletableFuture<DeploymentStatus> running(Duration timeout);

  /**
   * {@link #running(Duration)} with the {@link #DEFAULT_TIMEOUT}.
   *
   * @return a new future, as {@link #running(Duration)} returns
   */
  default CompletableFuture<DeploymentStatus> running() {
    return running(DEFAULT_TIMEOUT);
  }

  /**
   * Where the followed generation stands now; empty until {@link #staged()} has completed
   * normally. A remote controller asks its server, on the calling thread.
   *
   * @return the status as the instances' nodes last reported them; empty while the change is
   *     not stored, or when storing it failed
   * @throws NotFoundException if the app has been deleted since
   */
  Optional<DeploymentStatus> status();
}
