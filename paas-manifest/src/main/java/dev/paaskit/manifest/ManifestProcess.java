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
 * a caller can report them. Immutable and thread-safe.
 *
 * @param type the process type, such as {@code web} or {@code worker} (the reader strips it);
 *     only exactly {@code web}, in lower case, is the web process
 * @param command the start command as written
 * @param instances how many instances to run, 0 to
 *     {@link dev.paaskit.api.AppSpec#MAX_INSTANCES}
 * @param memory from {@code memory:}, read as {@link ManifestApp#memory()} is
 * @param disk from {@code disk_quota} (or {@code disk-quota}), read as {@code memory} is
 * @param healthCheckType from {@code health-check-type}; the legacy {@code none} is
 *     {@link HealthCheck.Type#PROCESS}
 * @param healthCheckHttpEndpoint from {@code health-check-http-endpoint}: a path starting with
 *     {@code /}
 * @param timeout how long an instance may take to become healthy ({@code timeout:}, in
 *     seconds); positive, and the reader accepts at most a day
 */
public record ManifestProcess(String type, Optional<String> command, Optional<Integer> instances,
    Optional<ByteSize> memory, Optional<ByteSize> disk, Optional<HealthCheck.Type> healthCheckType,
    Optional<String> healthCheckHttpEndpoint, Optional<Duration> timeout) {

  /**
   * Checks the type and the ranges; the Optionals stand as given.
   *
   * @param type not null or blank
   * @param command not null
   * @param instances not null; when present, 0 to
   *     {@link dev.paaskit.api.AppSpec#MAX_INSTANCES}
   * @param memory not null
   * @param disk not null
   * @param healthCheckType not null
   * @param healthCheckHttpEndpoint not null; when present, starts with {@code /}
   * @param timeout not null; when present, positive
   * @throws IllegalArgumentException when the type is null or blank or a value is out of range;
   *     the message shows the value
   * @throws NullPointerException when an Optional is null, naming it
   */
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
