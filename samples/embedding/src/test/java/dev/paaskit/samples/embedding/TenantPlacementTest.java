package dev.paaskit.samples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tenant filter alone: what it reads, the reasons it counts under, the details it words. */
@Timeout(10)
class TenantPlacementTest {
  private static final NodeFilter FILTER =
      TenantPlacement.filter(Map.of("acme", "eu", "globex", "us"));
  private static final PlacementRequest WEB = PlacementRequest.of("web", 0, 1L << 28, 1L << 28);

  private static NodeCandidate node(String zone) {
    return new NodeCandidate("n-" + zone, NodeState.ALIVE, zone, "", Set.of(), 1L << 30,
        1L << 30, 0, 10, 1L << 30, 0, 0);
  }

  @Test
  void aTenantsAppIsAcceptedInItsZoneOnly() {
    PlacementRequest acme = WEB.withLabels(Map.of("tenant", "acme"));
    assertSame(FilterResult.accepted(), FILTER.evaluate(acme, node("eu")));
    FilterResult refused = FILTER.evaluate(acme, node("us"));
    assertEquals("outside the tenant's zone", refused.reason());
    assertEquals("outside the tenant's zone: zone us is not acme's zone eu",
        refused.detail(acme, node("us")));
    assertSame(refused, FILTER.evaluate(WEB.withLabels(Map.of("tenant", "globex")), node("eu")),
        "one refusal for every tenant; the detail reads the tenant when asked");
  }

  @Test
  void anAppWithoutATenantOrOfAnUnknownOneFitsNowhere() {
    assertEquals("for an app without a tenant label", FILTER.evaluate(WEB, node("eu")).reason());
    assertEquals("for an app without a tenant label",
        FILTER.evaluate(WEB.withLabels(Map.of("team", "acme")), node("eu")).reason(),
        "only the tenant label counts");
    PlacementRequest initech = WEB.withLabels(Map.of("tenant", "initech"));
    FilterResult unknown = FILTER.evaluate(initech, node("eu"));
    assertEquals("for an unknown tenant", unknown.reason());
    assertEquals("for an unknown tenant: initech has no zone", unknown.detail(initech, node("eu")));
  }
}
