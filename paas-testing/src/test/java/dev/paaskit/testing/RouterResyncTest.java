package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.core.bus.ReconnectAware;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.router.Backend;
import dev.paaskit.router.Route;
import dev.paaskit.router.RouterRole;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router's resync: after a bus outage, or when a node is declared dead, what no node
 * registers again within the grace period leaves the table; until then the table serves as it
 * was.
 */
@PaasTest(nodes = 2, nodeMemory = "1G", router = true)
@Timeout(30)
class RouterResyncTest {
  TestCloud cloud;

  private RouterRole router() {
    return (RouterRole) cloud.cloud().role("router").orElseThrow();
  }

  private Set<String> routed(String host) {
    return router().routes().stream().filter(r -> r.host().equals(host))
        .flatMap(r -> r.backends().stream()).map(Backend::instanceId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> running(String app) {
    return cloud.instances(app, InstanceState.RUNNING).stream().map(InstanceStatus::instanceId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private void push(String app, int instances) {
    cloud.push(AppSpec.builder(app).instances(instances).memory("64M").disk("64M")
        .healthCheck(HealthCheck.process()).build());
    cloud.awaitRunning(app, instances);
    cloud.until(() -> routed(app + ".localhost").equals(running(app)),
        () -> "every instance of " + app + " routed, have " + router().routes());
  }

  @Test
  void aDeploymentCompletesOnlyOnceTheRouterRoutesToItsInstances() {
    // Registrations reach the router 22 s (virtual) after the RUNNING reports reach the
    // controller: a deployment that trusted RUNNING alone would complete with nothing routed.
    cloud.delayMessages(Subjects.ROUTER_REGISTER, Duration.ofSeconds(22));
    Deployment push = cloud.deploy(AppSpec.builder("late").instances(2).memory("64M")
        .disk("64M").healthCheck(HealthCheck.process()).build());
    CompletableFuture<DeploymentStatus> running = push.running(Duration.ofMinutes(5));
    cloud.awaitRunning("late", 2);
    cloud.settle();
    assertTrue(routed("late.localhost").isEmpty(), "the registrations are still on their way");
    assertFalse(running.isDone(), "RUNNING but not routed: " + running);
    cloud.until(() -> routed("late.localhost").size() == 2,
        () -> "both routed, have " + router().routes());
    Duration routedAt = cloud.clock().elapsed();
    DeploymentStatus done = cloud.await(running, "the deployment");
    assertEquals(running("late"), routed("late.localhost"),
        "complete means routed: " + router().routes());
    // The router answers the waiting deployment as the last route registers, not on a re-ask.
    Duration after = cloud.clock().elapsed().minus(routedAt);
    assertTrue(after.compareTo(Duration.ofSeconds(1)) < 0, "completed " + after + " after");
    assertEquals(2, done.running());
  }

  @Test
  void aDeploymentNoRouterConfirmsTimesOut() {
    cloud.dropMessages(Subjects.ROUTER_REGISTER);
    Deployment push = cloud.deploy(AppSpec.builder("lost").instances(1).memory("64M")
        .disk("64M").healthCheck(HealthCheck.process()).build());
    DeploymentFailedException failed = assertThrows(DeploymentFailedException.class,
        () -> cloud.await(push.running(Duration.ofMinutes(1)), "the deployment"));
    assertEquals(DeploymentFailedException.Reason.TIMED_OUT, failed.reason());
    assertEquals(1, failed.status().running(), failed.getMessage());
  }

  /** Pushes {@code app} with two instances and scales it to one, losing the unregistration. */
  private Set<String> scaleDownLosingTheUnregistration(String app) {
    push(app, 2);
    Set<String> before = routed(app + ".localhost");
    cloud.dropMessages(Subjects.ROUTER_UNREGISTER);
    cloud.controller().scale(app, 1);
    cloud.awaitRunning(app, 1);
    cloud.until(() -> cloud.controller().instances(app).stream()
            .filter(i -> i.state().isActive()).count() == 1,
        () -> "the second instance stopped: " + cloud.describe(app));
    assertEquals(before, routed(app + ".localhost"), "the unregistration was lost: a stale route");
    cloud.restoreMessages();
    return before;
  }

  @Test
  void aLostUnregistrationIsUndoneByTheResyncAfterAReconnectOnlyOnceTheGracePassed() {
    Set<String> before = scaleDownLosingTheUnregistration("web");
    cloud.cloud().busReconnected();
    cloud.settle();
    assertEquals(before, routed("web.localhost"), "within the grace period the table is kept");
    cloud.advance(RouterRole.DEFAULT_RESYNC_GRACE.plusMillis(1));
    assertEquals(running("web"), routed("web.localhost"));
    assertEquals(1, routed("web.localhost").size());
  }

  @Test
  void resyncsInQuickSuccessionDoNotPutPruningOff() {
    scaleDownLosingTheUnregistration("web");
    Duration half = RouterRole.DEFAULT_RESYNC_GRACE.dividedBy(2);
    cloud.cloud().busReconnected();
    cloud.advance(half);
    cloud.cloud().busReconnected();
    cloud.advance(half.plusMillis(1));
    assertEquals(running("web"), routed("web.localhost"), "the first resync pruned on time");
  }

  /** Pushes {@code app} with one instance and scales it to two, losing the second's registration. */
  private InstanceStatus scaleLosingTheRegistration(String app) {
    push(app, 1);
    cloud.dropMessages(Subjects.ROUTER_REGISTER);
    cloud.controller().scale(app, 2);
    cloud.awaitRunning(app, 2);
    cloud.advance(RouterRole.DEFAULT_RESYNC_GRACE);
    cloud.restoreMessages();
    Set<String> routed = routed(app + ".localhost");
    assertEquals(1, routed.size(), "the new instance's registration was lost");
    return cloud.instances(app, InstanceState.RUNNING).stream()
        .filter(i -> !routed.contains(i.instanceId())).findFirst().orElseThrow();
  }

  @Test
  void aRegistrationLostInAnOutageArrivesOnceTheBusReconnects() {
    scaleLosingTheRegistration("api");
    cloud.cloud().busReconnected();
    cloud.settle();
    assertEquals(running("api"), routed("api.localhost"));
  }

  @Test
  void aNodeWhoseBusReconnectsRegistersItsRoutesAgainOnItsOwn() {
    InstanceStatus unrouted = scaleLosingTheRegistration("solo");
    ((ReconnectAware) cloud.cloud().role("node-" + unrouted.nodeId()).orElseThrow())
        .busReconnected();
    cloud.settle();
    assertEquals(running("solo"), routed("solo.localhost"));
  }

  @Test
  void aDeadNodesRoutesLeaveTheTableAndItsInstancesAreRoutedElsewhere() {
    push("api", 4);
    cloud.dropMessages(Subjects.ROUTER_UNREGISTER);
    cloud.killNode("n1");
    cloud.until(() -> running("api").size() == 4 && cloud.instances("api", InstanceState.RUNNING)
            .stream().allMatch(i -> i.nodeId().equals("n2")),
        () -> "four instances on n2: " + cloud.describe("api"));
    cloud.advance(RouterRole.DEFAULT_RESYNC_GRACE.plus(Duration.ofSeconds(1)));
    assertEquals(running("api"), routed("api.localhost"), "only the live instances are routed");
  }

  @Test
  void routesOfLiveNodesSurviveAResyncAndOfOtherAppsToo() {
    push("one", 2);
    push("two", 1);
    Set<Route> before = Set.copyOf(router().routes());
    cloud.cloud().busReconnected();
    cloud.cloud().busReconnected();
    cloud.advance(RouterRole.DEFAULT_RESYNC_GRACE.multipliedBy(2));
    assertEquals(before, Set.copyOf(router().routes()));
  }
}
