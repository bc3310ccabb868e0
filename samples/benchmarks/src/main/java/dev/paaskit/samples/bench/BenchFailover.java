package dev.paaskit.samples.bench;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.EventType;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.RouteRegistration;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.router.RouterRole;
import dev.paaskit.samples.microcloud.Args;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.PartitionableBus;
import dev.paaskit.testing.RoleContext;
import dev.paaskit.testing.StubCartridge;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code paaskit bench failover --nodes N --instances M}: the whole cloud in one JVM with the real
 * router role, real time, fake containers. Kills nodes one at a time (cut off the bus and stopped,
 * its instances gone with it, nothing said) and times each of the dead node's instances from the
 * kill to RUNNING on another node and registered with the router. Prints {@code failover-p50} and
 * {@code failover-p99} over every instance moved.
 */
final class BenchFailover {
  private static final int PER_APP = 10;

  private final PrintStream out;

  BenchFailover(PrintStream out) {
    this.out = out;
  }

  /** What one moved instance is waiting for; both times are System.nanoTime(), 0 until seen. */
  private static final class Move {
    volatile long running;
    volatile long routed;
    final CountDownLatch done;

    Move(CountDownLatch done) {
      this.done = done;
    }

    synchronized void saw(boolean isRunning, long at) {
      boolean before = running != 0 && routed != 0;
      if (isRunning && running == 0) {
        running = at;
      } else if (!isRunning && routed == 0) {
        routed = at;
      }
      if (!before && running != 0 && routed != 0) {
        done.countDown();
      }
    }
  }

  int run(int nodes, int instances, int kills, Duration heartbeat, int missed, Duration sweep,
      Duration timeout) throws Exception {
    if (kills >= nodes) {
      throw new Args.UsageException("--kills must be fewer than --nodes");
    }
    Path work = Files.createTempDirectory("paaskit-failover-");
    // Room for every instance even with all the killed nodes gone, and some to spare.
    long perNodeMb = Math.max(1, (long) Math.ceil(instances * 1.5 / (nodes - kills))) * 64;
    PaasKit.Builder kit = PaasKit.builder().name("failover").addRole(RouterRole.builder())
        .cartridges(StubCartridge.source()).workDir(work.resolve("cloud"))
        .healthOptions(HealthOptions.DEFAULTS.withHeartbeat(heartbeat, missed)
            .withSweepInterval(sweep));
    Map<String, PartitionableBus> links = new ConcurrentHashMap<>();
    for (int i = 1; i <= nodes; i++) {
      String id = "n" + i;
      NodeAgent.Builder node = NodeAgent.builder().id(id)
          .capacity(new NodeCapacity(ByteSize.ofMegabytes(perNodeMb), ByteSize.ofMegabytes(perNodeMb),
              Integer.MAX_VALUE))
          .backend(FakeBackend.create()).workDir(work.resolve(id)).heartbeatInterval(heartbeat)
          .ports(PortAllocator.builder().verifyFree(false).build())
          .unpackDroplets(false).logLimits(4, 1024);
      kit.addRole(ctx -> {
        PartitionableBus link = PartitionableBus.over(ctx.bus());
        links.put(id, link);
        return node.create(new RoleContext(ctx, link, ctx.blobStore()));
      });
    }
    // "app:index" of the instances now moving, to what each waits for.
    Map<String, Move> moving = new ConcurrentHashMap<>();
    CountDownLatch allRunning = new CountDownLatch(instances);
    java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
    PaasCloud built = kit.build();
    built.addEventListener(e -> {
      if (e.type() == EventType.INSTANCE_RUNNING) {
        String key = e.subject() + ":" + e.attributes().get("index");
        if (seen.add(key)) {
          allRunning.countDown();
        }
        Move m = moving.get(key);
        if (m != null) {
          m.saw(true, System.nanoTime());
        }
      }
    }, Runnable::run);
    try (PaasCloud cloud = built.start()) {
      cloud.context().bus().subscribe(Subjects.ROUTER_REGISTER, msg -> {
        RouteRegistration r = Json.read(msg, RouteRegistration.class);
        Move m = moving.get(r.appName() + ":" + r.index());
        if (m != null) {
          m.saw(false, System.nanoTime());
        }
      });
      Path app = StubCartridge.appFolder(work, "bench");
      int apps = (instances + PER_APP - 1) / PER_APP;
      List<CompletableFuture<?>> pushes = new ArrayList<>();
      for (int a = 0; a < apps; a++) {
        int n = Math.min(PER_APP, instances - a * PER_APP);
        pushes.add(cloud.controller().push(AppSpec.builder("app" + a).instances(n).memory("64M")
            .disk("64M").healthCheck(HealthCheck.process()).build(), app, line -> { }).staged());
      }
      CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new))
          .get(timeout.toSeconds(), TimeUnit.SECONDS);
      if (!allRunning.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        out.printf("gave up: %,d of %,d instances running after %d s%n",
            instances - allRunning.getCount(), instances, timeout.toSeconds());
        return 1;
      }
      out.printf("%,d instances running on %,d nodes; heartbeat %d ms, dead after %d missed, "
          + "sweep %d ms%n", instances, nodes, heartbeat.toMillis(), missed, sweep.toMillis());

      java.util.Random phases = new java.util.Random(42);
      List<Long> latencies = new ArrayList<>();
      List<Long> perNode = new ArrayList<>();
      for (int k = 1; k <= kills; k++) {
        String victim = "n" + k;
        List<String> keys = instancesOn(cloud, apps, victim);
        CountDownLatch done = new CountDownLatch(keys.size());
        moving.clear();
        Map<String, Move> moves = new HashMap<>();
        for (String key : keys) {
          moves.put(key, new Move(done));
        }
        moving.putAll(moves);
        // Nodes die at any moment of their heartbeat cycle, not just after the health manager's
        // last look: a seeded random pause of up to one heartbeat spreads the kills over it.
        TimeUnit.MILLISECONDS.sleep(phases.nextInt((int) Math.max(1, heartbeat.toMillis())));
        long killed = System.nanoTime();
        links.get(victim).cut();
        cloud.role("node-" + victim).orElseThrow().stop();
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          out.printf("gave up: %d of %d instances of %s not moved within %d s%n", done.getCount(),
              keys.size(), victim, timeout.toSeconds());
          return 1;
        }
        long slowest = 0;
        for (Move m : moves.values()) {
          long took = Math.max(m.running, m.routed) - killed;
          latencies.add(took);
          slowest = Math.max(slowest, took);
        }
        perNode.add(slowest);
        out.printf("killed %s: %d instances moved, the last after %d ms%n", victim, keys.size(),
            TimeUnit.NANOSECONDS.toMillis(slowest));
      }
      out.printf("failover-p50: %d ms%n", millis(percentile(latencies, 50)));
      out.printf("failover-p99: %d ms (%d instances moved from %d nodes; slowest node %d ms)%n",
          millis(percentile(latencies, 99)), latencies.size(), kills,
          millis(percentile(perNode, 100)));
    } finally {
      Trees.deleteQuietly(work);
    }
    return 0;
  }

  private static List<String> instancesOn(PaasCloud cloud, int apps, String nodeId) {
    List<String> keys = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      for (InstanceStatus i : cloud.controller().instances("app" + a)) {
        if (i.nodeId().equals(nodeId) && i.state() == InstanceState.RUNNING) {
          keys.add("app" + a + ":" + i.index());
        }
      }
    }
    return keys;
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int at = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
