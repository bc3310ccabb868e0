package dev.paaskit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One lifecycle for a cloud and its roles: declared order, FAILED, bounded waits. */
@Timeout(30)
class PaasCloudLifecycleTest {
  @TempDir Path tmp;
  private final List<String> journal = new ArrayList<>();

  /** A role that writes its starts and stops to the journal. */
  private final class Recorder extends AbstractRole {
    private final String name;
    private final Phase phase;
    private final Exception startFailure;

    Recorder(String name, Phase phase) {
      this(name, phase, null);
    }

    Recorder(String name, Phase phase, Exception startFailure) {
      this.name = name;
      this.phase = phase;
      this.startFailure = startFailure;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Phase phase() {
      return phase;
    }

    @Override
    protected void startUp() throws Exception {
      synchronized (journal) {
        journal.add("start " + name);
      }
      if (startFailure != null) {
        throw startFailure;
      }
    }

    @Override
    protected void shutDown() {
      synchronized (journal) {
        journal.add("stop " + name);
      }
    }
  }

  @Test
  void rolesStartPhaseByPhaseAndStopInTheOppositeOrder() {
    PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .addRole(c -> new Recorder("api", Role.Phase.API))
        .addRole(c -> new Recorder("node-1", Role.Phase.HOSTS))
        .addRole(c -> new Recorder("reconciler", Role.Phase.RECONCILER))
        .addRole(c -> new Recorder("router", Role.Phase.EDGE))
        .addRole(c -> new Recorder("node-2", Role.Phase.HOSTS))
        .addRole(c -> new Recorder("catalog", Role.Phase.SERVICES))
        .build();
    assertEquals(Lifecycle.NEW, cloud.state());
    cloud.start();
    assertEquals(Lifecycle.RUNNING, cloud.state());
    // Phase by phase; the two nodes of one phase start side by side, in either order.
    assertEquals(List.of("start router"), journal.subList(0, 1));
    assertEquals(java.util.Set.of("start node-1", "start node-2"),
        java.util.Set.copyOf(journal.subList(1, 3)));
    assertEquals(List.of("start catalog", "start reconciler", "start api"),
        journal.subList(3, 6));
    assertEquals(List.of("router", "node-1", "node-2", "catalog", "reconciler", "api"),
        List.copyOf(cloud.roleStates().keySet()));
    assertTrue(cloud.roleStates().values().stream().allMatch(s -> s == Lifecycle.RUNNING));
    journal.clear();
    cloud.close();
    assertEquals(List.of("stop api", "stop reconciler", "stop catalog"), journal.subList(0, 3));
    assertEquals(java.util.Set.of("stop node-1", "stop node-2"),
        java.util.Set.copyOf(journal.subList(3, 5)));
    assertEquals(List.of("stop router"), journal.subList(5, 6));
    assertEquals(Lifecycle.TERMINATED, cloud.state());
    assertTrue(cloud.roleStates().values().stream().allMatch(s -> s == Lifecycle.TERMINATED));
  }

  @Test
  void theBuiltInRolesHaveTheirPhases() {
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).build().start()) {
      assertEquals(Map.of("stager", Lifecycle.RUNNING, "health-manager", Lifecycle.RUNNING),
          cloud.roleStates());
      assertEquals(List.of("stager", "health-manager"), List.copyOf(cloud.roleStates().keySet()));
      assertEquals(Role.Phase.RECONCILER, cloud.role("health-manager").orElseThrow().phase());
      assertTrue(cloud.controller().apps().isEmpty());
    }
  }

  @Test
  void aRoleThatFailsToStartFailsTheCloudAndStopsWhatStarted() {
    IllegalStateException boom = new IllegalStateException("port 80 is taken");
    Recorder bad = new Recorder("api", Role.Phase.API, boom);
    PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .addRole(c -> new Recorder("router", Role.Phase.EDGE))
        .addRole(c -> bad)
        .addRole(c -> new Recorder("node", Role.Phase.HOSTS))
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, cloud::start);
    assertEquals("role api of cloud paaskit failed to start: port 80 is taken", e.getMessage());
    assertSame(boom, e.getCause());
    assertEquals(List.of("start router", "start node", "start api", "stop api", "stop node",
        "stop router"), journal);
    assertEquals(Lifecycle.FAILED, cloud.state());
    assertSame(boom, cloud.failure().orElseThrow());
    assertEquals(Lifecycle.FAILED, bad.state());
    assertEquals(Map.of("router", Lifecycle.TERMINATED, "node", Lifecycle.TERMINATED,
        "api", Lifecycle.FAILED), cloud.roleStates());
    assertThrows(IllegalStateException.class, cloud::start);
  }

  @Test
  void aRoleThatDoesNotStartInTimeFailsTheCloudWithinTheBound() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Role hanging = new Role() {
      @Override
      public String name() {
        return "hanging";
      }

      @Override
      public void start() throws InterruptedException {
        release.await();
      }

      @Override
      public void stop() {
        stopped.countDown();
      }
    };
    PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .startTimeout(Duration.ofMillis(100)).addRole(c -> hanging).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, cloud::start);
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals("role hanging of cloud paaskit failed to start: role hanging did not start"
        + " within 100 ms", e.getMessage());
    assertEquals(Lifecycle.FAILED, cloud.state());
    // The start that hung is still stopped once it returns.
    release.countDown();
    stopped.await();
  }

  @Test
  void roleLookupsFindRolesByNameAndType() {
    Recorder router = new Recorder("router", Role.Phase.EDGE);
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .addRole(c -> router).build().start()) {
      assertSame(router, cloud.role("router").orElseThrow());
      assertSame(router, cloud.role(Recorder.class).orElseThrow());
      assertTrue(cloud.role(String.class).isEmpty());
      IllegalStateException e = assertThrows(IllegalStateException.class, cloud::controller);
      assertEquals("cloud paaskit runs no controller", e.getMessage());
      cloud.busReconnected();
    }
  }

  @Test
  void theContextOffersTheControllerAndRolesToRolesAsTheyStart() {
    List<Object> seen = new ArrayList<>();
    Recorder other = new Recorder("other", Role.Phase.EDGE);
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).addRole(c -> other)
        .addRole(c -> new AbstractRole() {
          @Override
          public String name() {
            return "api";
          }

          @Override
          protected void startUp() {
            seen.add(c.controller().orElseThrow());
            seen.add(c.role(Recorder.class).orElseThrow());
          }

          @Override
          protected void shutDown() {}
        }).build().start()) {
      assertEquals(List.of(cloud.controller(), other), seen);
    }
  }

  @Test
  void twoRolesOfOneNameAndTwiceSetOptionsAreRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PaasKit.builder().workDir(tmp).controlPlane(false)
            .addRole(c -> new Recorder("x", Role.Phase.EDGE))
            .addRole(c -> new Recorder("x", Role.Phase.API)).build());
    assertEquals("two roles are named x", e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> PaasKit.builder().controlPlane(false).controlPlane(true));
    assertThrows(IllegalArgumentException.class,
        () -> PaasKit.builder().startTimeout(Duration.ZERO));
  }

  @Test
  void anAbstractRoleReleasesWhatItTookWhenItsStartFails() throws Exception {
    Recorder bad = new Recorder("bad", Role.Phase.SERVICES, new java.io.IOException("disk full"));
    assertThrows(java.io.IOException.class, bad::start);
    assertEquals(List.of("start bad", "stop bad"), journal);
    assertEquals(Lifecycle.FAILED, bad.state());
    bad.stop();
    assertEquals(List.of("start bad", "stop bad"), journal, "stop after a failure does nothing");
    Recorder never = new Recorder("never", Role.Phase.SERVICES);
    never.stop();
    assertEquals(Lifecycle.TERMINATED, never.state());
    assertThrows(IllegalStateException.class, never::start);
    assertEquals(List.of("start bad", "stop bad"), journal);
  }

  @Test
  void anErrorFromARoleStillStopsWhatStartedAndFailsTheCloud() {
    AssertionError boom = new AssertionError("out of luck");
    PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .addRole(c -> new Recorder("router", Role.Phase.EDGE))
        .addRole(c -> new Role() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void start() {
            throw boom;
          }

          @Override
          public void stop() {}
        }).build();
    assertSame(boom, assertThrows(AssertionError.class, cloud::start));
    assertEquals(List.of("start router", "stop router"), journal);
    assertEquals(Lifecycle.FAILED, cloud.state());
  }

  @Test
  void aWorkFolderThatCannotBeMadeLeavesNoThreadBehind() throws Exception {
    Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "not a folder");
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> PaasKit.builder().name("unmade").workDir(file.resolve("work")).build());
    assertTrue(e.getMessage().startsWith("cannot create the cloud's work folder"), e.getMessage());
    assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("unmade")).map(Thread::getName)
        .toList());
  }

  @Test
  void aListenerOrExecutorThatIsNullIsRefusedAtOnce() {
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false).build().start()) {
      assertThrows(NullPointerException.class, () -> cloud.addEventListener(e -> { }, null));
      assertThrows(NullPointerException.class, () -> cloud.addEventListener(null, Runnable::run));
    }
  }

  @Test
  void aRoleThatStartsAfterTheCloudGaveUpAndClosedIsStillStopped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Role stubborn = new Role() {
      @Override
      public String name() {
        return "stubborn";
      }

      @Override
      public void start() {
        // Deaf to the interrupt the closing pool sends: it returns only when released.
        boolean interrupted = false;
        while (release.getCount() > 0) {
          try {
            release.await();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void stop() {
        stopped.countDown();
      }
    };
    PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .startTimeout(Duration.ofMillis(100)).addRole(c -> stubborn).build();
    assertThrows(IllegalStateException.class, cloud::start);
    assertEquals(Lifecycle.FAILED, cloud.state(), "closed, its pool shut");
    release.countDown();
    stopped.await();
  }

  @Test
  void theRolesOfOnePhaseStartSideBySide() {
    CountDownLatch bothStarting = new CountDownLatch(2);
    java.util.function.Function<String, Role> host = name -> new AbstractRole() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Phase phase() {
        return Phase.HOSTS;
      }

      @Override
      protected void startUp() throws InterruptedException {
        // Returns only once the other host is starting too: one at a time would never get here.
        bothStarting.countDown();
        if (!bothStarting.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new IllegalStateException(name + " started alone");
        }
      }

      @Override
      protected void shutDown() {}
    };
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp).controlPlane(false)
        .addRole(c -> host.apply("n1")).addRole(c -> host.apply("n2")).build().start()) {
      assertEquals(Map.of("n1", Lifecycle.RUNNING, "n2", Lifecycle.RUNNING), cloud.roleStates());
    }
  }
}
