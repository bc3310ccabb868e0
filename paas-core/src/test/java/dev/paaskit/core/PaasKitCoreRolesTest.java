package dev.paaskit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which built-in roles a cloud runs: all by default, or a subset for one process of many. */
@Timeout(30)
class PaasKitCoreRolesTest {
  @TempDir Path tmp;

  @Test
  void aCloudWithoutCoreRolesRunsOnlyTheRolesAddedAndHasNoController() {
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).coreRoles(Set.of()).build().start()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, cloud::controller);
      assertEquals("cloud paaskit runs no controller", e.getMessage());
      assertTrue(cloud.role("router").isEmpty());
      assertTrue(cloud.role("health-manager").isEmpty() && cloud.role("stager").isEmpty()
          && cloud.routerPort().isEmpty());
      cloud.busReconnected();
    }
  }

  @Test
  void theRouterMayRunAloneAndTheControllerWithoutIt() {
    try (PaasCloud router = PaasKit.builder().workDir(tmp.resolve("r"))
        .coreRoles(EnumSet.of(CoreRole.ROUTER)).build().start()) {
      assertTrue(router.routerPort().orElseThrow() > 0);
      assertThrows(IllegalStateException.class, router::controller);
    }
    try (PaasCloud controller = PaasKit.builder().workDir(tmp.resolve("c"))
        .coreRoles(EnumSet.of(CoreRole.CONTROLLER, CoreRole.STAGER, CoreRole.HEALTH)).build()
        .start()) {
      assertTrue(controller.controller().apps().isEmpty());
      assertTrue(controller.routerPort().isEmpty());
    }
  }

  @Test
  void theControllerStagerAndHealthManagerGoTogether() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PaasKit.builder().coreRoles(EnumSet.of(CoreRole.CONTROLLER, CoreRole.ROUTER)));
    assertEquals("the controller, stager and health manager run together, but the core roles are"
        + " [CONTROLLER, ROUTER]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PaasKit.builder().coreRoles(EnumSet.of(CoreRole.HEALTH)));
  }

  @Test
  void aRouterAddressWithTheRouterLeftOutIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PaasKit.builder().router("127.0.0.1", 0).coreRoles(Set.of()).build());
    assertEquals("router(...) was set but the core roles [] leave the router out", e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> PaasKit.builder().coreRoles(Set.of()).coreRoles(Set.of()));
  }
}
