package dev.paaskit.rest;

import dev.paaskit.api.Deployment;
import dev.paaskit.api.spi.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The deployments of the pushes and scales this server made lately, by the id their answers
 * named, so that a client waits on the very change it made: crashes and placement failures since
 * that change count, as they do for an in-process caller. At most {@link #MAX} are kept, each for
 * {@link #TTL} on the server's clock; a client whose id is gone waits on the app as it is.
 * Thread-safe.
 */
final class RecentDeployments {
  static final int MAX = 1024;
  static final Duration TTL = Duration.ofHours(1);

  private final Clock clock;
  /** Oldest first; guarded by this. */
  private final Map<String, Kept> kept = new LinkedHashMap<>();

  private record Kept(Deployment deployment, long expiresNanos) {}

  RecentDeployments(Clock clock) {
    this.clock = clock;
  }

  /** Keeps {@code deployment}; its id. The oldest one goes when {@link #MAX} are kept. */
  synchronized String keep(Deployment deployment) {
    prune();
    if (kept.size() >= MAX) {
      Iterator<String> oldest = kept.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    String id = UUID.randomUUID().toString();
    kept.put(id, new Kept(deployment, clock.nanoTime() + TTL.toNanos()));
    return id;
  }

  /** The deployment kept as {@code id} for the app {@code appName}, if it still is. */
  synchronized Optional<Deployment> get(String id, String appName) {
    prune();
    Kept k = kept.get(id);
    return k == null || !k.deployment().appName().equals(appName) ? Optional.empty()
        : Optional.of(k.deployment());
  }

  private void prune() {
    long now = clock.nanoTime();
    kept.values().removeIf(k -> k.expiresNanos() - now < 0);
  }
}
