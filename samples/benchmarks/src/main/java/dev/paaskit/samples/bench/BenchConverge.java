package dev.paaskit.samples.bench;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.StubCartridge;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code paaskit bench converge --nodes N --instances M}: the whole cloud in one JVM, real time,
 * fake containers; apps of 100 instances pushed at once, timed from the first push to every
 * instance RUNNING. Prints {@code converged: T ms} and {@code peak-heap: H MiB}.
 */
final class BenchConverge {
  private static final int PER_APP = 100;

  private final PrintStream out;

  BenchConverge(PrintStream out) {
    this.out = out;
  }

  int run(int nodes, int instances, Duration timeout) throws Exception {
    return run(nodes, instances, timeout, 0);
  }

  /**
   * @param busThreads threads of a fixed pool of the bus's own delivering its messages, or 0 for
   *     the default (the cloud's executor, an ElasticExecutor shared with the rest of the cloud)
   */
  int run(int nodes, int instances, Duration timeout, int busThreads) throws Exception {
    Path work = Files.createTempDirectory("paaskit-converge-");
    long perNodeMemory = Math.max(1, (long) Math.ceil(instances * 1.25 / nodes)) * 64;
    PaasKit.Builder kit = PaasKit.builder().name("converge")
        .cartridges(StubCartridge.source()).workDir(work.resolve("cloud"));
    List<AutoCloseable> owned = new ArrayList<>();
    if (busThreads > 0) {
      dev.paaskit.core.time.SystemClock clock = dev.paaskit.core.time.SystemClock.create("converge");
      java.util.concurrent.ExecutorService delivery = java.util.concurrent.Executors.newFixedThreadPool(
          busThreads, r -> {
            Thread t = new Thread(r, "converge-bus");
            t.setDaemon(true);
            return t;
          });
      dev.paaskit.core.bus.InProcessBus bus = dev.paaskit.core.bus.InProcessBus.create(delivery, clock);
      kit.clock(clock).bus(bus);
      owned.add(delivery::shutdownNow);
      owned.add(clock);
    }
    for (int i = 1; i <= nodes; i++) {
      kit.addRole(NodeAgent.builder().id("n" + i)
          .capacity(new NodeCapacity(dev.paaskit.api.ByteSize.ofMegabytes(perNodeMemory),
              dev.paaskit.api.ByteSize.ofMegabytes(perNodeMemory), Integer.MAX_VALUE))
          .backend(FakeBackend.create()).workDir(work.resolve("n" + i))
          .ports(PortAllocator.builder().verifyFree(false).build())
          .unpackDroplets(false).logLimits(4, 1024));
    }
    resetPeaks();
    PaasCloud built = kit.build();
    // One count per app and index that reached RUNNING; events cost no polling.
    java.util.concurrent.CountDownLatch allRunning = new java.util.concurrent.CountDownLatch(instances);
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    built.addEventListener(e -> {
      if (e.type() == dev.paaskit.api.EventType.INSTANCE_RUNNING
          && seen.add(e.subject() + ":" + e.attributes().get("index"))) {
        allRunning.countDown();
      }
    }, Runnable::run);
    try (PaasCloud cloud = built.start()) {
      Path app = StubCartridge.appFolder(work, "bench");
      int apps = (instances + PER_APP - 1) / PER_APP;
      long start = System.nanoTime();
      List<CompletableFuture<?>> pushes = new ArrayList<>();
      for (int a = 0; a < apps; a++) {
        int n = Math.min(PER_APP, instances - a * PER_APP);
        pushes.add(cloud.controller().push(AppSpec.builder("app" + a).instances(n).memory("64M")
            .disk("64M").healthCheck(HealthCheck.process()).build(), app, line -> { }).staged());
      }
      CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(timeout.toSeconds(), TimeUnit.SECONDS);
      long pushed = System.nanoTime();
      long deadline = start + timeout.toNanos();
      if (!allRunning.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        out.printf("gave up after %d s with %,d of %,d instances running%n", timeout.toSeconds(),
            instances - allRunning.getCount(), instances);
        return 1;
      }
      long converged = System.nanoTime();
      java.util.Map<InstanceState, Long> states = new java.util.TreeMap<>();
      for (int a = 0; a < apps; a++) {
        cloud.controller().instances("app" + a)
            .forEach(i -> states.merge(i.state(), 1L, Long::sum));
      }
      long running = states.getOrDefault(InstanceState.RUNNING, 0L);
      if (running != instances) {
        java.util.Map<dev.paaskit.api.NodeState, Long> nodeStates = new java.util.TreeMap<>();
        cloud.controller().nodes().forEach(n -> nodeStates.merge(n.state(), 1L, Long::sum));
        out.printf("every instance reached RUNNING once within %d ms, but now %,d of %,d are "
            + "RUNNING; instances %s; nodes %s%n",
            TimeUnit.NANOSECONDS.toMillis(converged - start), running, instances, states,
            nodeStates);
        return 1;
      }
      out.printf("pushed %,d apps: %d ms%n", apps, TimeUnit.NANOSECONDS.toMillis(pushed - start));
      out.printf("converged: %d ms (%,d instances on %,d nodes)%n",
          TimeUnit.NANOSECONDS.toMillis(converged - start), instances, nodes);
      out.printf("peak-heap: %d MiB%n", peakHeapBytes() >> 20);
    } finally {
      for (AutoCloseable c : owned) {
        c.close();
      }
      Trees.deleteQuietly(work);
    }
    return 0;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * The sum of each heap pool's own peak since the reset: an upper bound of the heap's peak, as
   * the pools need not peak at the same moment.
   */
  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
