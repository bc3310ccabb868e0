package dev.paaskit.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A staged, runnable image of an app: a reproducible {@code tar.gz} in the blob store.
 *
 * @param sha256 the blob's address; the same package and cartridge give the same sha256
 * @param packageSha256 the package it was staged from
 * @param cartridge the cartridge that staged it
 * @param command the start command the cartridge chose (the app's own command may override it)
 * @param env environment the cartridge adds for every instance
 * @param cacheHit true when an earlier staging of the same inputs was reused
 */
public record Droplet(String sha256, String packageSha256, String cartridge, String command,
    Map<String, String> env, long sizeBytes, Instant stagedAt, boolean cacheHit) {
  public Droplet {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(packageSha256, "packageSha256");
    Objects.requireNonNull(cartridge, "cartridge");
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env == null ? Map.of() : env);
  }
}
