package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.PlacementRequest;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host's own filter reads an app's labels: an app labelled {@code pool=green} runs only on the
 * nodes of zone green, and when no node fits, the filter's own reasons show, counted, in the
 * app's events. Nodes n1 and n3 are in zone blue, n2 and n4 in zone green, 1 GiB each.
 */
@PaasTest(nodes = 4, nodeMemory = "1G", zones = {"blue", "green"},
    configure = LabelPlacementTest.Pools.class)
@Timeout(30)
class LabelPlacementTest {
  /** Places an app in the zone its {@code pool} label names; an app without one nowhere. */
  static final class PoolFilter implements NodeFilter {
    static final FilterResult OUTSIDE = FilterResult.refused("outside the app's pool",
        (r, n) -> "outside the app's pool: zone " + n.zone() + " is not pool "
            + r.labels().get("pool"));
    static final FilterResult NO_POOL = FilterResult.refused("for an app without a pool label");

    @Override
    public FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
      String pool = request.labels().get("pool");
      if (pool == null) {
        return NO_POOL;
      }
      return pool.equals(node.zone()) ? FilterResult.accepted() : OUTSIDE;
    }

    @Override
    public String name() {
      return "pool";
    }
  }

  /** Adds the pool filter after the standard ones. */
  public static final class Pools implements TestCloudConfigurer {
    @Override
    public void configure(TestCloud.Builder cloud) {
      cloud.placement(DefaultPlacementStrategy.builder().addFilter(new PoolFilter()).build());
    }
  }

  TestCloud cloud;

  private static AppSpec.Builder app(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("256M").disk("64M")
        .healthCheck(HealthCheck.process());
  }

  private Set<String> nodesOf(String app) {
    return cloud.instances(app, InstanceState.RUNNING).stream().map(InstanceStatus::nodeId)
        .collect(Collectors.toSet());
  }

  private String placementFailure(String app) {
    cloud.until(() -> cloud.controller().events(app).stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED),
        () -> "a placement failure, events " + cloud.controller().events(app));
    return cloud.controller().events(app).stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
  }

  @Test
  void anAppRunsOnlyInThePoolItsLabelNames() {
    cloud.push(app("web", 4).label("pool", "green").build());
    cloud.awaitRunning("web", 4);
    assertEquals(Set.of("n2", "n4"), nodesOf("web"));
    cloud.push(app("api", 2).label("pool", "blue").label("team", "core").build());
    cloud.awaitRunning("api", 2);
    assertEquals(Set.of("n1", "n3"), nodesOf("api"));
  }

  @Test
  void whenNoNodeFitsTheFiltersReasonsAreCountedInTheAppsEvents() {
    String unlabelled = placementFailure(cloud.push(app("plain", 1).build()).name());
    assertTrue(unlabelled.endsWith("no node fits: 4 for an app without a pool label"),
        unlabelled);

    // Two green nodes of 1 GiB hold 8 instances of 256 MiB; the ninth fits in no green node.
    cloud.push(app("big", 9).label("pool", "green").build());
    cloud.awaitRunning("big", 8);
    String full = placementFailure("big");
    assertTrue(full.endsWith("no node fits: 2 short of memory, 2 outside the app's pool"), full);
  }

  @Test
  void relabellingAnAppRollsItsInstancesIntoTheNewPool() {
    cloud.push(app("mover", 2).label("pool", "blue").build());
    cloud.awaitRunning("mover", 2);
    assertEquals(Set.of("n1", "n3"), nodesOf("mover"));
    cloud.push(app("mover", 2).label("pool", "green").build());
    cloud.until(() -> cloud.instances("mover", InstanceState.RUNNING).size() == 2
            && Set.of("n2", "n4").containsAll(nodesOf("mover")),
        () -> "both instances in pool green, found " + cloud.describe("mover"));
    assertEquals("green", cloud.controller().get("mover").spec().labels().get("pool"));
  }
}
