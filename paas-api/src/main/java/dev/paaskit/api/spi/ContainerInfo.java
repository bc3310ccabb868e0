package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A container as its backend sees it now.
 *
 * @param pid the main process id where the backend has one
 * @param exit present once {@code state} is EXITED
 */
public record ContainerInfo(String id, ContainerState state, OptionalLong pid,
    Optional<ExitStatus> exit) {
  public ContainerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    pid = pid == null ? OptionalLong.empty() : pid;
    exit = exit == null ? Optional.empty() : exit;
  }
}
