package dev.paaskit.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An app's uploaded bits, stored as a reproducible archive in the blob store.
 *
 * @param failure why staging failed, when {@code state} is FAILED
 */
public record AppPackage(String appName, String sha256, long sizeBytes, PackageState state,
    Optional<String> failure, Instant uploadedAt) {
  public AppPackage {
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(state, "state");
    failure = failure == null ? Optional.empty() : failure;
    Objects.requireNonNull(uploadedAt, "uploadedAt");
  }
}
