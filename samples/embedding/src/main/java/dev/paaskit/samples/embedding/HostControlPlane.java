package dev.paaskit.samples.embedding;

import dev.paaskit.api.App;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Controller;
import dev.paaskit.api.InstanceState;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A host's own control plane, which speaks of tenants and deployments and uses PaaSKit's
 * {@link Controller} underneath. It neither knows nor cares whether the controller is in-process
 * or across the network, or whether the nodes are real or fake.
 */
public final class HostControlPlane {
  private final Controller paas;
  private final Set<String> tenants;

  public HostControlPlane(Controller paas, Set<String> tenants) {
    this.paas = paas;
    this.tenants = Set.copyOf(tenants);
  }

  /**
   * Deploys {@code bits} as {@code <tenant>-<app>} with {@code instances} instances, labelled
   * with the tenant ({@link TenantPlacement#TENANT}). The name only keeps apps of different
   * tenants apart; placement and {@link #running} read the tenant from the label.
   *
   * @throws IllegalArgumentException for a tenant the host does not know
   */
  public CompletableFuture<App> deploy(String tenant, String app, Path bits, int instances) {
    if (!tenants.contains(tenant)) {
      throw new IllegalArgumentException("unknown tenant '" + tenant + "'; known: "
          + new TreeSet<>(tenants));
    }
    AppSpec spec = AppSpec.builder(tenant + "-" + app).instances(instances).memory("256M")
        .disk("256M").env("TENANT", tenant).label(TenantPlacement.TENANT, tenant).build();
    return paas.push(spec, bits, line -> { }).staged();
  }

  /** The apps labelled with {@code tenant}, with how many of their instances run now. */
  public Map<String, Long> running(String tenant) {
    Map<String, Long> out = new TreeMap<>();
    for (App a : paas.apps()) {
      if (tenant.equals(TenantPlacement.tenantOf(a.spec().labels()))) {
        out.put(a.name(), paas.instances(a.name()).stream()
            .filter(i -> i.state() == InstanceState.RUNNING).count());
      }
    }
    return out;
  }
}
