package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An app's uploaded bits, stored as a reproducible archive in the blob store: the same files give
 * the same archive and so the same sha256. Immutable and thread-safe.
 *
 * @param appName the app the package was uploaded for
 * @param sha256 the blob's address: 64 lower-case hex digits
 * @param sizeBytes the stored archive's size in bytes, not that of the files it holds
 * @param state where it is on its way to a droplet; PENDING when just uploaded
 * @param failure why staging failed, when {@code state} is FAILED; empty otherwise
 * @param uploadedAt when it was stored, by the cloud's clock
 */
public record AppPackage(String appName, String sha256, long sizeBytes, PackageState state,
    Optional<String> failure, Instant uploadedAt) {
  /**
   * Checks the parts are present; a null {@code failure} is read as empty. Nothing else is
   * checked.
   *
   * @param appName not null
   * @param sha256 not null
   * @param sizeBytes not checked
   * @param state not null
   * @param failure null for empty
   * @param uploadedAt not null
   * @throws NullPointerException if a part other than {@code failure} is null
   */
  public AppPackage {
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(state, "state");
    failure = failure == null ? Optional.empty() : failure;
    Objects.requireNonNull(uploadedAt, "uploadedAt");
  }
}
