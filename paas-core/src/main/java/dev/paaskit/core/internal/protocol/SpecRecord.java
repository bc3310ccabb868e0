package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The stored form of {@link AppSpec}. Holds secret values: its toString shows their names only. */
public record SpecRecord(String name, int instances, long memoryBytes, long diskBytes,
    String command, Map<String, String> env, Map<String, String> secretEnv, List<String> routes,
    String healthCheckType, String healthCheckEndpoint, long startTimeoutMillis,
    String cartridge, List<String> preStaging, List<String> postStaging, List<String> preRunning,
    boolean noRoute, String stack, Set<String> zones, Set<String> tags, long cpuShares,
    int maxPerNode, Map<String, String> labels) {
  public SpecRecord {
    preStaging = preStaging == null ? List.of() : List.copyOf(preStaging);
    postStaging = postStaging == null ? List.of() : List.copyOf(postStaging);
    preRunning = preRunning == null ? List.of() : List.copyOf(preRunning);
    env = env == null ? Map.of() : Map.copyOf(env);
    secretEnv = secretEnv == null ? Map.of() : Map.copyOf(secretEnv);
    routes = routes == null ? List.of() : List.copyOf(routes);
    // Records stored before placement constraints existed read as "none".
    stack = stack == null ? "" : stack;
    zones = zones == null ? Set.of() : Set.copyOf(zones);
    tags = tags == null ? Set.of() : Set.copyOf(tags);
    // Records stored before labels existed read as having none.
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static SpecRecord of(AppSpec s) {
    Map<String, String> secrets = new LinkedHashMap<>();
    s.secretEnv().forEach((k, v) -> secrets.put(k, v.reveal()));
    return new SpecRecord(s.name(), s.instances(), s.memory().bytes(), s.disk().bytes(),
        s.command().orElse(null), s.env(), secrets, s.routes(), s.healthCheck().type().name(),
        s.healthCheck().endpoint(), s.healthCheck().startTimeout().toMillis(),
        s.cartridge().orElse(null), s.hooks().preStaging(), s.hooks().postStaging(),
        s.hooks().preRunning(), s.noRoute(), s.placement().stack(), s.placement().zones(),
        s.placement().tags(), s.placement().cpuShares(), s.placement().maxPerNode(), s.labels());
  }

  public AppSpec toSpec() {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secretEnv.forEach((k, v) -> secrets.put(k, Secret.of(v)));
    return new AppSpec(name, instances, ByteSize.ofBytes(memoryBytes), ByteSize.ofBytes(diskBytes),
        Optional.ofNullable(command), env, secrets, routes,
        new HealthCheck(HealthCheck.Type.valueOf(healthCheckType), healthCheckEndpoint,
            Duration.ofMillis(startTimeoutMillis)),
        Optional.ofNullable(cartridge), hooks(), noRoute, placement(), labels);
  }

  public PlacementConstraints placement() {
    return new PlacementConstraints(stack, zones, tags, cpuShares, maxPerNode);
  }

  public Hooks hooks() {
    return new Hooks(preStaging, postStaging, preRunning);
  }

  /**
   * Whether running instances must be replaced to follow {@code next}. A change of placement
   * counts: instances roll out again under the new constraints. So does a change of labels,
   * which placement filters may read.
   */
  public boolean instancesDifferFrom(SpecRecord next) {
    return memoryBytes != next.memoryBytes || diskBytes != next.diskBytes
        || !java.util.Objects.equals(command, next.command) || !env.equals(next.env)
        || !secretEnv.equals(next.secretEnv) || !routes.equals(next.routes)
        || !healthCheckType.equals(next.healthCheckType)
        || !healthCheckEndpoint.equals(next.healthCheckEndpoint)
        || startTimeoutMillis != next.startTimeoutMillis || !preRunning.equals(next.preRunning)
        || noRoute != next.noRoute || !placement().equals(next.placement())
        || !labels.equals(next.labels);
  }

  @Override
  public String toString() {
    return "SpecRecord{" + name + ", instances=" + instances + ", memory=" + memoryBytes
        + ", env=" + env.keySet() + ", secretEnv=" + secretEnv.keySet() + ", labels=" + labels
        + "}";
  }
}
