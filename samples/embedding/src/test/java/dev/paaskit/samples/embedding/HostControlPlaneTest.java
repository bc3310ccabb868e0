package dev.paaskit.samples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.testing.PaasTest;
import dev.paaskit.testing.StubCartridge;
import dev.paaskit.testing.TestCloud;
import dev.paaskit.testing.TestCloudConfigurer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's control plane with its own placement rule and container backend, tested in-process:
 * four nodes, n1 and n3 in zone eu, n2 and n4 in zone us. The rule reads each app's tenant label.
 */
@PaasTest(nodes = 4, nodeMemory = "1G", zones = {"eu", "us"}, configure = HostControlPlaneTest.Host.class)
@Timeout(30)
class HostControlPlaneTest {
  static final Map<String, String> ZONES = Map.of("acme", "eu", "globex", "us");

  /** Wires the host's parts into the test cloud, as the host wires them into its real one. */
  public static class Host implements TestCloudConfigurer {
    private final Fleet fleet = new Fleet();

    @Override
    public void configure(TestCloud.Builder cloud) {
      cloud.placement(TenantPlacement.forTenants(ZONES))
          .backends(node -> new FleetBackend(fleet, node));
    }
  }

  TestCloud cloud;
  @TempDir Path tmp;
  private HostControlPlane host;

  @BeforeEach
  void host() {
    host = new HostControlPlane(cloud.controller(), ZONES.keySet());
  }

  private Fleet fleet() {
    return ((FleetBackend) cloud.containerBackend("n1")).fleet();
  }

  private Set<String> nodesOf(String app) {
    return cloud.instances(app, InstanceState.RUNNING).stream().map(InstanceStatus::nodeId)
        .collect(Collectors.toSet());
  }

  @Test
  void aTenantsInstancesRunOnlyInItsZoneAsVmsOfTheHostsFleet() throws Exception {
    cloud.await(host.deploy("acme", "web", StubCartridge.appFolder(tmp, "acme-web"), 4), "deploy");
    cloud.await(host.deploy("globex", "api", StubCartridge.appFolder(tmp, "globex-api"), 2), "deploy");
    cloud.awaitRunning("acme-web", 4);
    cloud.awaitRunning("globex-api", 2);
    assertEquals(Set.of("n1", "n3"), nodesOf("acme-web"), "eu nodes only");
    assertEquals(Set.of("n2", "n4"), nodesOf("globex-api"), "us nodes only");
    assertEquals(6, fleet().vms().size());
    assertEquals(Map.of("acme-web", 4L), host.running("acme"));
  }

  private String placementFailure(String app) {
    cloud.until(() -> cloud.controller().events(app).stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED),
        () -> "a placement failure, events " + cloud.controller().events(app));
    return cloud.controller().events(app).stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
  }

  @Test
  void theTenantIsReadFromTheLabelNeverFromTheName() throws Exception {
    // Named like an acme app, labelled globex: it runs where globex's apps run, and is globex's.
    cloud.push(AppSpec.builder("acme-reports").instances(2).memory("256M").disk("256M")
        .label(TenantPlacement.TENANT, "globex").build());
    cloud.awaitRunning("acme-reports", 2);
    assertEquals(Set.of("n2", "n4"), nodesOf("acme-reports"), "us nodes only");
    assertEquals(Map.of("acme-reports", 2L), host.running("globex"));
    assertEquals(Map.of(), host.running("acme"));
  }

  @Test
  void anAppWithoutATenantOrOfAnUnknownOneIsPlacedNowhereAndTheEventsSayWhy() throws Exception {
    cloud.push(AppSpec.builder("orphan").memory("256M").disk("256M").build());
    String orphan = placementFailure("orphan");
    assertTrue(orphan.endsWith("no node fits: 4 for an app without a tenant label"), orphan);
    cloud.push(AppSpec.builder("stray").memory("256M").disk("256M")
        .label(TenantPlacement.TENANT, "initech").build());
    String stray = placementFailure("stray");
    assertTrue(stray.endsWith("no node fits: 4 for an unknown tenant"), stray);
    assertEquals(0, fleet().vms().size());
  }

  @Test
  void whenTheHostsVmDiesPaasKitReplacesItInTheSameZone() throws Exception {
    cloud.await(host.deploy("acme", "web", StubCartridge.appFolder(tmp, "acme-web"), 2), "deploy");
    cloud.awaitRunning("acme-web", 2);
    InstanceStatus victim = cloud.instances("acme-web", InstanceState.RUNNING).get(0);
    ((FleetBackend) cloud.containerBackend(victim.nodeId())).vmDied(victim.instanceId());
    cloud.until(() -> cloud.instances("acme-web", InstanceState.RUNNING).size() == 2
            && cloud.instances("acme-web", InstanceState.RUNNING).stream()
                .noneMatch(i -> i.instanceId().equals(victim.instanceId())),
        () -> "a replacement, found " + cloud.describe("acme-web"));
    assertTrue(Set.of("n1", "n3").containsAll(nodesOf("acme-web")));
    assertEquals(2, fleet().vms().size(), "the dead VM is gone from the fleet, its replacement in");
  }

  @Test
  void whenTheTenantsZoneIsFullTheReasonSaysSo() throws Exception {
    // Two eu nodes of 1 GiB hold 8 instances of 256 MiB; the ninth has nowhere to go in eu.
    cloud.await(host.deploy("acme", "big", StubCartridge.appFolder(tmp, "acme-big"), 9), "deploy");
    cloud.until(() -> cloud.controller().events("acme-big").stream()
            .anyMatch(e -> e.type() == EventType.PLACEMENT_FAILED),
        () -> "a placement failure, events " + cloud.controller().events("acme-big"));
    String why = cloud.controller().events("acme-big").stream()
        .filter(e -> e.type() == EventType.PLACEMENT_FAILED).findFirst().orElseThrow().message();
    assertTrue(why.contains("no node fits: 2 short of memory, 2 outside the tenant's zone"), why);
    assertEquals(8, cloud.instances("acme-big", InstanceState.RUNNING).size());
  }

  @Test
  void anUnknownTenantIsRefusedByTheHost() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> host.deploy("initech", "web", tmp, 1));
    assertEquals("unknown tenant 'initech'; known: [acme, globex]", e.getMessage());
  }
}
