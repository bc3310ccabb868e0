package dev.paaskit.api.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs instances in isolated containers: plain processes, Linux namespaces with cgroups, or
 * in-memory fakes for tests.
 *
 * <p>Life of a container: {@link #create} (nothing runs yet), {@link #start}, then it ends on its
 * own or through {@link #stop}; {@link #remove} forgets it. Its id names it from creation until
 * removal and cannot be used for another container meanwhile.
 *
 * <p>What an implementation must guarantee: thread-safety, calls on different containers
 * running at once; a refusal (an unknown id, a second start, a duplicate id) is an exception
 * whose message names the id; the container's {@link ContainerListener} is called one call at a
 * time, with every output line before the one {@link ContainerListener#onExit onExit} of a
 * container that ran, and nothing after it; a container's whole process tree ends with it, and
 * none outlives {@link #close()}. {@code ContainerBackendContract} in paas-testing holds the
 * tests every implementation must pass. A node calls it from its own threads and may block on
 * it.
 */
public interface ContainerBackend extends AutoCloseable {
  /**
   * A short name for logs and node advertisements, such as {@code process}.
   *
   * @return the name, not blank
   */
  String name();

  /**
   * Prepares a container from {@code spec}: CREATED, nothing runs yet.
   *
   * @param spec what to run, and the listener to report to
   * @throws IllegalStateException if a container with the same id exists, ended or not, until
   *     it is removed
   * @throws IOException when the backend cannot prepare what the container needs
   */
  void create(ContainerSpec spec) throws IOException;

  /**
   * Starts a created container's command; returns once it runs (RUNNING), without waiting for
   * it to end.
   *
   * @param id the container's id
   * @throws IllegalStateException if the container has been started or stopped before
   * @throws RuntimeException naming {@code id} when there is no such container; the type is the
   *     backend's
   * @throws IOException when the command cannot be started
   */
  void start(String id) throws IOException;

  /**
   * Asks the container to stop (SIGTERM to its whole process tree, or the backend's equivalent),
   * then kills it when it is still alive after {@code grace}. Completes with its exit once it
   * has ended; completes at once for a container that already ended, and ends one never
   * started at once. Idempotent: every stop of one container completes with the same exit.
   *
   * @param id the container's id
   * @param grace how long to wait after SIGTERM before killing; not negative
   * @return completes with the exit: {@code requested} unless the container had ended on its
   *     own first. For an unknown id, fails (or throws) with an exception naming it
   */
  CompletableFuture<ExitStatus> stop(String id, Duration grace);

  /**
   * The container's current state.
   *
   * @param id the container's id
   * @return its state, process id where the backend has one, and exit once ended; empty for an
   *     unknown or removed id
   */
  Optional<ContainerInfo> inspect(String id);

  /**
   * What a running container uses now.
   *
   * @param id the container's id
   * @return its readings; empty for an unknown, ended or removed id, and from a backend that
   *     counts nothing (the default)
   */
  default Optional<ContainerStats> stats(String id) {
    return Optional.empty();
  }

  /**
   * Whether this backend isolates containers from each other and from the host: their own
   * user, namespaces and cgroup limits. A node says so at start-up when it does not.
   *
   * @return false by default
   */
  default boolean isolates() {
    return false;
  }

  /**
   * The containers the backend holds.
   *
   * @return the ids of all containers not yet removed, ended ones included, each once, in no
   *     particular order; a copy
   */
  List<String> list();

  /**
   * Forgets an ended (or never started) container and frees what the backend holds for it; its
   * id may then be used again. The container's work folder is the node's to delete.
   *
   * @param id the container's id
   * @throws IllegalStateException if the container is still running or stopping
   * @throws RuntimeException naming {@code id} when there is no such container
   * @throws IOException when what the backend holds cannot be freed
   */
  void remove(String id) throws IOException;

  /**
   * Stops every container (killing after a short grace) and releases the backend, within a
   * bound of some seconds even when a container ignores SIGTERM. Idempotent; the backend may
   * refuse calls after it.
   */
  @Override
  void close();
}
