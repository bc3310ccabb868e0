package dev.paaskit.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An app as the controller stores it: what the user asked for and how far its bits are on the
 * way to running. A snapshot, read when it was returned; immutable and thread-safe.
 *
 * @param id stable for the app's life, unlike its name; a new id after a delete and a create of
 *     the same name
 * @param spec the app's desired state as last stored
 * @param state whether the user wants its instances running; a new app is STOPPED until started
 *     or pushed
 * @param packageState where its latest package stands: PENDING also before any upload, FAILED
 *     when the latest staging failed
 * @param packageSha256 the latest uploaded package's blob; empty before the first upload
 * @param dropletSha256 the droplet instances run, once the app has been staged; a failed staging
 *     of a later package keeps the previous droplet
 * @param urls the host names routed to it: {@link AppSpec#routes()}, or {@code name.<domain>}
 *     when the spec names none; empty for a {@link AppSpec#noRoute()} app
 * @param version the store revision of this state of the app: it grows with every change
 * @param createdAt when the app was first stored, by the cloud's clock (millisecond precision)
 * @param updatedAt when this state was stored, by the cloud's clock (millisecond precision)
 * @param generation grows whenever the app's running instances must be replaced: a new
 *     droplet, a spec change they see, a restart; each instance reports the generation it runs
 *     ({@link InstanceStatus#generation()}), and a {@link Deployment} follows one. 0 when
 *     unknown, as from a server older than the field
 */
public record App(String id, AppSpec spec, AppState state, PackageState packageState,
    Optional<String> packageSha256, Optional<String> dropletSha256, List<String> urls,
    long version, Instant createdAt, Instant updatedAt, long generation) {
  /**
   * Checks and copies the parts; a null optional is read as empty, a null list as empty.
   *
   * @param id not null
   * @param spec not null
   * @param state not null
   * @param packageState not null
   * @param packageSha256 null for empty
   * @param dropletSha256 null for empty
   * @param urls copied; null for none
   * @param version not checked
   * @param createdAt not checked
   * @param updatedAt not checked
   * @param generation 0 or more
   * @throws IllegalArgumentException if {@code generation} is negative
   * @throws NullPointerException if {@code id}, {@code spec}, {@code state} or {@code
   *     packageState} is null, or {@code urls} holds a null
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

  /**
   * The app's name, which its spec carries.
   *
   * @return {@code spec().name()}, a DNS label unique in the cloud while the app exists
   */
  public String name() {
    return spec.name();
  }
}
