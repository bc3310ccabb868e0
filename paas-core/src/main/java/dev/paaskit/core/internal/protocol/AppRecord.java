package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.App;
import dev.paaskit.api.AppState;
import dev.paaskit.api.PackageState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An app as stored under {@link StoreKeys#app(String)}: the desired state the health manager
 * converges to.
 *
 * @param generation increases whenever running instances must be replaced: a new droplet, a
 *     spec change that instances see, a restart
 * @param previous what ran before the last generation change, for cancelling a rollout that does
 *     not become healthy; null when there is nothing to go back to
 * @param equivalentGeneration a generation whose instances count as current too, or 0: after a
 *     cancelled rollout the restored generation's instances keep serving without a restart
 */
public record AppRecord(String id, SpecRecord spec, AppState state, PackageState packageState,
    String packageSha256, long packageSizeBytes, long packageUploadedMillis, String failure,
    DropletRecord droplet, long generation, long createdMillis, long updatedMillis,
    Previous previous, long equivalentGeneration) {

  /** A generation an app can go back to. */
  public record Previous(long generation, SpecRecord spec, DropletRecord droplet) {}

  /** Whether instances of {@code instanceGeneration} run what this record asks for. */
  public boolean isCurrent(long instanceGeneration) {
    return instanceGeneration == generation
        || (equivalentGeneration > 0 && instanceGeneration == equivalentGeneration);
  }

  /** How many instances should run now. */
  public int desiredInstances() {
    return state == AppState.STARTED && droplet != null ? spec.instances() : 0;
  }

  /** The host names routed to the app under {@code domain}; none for a no-route app. */
  public List<String> urls(String domain) {
    if (spec.noRoute()) {
      return List.of();
    }
    return spec.routes().isEmpty() ? List.of(spec.name() + "." + domain) : spec.routes();
  }

  public App toApp(String domain, long version) {
    return new App(id, spec.toSpec(), state, packageState, Optional.ofNullable(packageSha256),
        Optional.ofNullable(droplet).map(DropletRecord::sha256), urls(domain), version,
        Instant.ofEpochMilli(createdMillis), Instant.ofEpochMilli(updatedMillis), generation);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Derives a changed copy. */
  public static final class Builder {
    private String id;
    private SpecRecord spec;
    private AppState state;
    private PackageState packageState;
    private String packageSha256;
    private long packageSizeBytes;
    private long packageUploadedMillis;
    private String failure;
    private DropletRecord droplet;
    private long generation;
    private long createdMillis;
    private long updatedMillis;
    private Previous previous;
    private long equivalentGeneration;
    private final AppRecord original;

    private Builder(AppRecord r) {
      original = r;
      previous = r.previous;
      equivalentGeneration = r.equivalentGeneration;
      id = r.id;
      spec = r.spec;
      state = r.state;
      packageState = r.packageState;
      packageSha256 = r.packageSha256;
      packageSizeBytes = r.packageSizeBytes;
      packageUploadedMillis = r.packageUploadedMillis;
      failure = r.failure;
      droplet = r.droplet;
      generation = r.generation;
      createdMillis = r.createdMillis;
      updatedMillis = r.updatedMillis;
    }

    public Builder spec(SpecRecord v) { spec = v; return this; }
    public Builder state(AppState v) { state = v; return this; }
    public Builder packageState(PackageState v) { packageState = v; return this; }
    public Builder packageSha256(String v) { packageSha256 = v; return this; }
    public Builder packageSizeBytes(long v) { packageSizeBytes = v; return this; }
    public Builder packageUploadedMillis(long v) { packageUploadedMillis = v; return this; }
    public Builder failure(String v) { failure = v; return this; }
    public Builder droplet(DropletRecord v) { droplet = v; return this; }
    /**
     * Replaces the instances: remembers what ran until now (if it ever ran) as the generation a
     * failed rollout goes back to.
     */
    public Builder nextGeneration() {
      generation++;
      equivalentGeneration = 0;
      previous = original.droplet == null ? null
          : new Previous(original.generation, original.spec, original.droplet);
      return this;
    }

    /** Goes back to {@code to}, whose instances are still serving, as generation + 1. */
    public Builder rollBackTo(Previous to) {
      generation++;
      spec = to.spec();
      droplet = to.droplet();
      equivalentGeneration = to.generation();
      previous = null;
      return this;
    }
    public Builder updatedMillis(long v) { updatedMillis = v; return this; }

    public AppRecord build() {
      return new AppRecord(id, spec, state, packageState, packageSha256, packageSizeBytes,
          packageUploadedMillis, failure, droplet, generation, createdMillis, updatedMillis,
          previous, equivalentGeneration);
    }
  }
}
