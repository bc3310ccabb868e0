package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.Role;
import dev.paaskit.core.AbstractRole;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health manager stops before the nodes, and that includes the pass it is in the middle of:
 * a placement under way when the cloud closes finishes before any node stops, and what it chose
 * is never started.
 */
@Timeout(60)
class HealthManagerShutdownTest {
  @TempDir Path tmp;
  private final List<String> journal = new ArrayList<>();

  private void record(String what) {
    synchronized (journal) {
      journal.add(what);
    }
  }

  @Test
  void aPassUnderWayFinishesBeforeAnyNodeStopsAndStartsNothing() throws Exception {
    FakeBackend backend = FakeBackend.create();
    CountDownLatch placing = new CountDownLatch(1);
    CountDownLatch hostStopped = new CountDownLatch(1);
    DefaultPlacementStrategy real = DefaultPlacementStrategy.create();
    PaasCloud cloud = PaasKit.builder().cartridges(StubCartridge.source())
        .workDir(tmp.resolve("cloud"))
        .placement((request, candidates) -> {
          placing.countDown();
          try {
            // Until a host stopped, or long enough for one to have, were nothing holding them.
            hostStopped.await(3, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          record("placement returned");
          Placement chosen = real.place(request, candidates);
          return chosen;
        })
        .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("1G", "4G"))
            .backend(backend).ports(PortAllocator.create()).workDir(tmp.resolve("n1")))
        .addRole(c -> new AbstractRole() {
          @Override
          public String name() {
            return "host-witness";
          }

          @Override
          public Phase phase() {
            return Role.Phase.HOSTS;
          }

          @Override
          protected void startUp() {}

          @Override
          protected void shutDown() {
            record("host stopped");
            hostStopped.countDown();
          }
        })
        .build().start();
    cloud.controller().push(AppSpec.builder("web").memory("64M").disk("64M")
            .healthCheck(HealthCheck.process()).build(),
        StubCartridge.appFolder(tmp.resolve("src"), "web"), l -> { }).staged().join();
    assertTrue(placing.await(30, TimeUnit.SECONDS), "the health manager placed the instance");
    cloud.close();
    assertEquals(List.of("placement returned", "host stopped"), journal);
    assertEquals(List.of(), backend.running(), "no start went out once the cloud was closing");
  }
}
