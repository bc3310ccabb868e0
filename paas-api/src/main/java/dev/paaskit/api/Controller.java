package dev.paaskit.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cloud's front door: desired state of apps, and what is known of their instances.
 * Every change is validated first and stored whole, or not at all. A change is desired state:
 * the health manager then starts and stops instances to match it, after the call returns; a
 * {@link Deployment} waits for that.
 *
 * <pre>{@code
 * Deployment push = controller.push(AppSpec.builder("hello").instances(2).build(),
 *     Path.of("hello"), System.out::println);
 * push.running(Duration.ofMinutes(2)).join(); // both instances RUNNING and routed
 * }</pre>
 *
 * <p>Thread-safe; concurrent changes of one app are each applied whole (compare-and-set,
 * retried), none lost. Methods that name an app throw {@link InvalidSpecException} naming the
 * field {@code name} for a name that is no DNS label and, except {@link #find} and
 * {@link #followEvents}, {@link NotFoundException} for an app that does not exist. A change that
 * keeps losing to others throws {@link ConflictException}. Events of a change are published
 * asynchronously: {@link #events} may not show them the moment the call returns.
 *
 * <p>A {@code RemoteController} (paas-rest) implements this interface over HTTP with the same
 * exceptions; failures to reach its server are {@link java.io.UncheckedIOException}.
 */
public interface Controller {
  /**
   * Stores a new app, STOPPED, with no package and no droplet; {@link #upload} and
   * {@link #stage}, then {@link #start}, make it run, or {@link #push} does it all.
   *
   * @param spec the app's spec; its routes (or its default route) are claimed for it
   * @return the app as stored, generation 1
   * @throws ConflictException if an app of that name exists, or another app holds one of its
   *     routes; nothing is stored then
   */
  App create(AppSpec spec);

  /**
   * Replaces the spec of the app of the same name, leaving its state, package and droplet as
   * they are. A change its instances see (memory, disk, command, environment, routes, health
   * check, pre-running hooks, placement, labels) starts a new generation, which replaces the
   * running instances; a change of the instance count alone scales them; a change of the
   * cartridge or the staging hooks waits for the next staging. Routes the new spec drops are
   * released once it is stored.
   *
   * @param spec the new spec, naming the app
   * @return the app as stored
   * @throws NotFoundException if no app has the spec's name
   * @throws ConflictException if another app holds one of the new routes
   */
  App update(AppSpec spec);

  /**
   * Deletes the app and releases its name and routes at once; the health manager stops its
   * instances after this returns. Its events are forgotten; its package and droplet blobs stay.
   *
   * @param name the app's name
   * @throws NotFoundException if there is no such app
   */
  void delete(String name);

  /**
   * The app named {@code name}, if there is one.
   *
   * @param name the app's name
   * @return the app as stored now, or empty
   * @throws InvalidSpecException if {@code name} is no DNS label
   */
  Optional<App> find(String name);

  /**
   * The app named {@code name}.
   *
   * @param name the app's name
   * @return the app as stored now
   * @throws NotFoundException if there is no such app
   */
  App get(String name);

  /**
   * Every app of the cloud.
   *
   * @return the apps as stored now, sorted by name; empty when there are none
   */
  List<App> apps();

  /**
   * Stores {@code bits} (a folder, or a zip, tar or tar.gz archive) as the app's next package,
   * on the calling thread. The bits are checked whole before anything is stored; then the app's
   * package is the new one, PENDING, while its droplet, and the instances running it, are kept
   * until a staging of the new package succeeds.
   *
   * @param name the app's name
   * @param bits a folder or an archive file; version-control folders at its top are left out
   * @return the stored package, PENDING
   * @throws InvalidArchiveException naming the offending entry, or the upload as a whole when
   *     nothing is at {@code bits}, it is no archive, or it passes a size limit
   * @throws NotFoundException if there is no such app
   * @throws IOException when the bits cannot be read or the blob store fails
   */
  AppPackage upload(String name, Path bits) throws IOException;

  /**
   * Stages the app's latest package into a droplet, streaming staging output to {@code log},
   * and makes it the app's droplet. A droplet other than the app's current one starts a new
   * generation, so a STARTED app's instances are replaced; the app's state stays as it is.
   *
   * @param name the app's name
   * @param log called with each line of staging output as it is written, one at a time, on a
   *     staging thread; it must not block
   * @return completes with the droplet, on a staging thread; fails with
   *     {@link StagingException} (the package is then FAILED and the previous droplet kept), or
   *     with {@link ConflictException} when the app has no package
   * @throws NotFoundException if there is no such app
   */
  CompletableFuture<Droplet> stage(String name, Consumer<String> log);

  /**
   * Creates or updates the app, uploads, stages and starts it, streaming staging output to
   * {@code log}. Nothing is stored unless staging succeeds. The returned handle's
   * {@link Deployment#staged() staged()} completes once the app is stored, started, and
   * {@link Deployment#running(java.time.Duration) running(timeout)} once the instances of the
   * pushed generation run (for an app already running, once they have replaced the previous
   * ones). Failures of the push come through {@code staged()}: {@link StagingException},
   * {@link InvalidArchiveException}, {@link ConflictException} for a route taken. Pushes run a
   * few at a time; more wait their turn.
   *
   * @param spec the app's spec: a new app is created with it, an existing one updated to it
   * @param bits a folder or an archive file, as {@link #upload} takes
   * @param log called with each line of staging output as it is written, one at a time, on a
   *     staging thread; it must not block
   * @return a handle whose {@code staged()} completes with the app as stored, STARTED
   * @throws InvalidSpecException for an invalid app name, before anything starts
   */
  Deployment push(AppSpec spec, Path bits, Consumer<String> log);

  /**
   * Marks the app STARTED, so that its instances are started; idempotent. Use
   * {@link #deployment(String)} to wait for them.
   *
   * @param name the app's name
   * @return the app as stored
   * @throws NotFoundException if there is no such app
   * @throws ConflictException if the app has never been staged
   */
  App start(String name);

  /**
   * Marks the app STOPPED, so that its instances are stopped after this returns; idempotent.
   *
   * @param name the app's name
   * @return the app as stored
   * @throws NotFoundException if there is no such app
   */
  App stop(String name);

  /**
   * Starts a new generation of the app, STARTED even if it was stopped: every instance is
   * replaced by a new one. Use {@link #deployment(String)} to wait for them.
   *
   * @param name the app's name
   * @return the app as stored, its generation one higher
   * @throws NotFoundException if there is no such app
   * @throws ConflictException if the app has never been staged
   */
  App restart(String name);

  /**
   * Sets the app's instance count. The change is stored before this returns, so the handle's
   * {@link Deployment#staged() staged()} is complete; its
   * {@link Deployment#running(java.time.Duration) running(timeout)} completes once that many
   * instances run and the ones beyond them have stopped serving. The generation stays: the
   * instances that run go on running.
   *
   * @param name the app's name
   * @param instances the new count, 0 to {@link AppSpec#MAX_INSTANCES}
   * @return a handle on the app's generation, with the scale stored
   * @throws InvalidSpecException if {@code instances} is out of range
   * @throws NotFoundException if there is no such app
   */
  Deployment scale(String name, int instances);

  /**
   * A handle on the app's current generation as it is now, to wait until it runs: after a
   * {@link #start}, a {@link #restart}, an {@link #update}, or to see whether an app serves.
   * Its {@link Deployment#staged() staged()} is complete with the app as read. A crash the
   * controller had heard of before this call fails nothing; an index the restart policy gave up
   * on (FAILED) fails the wait at once, and so does a stopped app.
   *
   * @param name the app's name
   * @return a handle whose {@code staged()} is already complete
   * @throws NotFoundException if there is no such app
   */
  Deployment deployment(String name);

  /**
   * The app's instances as their nodes last reported them, including ended ones the nodes still
   * report, and those just placed (STARTING) that their node has not reported yet.
   *
   * @param name the app's name
   * @return the instances, sorted by index, then by instance id; empty when none runs
   * @throws NotFoundException if there is no such app
   */
  List<InstanceStatus> instances(String name);

  /**
   * The last {@code lines} lines of output of each of the app's instances, merged by time, oldest
   * first. Asks every node that runs one and waits for their answers on the calling thread, a
   * few seconds at most; a node that does not answer in time is left out.
   *
   * @param name the app's name
   * @param lines how many lines of each instance, 0 or more
   * @return the lines by time, then by index
   * @throws IllegalArgumentException if {@code lines} is negative
   * @throws NotFoundException if there is no such app
   */
  List<LogEntry> logs(String name, int lines);

  /**
   * Streams the app's output as it is written, from now on, until the returned handle is
   * closed. Lines arrive on the cloud's threads (a remote controller's: one of its own), one at
   * a time and in the order each instance wrote them; {@code listener} must neither block nor
   * throw: an exception is logged, and a remote controller's stream ends with it.
   *
   * @param name the app's name
   * @param listener called with each line
   * @return a handle whose {@code close()} stops the stream; idempotent
   * @throws NotFoundException if there is no such app
   */
  AutoCloseable followLogs(String name, Consumer<LogEntry> listener);

  /**
   * The app's recent events: those the controller heard since it started, as many as it keeps
   * (the latest 500 in a cloud PaasKit builds).
   *
   * @param name the app's name
   * @return the events, oldest first
   * @throws NotFoundException if there is no such app
   */
  List<Event> events(String name);

  /**
   * Calls {@code listener} with each event of the app from now on, until the returned handle is
   * closed: a way to wait for instances to run without polling. The app need not exist yet, so
   * a push can follow the app it is about to create. Events arrive on the thread that delivers
   * them (a remote controller's: one of its own), one at a time; {@code listener} must be quick
   * and must not throw: an exception is logged, and a remote controller's stream ends with it.
   *
   * @param name the app's name, a DNS label
   * @param listener called with each event
   * @return a handle whose {@code close()} stops the calls; idempotent
   * @throws InvalidSpecException if {@code name} is no DNS label
   */
  AutoCloseable followEvents(String name, Consumer<Event> listener);

  /**
   * Every node the cloud knows: each that has sent a heartbeat, in whatever state the health
   * manager sees it now, dead ones included.
   *
   * @return the nodes, sorted by id
   */
  List<NodeStatus> nodes();

  /**
   * Empties a node: it takes no new instances, and each of its instances is started elsewhere
   * before it is stopped there, so nothing stops serving. Idempotent; the draining lasts until
   * {@link #resume}, and the node then shows as DRAINING.
   *
   * @param nodeId the node's id
   * @throws NotFoundException if the cloud knows no such node
   */
  void drain(String nodeId);

  /**
   * Lets a drained node take instances again; instances moved off it stay where they are.
   * Idempotent, and harmless on a node that is not draining.
   *
   * @param nodeId the node's id
   * @throws NotFoundException if the cloud knows no such node
   */
  void resume(String nodeId);
}
