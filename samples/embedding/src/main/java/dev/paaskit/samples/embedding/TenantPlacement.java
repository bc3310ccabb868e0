package dev.paaskit.samples.embedding;

import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import java.util.Map;

/**
 * A custom placement rule: every app of a tenant runs in that tenant's zone (data residency).
 * App names are {@code <tenant>-<app>}. The standard filters and scorers still apply; the rule is
 * one more filter, so when nothing fits the reason shows with the others: {@code no node fits:
 * 2 outside the tenant's zone}.
 */
public final class TenantPlacement {
  private TenantPlacement() {}

  public static PlacementStrategy forTenants(Map<String, String> zoneOfTenant) {
    Map<String, String> zones = Map.copyOf(zoneOfTenant);
    return DefaultPlacementStrategy.builder()
        .addFilter(NodeFilter.of("outside the tenant's zone",
            (request, node) -> node.zone().equals(zones.get(tenantOf(request.appName())))))
        .build();
  }

  static String tenantOf(String appName) {
    int dash = appName.indexOf('-');
    return dash < 0 ? appName : appName.substring(0, dash);
  }
}
