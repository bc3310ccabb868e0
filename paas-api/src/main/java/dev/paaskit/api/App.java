package dev.paaskit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An app as the controller stores it.
 *
 * @param id stable for the app's life, unlike its name
 * @param version the store revision of this state of the app: it grows with every change
 * @param dropletSha256 the droplet instances run, once the app has been staged
 * @param urls the host names routed to it
 * @param generation grows whenever the app's running instances must be replaced: a new
 *     droplet, a spec change they see, a restart; each instance reports the generation it runs
 *     ({@link InstanceStatus#generation()}), and a {@link Deployment} follows one. 0 when
 *     unknown, as from a server older than the field
 */
public record App(String id, AppSpec spec, AppState state, PackageState packageState,
    Optional<String> packageSha256, Optional<String> dropletSha256, List<String> urls,
    long version, Instant createdAt, Instant updatedAt, long generation) {
  /**
   * Checks and copies the parts.
   *
   * @throws IllegalArgumentException if {@code generation} is negative
   */
  public App {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(packageState, "packageState");
    packageSha256 = packageSha256 == null ? Optional.empty() : packageSha256;
    dropletSha256 = dropletSha256 == null ? Optional.empty() : dropletSha256;
    urls = List.copyOf(urls == null ? List.of() : urls);
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
  }

  public String name() {
    return spec.name();
  }
}
