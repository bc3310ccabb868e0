package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.router.RouterRole;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** No globals: two clouds in one JVM share nothing, not even an app name. */
@Timeout(30)
class TwoCloudsTest {
  @TempDir Path tmp;

  private PaasCloud cloud(String name, FakeBackend backend) {
    return PaasKit.builder().name(name).cartridges(StubCartridge.source())
        .workDir(tmp.resolve(name))
        .addRole(RouterRole.builder())
        .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("1G", "4G"))
            .backend(backend).ports(PortAllocator.create()).workDir(tmp.resolve(name + "-n1")))
        .build().start();
  }

  private static int routerPort(PaasCloud cloud) {
    return cloud.role(RouterRole.class).orElseThrow().port();
  }

  private static long running(PaasCloud cloud) {
    return cloud.controller().instances("web").stream()
        .filter(i -> i.state() == InstanceState.RUNNING).count();
  }

  @Test
  void sameAppNameInTwoCloudsStaysApart() throws Exception {
    FakeBackend a = FakeBackend.serveHttp();
    FakeBackend b = FakeBackend.create();
    try (PaasCloud one = cloud("one", a); PaasCloud two = cloud("two", b)) {
      Waits w1 = Waits.on(one);
      Waits w2 = Waits.on(two);
      AppSpec spec = AppSpec.builder("web").memory("64M").disk("64M")
          .healthCheck(HealthCheck.process()).build();
      one.controller().push(spec.toBuilder().instances(2).build(),
          StubCartridge.appFolder(tmp.resolve("src1"), "web"), l -> { }).staged().join();
      two.controller().push(spec.toBuilder().instances(3).build(),
          StubCartridge.appFolder(tmp.resolve("src2"), "web"), l -> { }).staged().join();
      w1.until(() -> running(one) == 2, Duration.ofSeconds(10), () -> "2 running in cloud one");
      w2.until(() -> running(two) == 3, Duration.ofSeconds(10), () -> "3 running in cloud two");
      assertEquals(2, a.running().size());
      assertEquals(3, b.running().size());
      assertEquals(1, one.controller().nodes().size());
      assertEquals(1, two.controller().nodes().size());
      assertTrue(routerPort(one) != routerPort(two));
      one.controller().delete("web");
      w1.until(() -> a.running().isEmpty(), Duration.ofSeconds(10), () -> "cloud one emptied");
      assertEquals(3, b.running().size(), "cloud two untouched");
      assertTrue(two.controller().find("web").isPresent());
    }
  }
}
