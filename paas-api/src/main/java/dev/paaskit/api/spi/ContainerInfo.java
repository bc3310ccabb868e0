package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A container as its backend sees it now. A snapshot; immutable and thread-safe.
 *
 * @param id the container's id
 * @param state its state now
 * @param pid the main process id where the backend has one; empty before start and for
 *     backends that run no process
 * @param exit present once {@code state} is EXITED
 */
public record ContainerInfo(String id, ContainerState state, OptionalLong pid,
    Optional<ExitStatus> exit) {
  /**
   * Checks the parts are present; a null optional is read as empty.
   *
   * @param id not null
   * @param state not null
   * @param pid null for empty
   * @param exit null for empty
   * @throws NullPointerException if {@code id} or {@code state} is null
   */
  public ContainerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    pid = pid == null ? OptionalLong.empty() : pid;
    exit = exit == null ? Optional.empty() : exit;
  }
}
