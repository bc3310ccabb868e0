package dev.paaskit.samples.embedding;

import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.PlacementRequest;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import java.util.Map;

/**
 * A custom placement rule: every app of a tenant runs in that tenant's zone (data residency). The
 * tenant is the app's {@value #TENANT} label, which the host sets when it deploys; nothing reads
 * it from the app's name. The standard filters and scorers still apply; the rule is one more
 * filter, so when nothing fits its reasons show, counted, with the others: {@code no node fits:
 * 2 short of memory, 2 outside the tenant's zone}.
 */
public final class TenantPlacement {
  /** The label naming the tenant an app belongs to. */
  public static final String TENANT = "tenant";

  private TenantPlacement() {}

  /**
   * The standard placement with {@link #filter} added.
   *
   * @param zoneOfTenant the zone each tenant's apps must run in
   * @return a new strategy
   */
  public static PlacementStrategy forTenants(Map<String, String> zoneOfTenant) {
    return DefaultPlacementStrategy.builder().addFilter(filter(zoneOfTenant)).build();
  }

  /**
   * Refuses a node outside the zone of the app's tenant, and every node for an app whose tenant
   * label is missing or names a tenant without a zone. Thread-safe; allocates nothing.
   *
   * @param zoneOfTenant the zone each tenant's apps must run in
   * @return the filter, named {@code tenant zone}
   */
  public static NodeFilter filter(Map<String, String> zoneOfTenant) {
    return new TenantFilter(Map.copyOf(zoneOfTenant));
  }

  /** The tenant an app's labels name, or null when they name none. */
  static String tenantOf(Map<String, String> labels) {
    return labels.get(TENANT);
  }

  private static final class TenantFilter implements NodeFilter {
    private static final FilterResult UNLABELLED =
        FilterResult.refused("for an app without a " + TENANT + " label");

    private final Map<String, String> zones;
    private final FilterResult outside;
    private final FilterResult unknown;

    TenantFilter(Map<String, String> zones) {
      this.zones = zones;
      this.outside = FilterResult.refused("outside the tenant's zone",
          (r, n) -> "outside the tenant's zone: zone " + n.zone() + " is not "
              + tenantOf(r.labels()) + "'s zone " + zones.get(tenantOf(r.labels())));
      this.unknown = FilterResult.refused("for an unknown tenant",
          (r, n) -> "for an unknown tenant: " + tenantOf(r.labels()) + " has no zone");
    }

    @Override
    public FilterResult evaluate(PlacementRequest request, NodeCandidate node) {
      String tenant = tenantOf(request.labels());
      if (tenant == null) {
        return UNLABELLED;
      }
      String zone = zones.get(tenant);
      if (zone == null) {
        return unknown;
      }
      return zone.equals(node.zone()) ? FilterResult.accepted() : outside;
    }

    @Override
    public String name() {
      return "tenant zone";
    }
  }
}
