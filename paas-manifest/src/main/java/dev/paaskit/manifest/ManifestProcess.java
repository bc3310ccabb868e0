package dev.paaskit.manifest;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a Cloud Foundry app's {@code processes:} list. Empty parts were not given. The
 * {@code web} process fills in what the app itself leaves out (see {@link
 * ManifestApp#toSpecBuilder()}); PaaSKit runs no other process type, but keeps them here so that
 * a caller can report them.
 *
 * @param type the process type, such as {@code web} or {@code worker}
 * @param timeout seconds an instance may take to become healthy ({@code timeout:})
 */
public record ManifestProcess(String type, Optional<String> command, Optional<Integer> instances,
    Optional<ByteSize> memory, Optional<ByteSize> disk, Optional<HealthCheck.Type> healthCheckType,
    Optional<String> healthCheckHttpEndpoint, Optional<Duration> timeout) {

  /** @throws IllegalArgumentException when a value is out of range, naming it */
  public ManifestProcess {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("a process needs a type: " + type);
    }
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(healthCheckType, "healthCheckType");
    ManifestApp.checkInstances(Objects.requireNonNull(instances, "instances"));
    ManifestApp.checkEndpoint(Objects.requireNonNull(healthCheckHttpEndpoint, "endpoint"));
    ManifestApp.checkTimeout(Objects.requireNonNull(timeout, "timeout"));
  }

  boolean isWeb() {
    return type.equals("web");
  }
}
