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
 * own or through {@link #stop}; {@link #remove} forgets it. Thread-safe.
 */
public interface ContainerBackend extends AutoCloseable {
  /** A short name for logs and node advertisements, such as {@code process}. */
  String name();

  /**
   * Prepares a container from {@code spec}.
   *
   * @throws IllegalStateException if a container with the same id exists
   */
  void create(ContainerSpec spec) throws IOException;

  /** Starts a created container's command. */
  void start(String id) throws IOException;

  /**
   * Asks the container to stop (SIGTERM to its whole process tree, or the backend's equivalent),
   * then kills it when it is still alive after {@code grace}. Completes with its exit once it
   * has ended; completes at once for a container that already ended.
   */
  CompletableFuture<ExitStatus> stop(String id, Duration grace);

  /** The container's current state, or empty for an unknown id. */
  Optional<ContainerInfo> inspect(String id);

  /** The ids of all containers not yet removed. */
  List<String> list();

  /** Forgets an ended container and frees what the backend holds for it. */
  void remove(String id) throws IOException;

  /** Stops every container (killing after a short grace) and releases the backend. */
  @Override
  void close();
}
