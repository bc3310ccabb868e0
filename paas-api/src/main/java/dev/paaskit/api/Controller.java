package dev.paaskit.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cloud's front door: desired state of apps, and what is known of their instances.
 * Every change is validated first and stored whole, or not at all.
 *
 * <pre>{@code
 * Deployment push = controller.push(AppSpec.builder("hello").instances(2).build(),
 *     Path.of("hello"), System.out::println);
 * push.running(Duration.ofMinutes(2)).join(); // both instances RUNNING and routed
 * }</pre>
 *
 * <p>Thread-safe. Methods that name an app throw {@link NotFoundException} for an unknown name.
 */
public interface Controller {
  /**
   * Stores a new app, STOPPED and not yet staged.
   *
   * @throws ConflictException if an app of that name exists
   */
  App create(AppSpec spec);

  /** Replaces the spec of the app of the same name; running instances follow the new spec. */
  App update(AppSpec spec);

  /** Deletes the app and stops its instances. */
  void delete(String name);

  Optional<App> find(String name);

  /** @throws NotFoundException if there is no such app */
  App get(String name);

  /** All apps, sorted by name. */
  List<App> apps();

  /**
   * Stores {@code bits} (a folder, or a zip, tar or tar.gz archive) as the app's next package.
   * The bits are checked whole before anything is stored; the app's current package and
   * droplet are kept until a new droplet is staged.
   *
   * @throws InvalidArchiveException naming the offending entry
   */
  AppPackage upload(String name, Path bits) throws IOException;

  /**
   * Stages the app's latest package into a droplet, streaming staging output to {@code log},
   * and makes it the app's droplet. Completes exceptionally with {@link StagingException}.
   */
  CompletableFuture<Droplet> stage(String name, Consumer<String> log);

  /**
   * Creates or updates the app, uploads, stages and starts it, streaming staging output to
   * {@code log}. Nothing is stored unless staging succeeds. The returned handle's
   * {@link Deployment#staged() staged()} completes once the app is stored, started, and
   * {@link Deployment#running(java.time.Duration) running(timeout)} once the instances of the
   * pushed generation run (for an app already running, once they have replaced the previous
   * ones). Failures of the push come through {@code staged()}: {@link StagingException},
   * {@link InvalidArchiveException}, {@link ConflictException} for a route taken.
   *
   * @throws InvalidSpecException for an invalid app name, before anything starts
   */
  Deployment push(AppSpec spec, Path bits, Consumer<String> log);

  App start(String name);

  App stop(String name);

  /** Stops every instance and starts new ones. */
  App restart(String name);

  /**
   * Sets the app's instance count. The change is stored before this returns, so the handle's
   * {@link Deployment#staged() staged()} is complete; its
   * {@link Deployment#running(java.time.Duration) running(timeout)} completes once that many
   * instances run and the ones beyond them have stopped serving.
   *
   * @throws InvalidSpecException if {@code instances} is out of range
   */
  Deployment scale(String name, int instances);

  /**
   * A handle on the app's current generation as it is now, to wait until it runs: after a
   * {@link #start}, a {@link #restart}, an {@link #update}, or to see whether an app serves.
   * Its {@link Deployment#staged() staged()} is complete with the app as read. A crash the
   * controller had heard of before this call fails nothing; an index the restart policy gave up
   * on (FAILED) fails the wait at once, and so does a stopped app.
   */
  Deployment deployment(String name);

  /** The app's instances as last reported, sorted by index. */
  List<InstanceStatus> instances(String name);

  /**
   * The last {@code lines} lines of output of each of the app's instances, merged by time, oldest
   * first.
   */
  List<LogEntry> logs(String name, int lines);

  /**
   * Streams the app's output as it is written, until the returned handle is closed. Lines
   * arrive on the cloud's threads, one at a time per instance.
   */
  AutoCloseable followLogs(String name, Consumer<LogEntry> listener);

  /** The app's recent events, oldest first. */
  List<Event> events(String name);

  /**
   * Calls {@code listener} with each event of the app from now on, until the returned handle is
   * closed: a way to wait for instances to run without polling.
   */
  AutoCloseable followEvents(String name, Consumer<Event> listener);

  /** Every node the cloud knows, sorted by id. */
  List<NodeStatus> nodes();

  /**
   * Empties a node: it takes no new instances, and each of its instances is started elsewhere
   * before it is stopped there, so nothing stops serving. Idempotent.
   *
   * @throws NotFoundException if the cloud knows no such node
   */
  void drain(String nodeId);

  /** Lets a drained node take instances again. */
  void resume(String nodeId);
}
