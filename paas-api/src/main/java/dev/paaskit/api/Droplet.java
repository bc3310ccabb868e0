package dev.paaskit.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A staged, runnable image of an app: a reproducible {@code tar.gz} in the blob store. Immutable
 * and thread-safe.
 *
 * @param sha256 the blob's address; the same package and cartridge give the same sha256
 * @param packageSha256 the package it was staged from
 * @param cartridge the cartridge that staged it
 * @param command the start command the cartridge chose (the app's own command may override it)
 * @param env environment the cartridge adds for every instance; the app's own variables win
 * @param sizeBytes the droplet archive's size in bytes
 * @param stagedAt when it was staged, by the cloud's clock; for a cache hit, when it was first
 *     staged
 * @param cacheHit true when an earlier staging of the same inputs (package, cartridge and its
 *     version, environment, hooks) was reused
 */
public record Droplet(String sha256, String packageSha256, String cartridge, String command,
    Map<String, String> env, long sizeBytes, Instant stagedAt, boolean cacheHit) {
  /**
   * Checks the parts are present and copies the environment; a null environment is read as
   * empty. Nothing else is checked.
   *
   * @param sha256 not null
   * @param packageSha256 not null
   * @param cartridge not null
   * @param command not null
   * @param env copied, its order not kept; null for none
   * @param sizeBytes not checked
   * @param stagedAt not checked
   * @param cacheHit as given
   * @throws NullPointerException if a text part is null, or {@code env} holds a null key or
   *     value
   */
  public Droplet {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(packageSha256, "packageSha256");
    Objects.requireNonNull(cartridge, "cartridge");
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env == null ? Map.of() : env);
  }
}
