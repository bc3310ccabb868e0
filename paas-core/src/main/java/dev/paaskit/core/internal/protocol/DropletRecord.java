package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.Droplet;
import java.time.Instant;
import java.util.Map;

/** The stored form of {@link Droplet}. */
public record DropletRecord(String sha256, String packageSha256, String cartridge, String command,
    Map<String, String> env, long sizeBytes, long stagedMillis) {
  public DropletRecord {
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  public static DropletRecord of(Droplet d) {
    return new DropletRecord(d.sha256(), d.packageSha256(), d.cartridge(), d.command(), d.env(),
        d.sizeBytes(), d.stagedAt().toEpochMilli());
  }

  public Droplet toDroplet(boolean cacheHit) {
    return new Droplet(sha256, packageSha256, cartridge, command, env, sizeBytes,
        Instant.ofEpochMilli(stagedMillis), cacheHit);
  }
}
