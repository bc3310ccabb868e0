package dev.paaskit.samples.bench;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.Placement;
import dev.paaskit.api.spi.PlacementRequest;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code paaskit bench scheduler}: places synthetic instances one by one on synthetic nodes with
 * the bin-packing {@link DefaultPlacementStrategy}, updating the chosen node after each, until
 * every instance is placed or one fits on no node; then does the same with an exhaustive best-fit
 * (every node looked at for each instance, the tightest fit of memory taken).
 *
 * <p>Prints {@code placements/s} (instances placed over the wall time of the whole loop, the
 * caller's bookkeeping included), the p99 latency of one {@code place} call, and the share of
 * all memory in use when placement stopped, beside best-fit's on the same input and order.
 *
 * <p>Input, from the seed: nodes of 8 or 16 GiB (4 or 8 cores) in three zones; apps of 1 to 40
 * instances of one size each, from 256 MiB to 2 GiB in steps of 128 MiB, the larger ones more
 * often (the larger of two even draws), asking for more memory than the nodes have so that
 * placement runs until fragmentation stops it. An app's instances come one after another,
 * as the health manager reconciles app by app.
 */
final class BenchScheduler {
  private static final long MB = 1L << 20;
  private static final long GB = 1L << 30;
  private static final String[] ZONES = {"z1", "z2", "z3"};
  /** Instance sizes run from 256 MiB to 2 GiB in steps of this. */
  private static final long SIZE_STEP = 128 * MB;
  private static final int SIZE_STEPS = 15;
  private static final String STACK = "cflinuxfs4";

  private final PrintStream out;

  BenchScheduler(PrintStream out) {
    this.out = out;
  }

  int run(int nodes, int instances, long seed, int runs) {
    Input input = new Input(nodes, instances, seed);
    out.println(String.format(Locale.ROOT,
        "scheduler: %,d nodes (8 and 16 GiB, %d zones, %,d GiB), %,d instances of %,d apps "
            + "(256 MiB to 2 GiB, %,d GiB asked), seed %d",
        nodes, ZONES.length, input.totalMemory / GB, instances, input.appNames.length,
        input.askedMemory / GB, seed));
    int warmUp = Math.min(instances, 50_000);
    placeWithStrategy(input, warmUp, seed - 1);

    List<Run> done = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Run r = placeWithStrategy(input, instances, seed + i);
      done.add(r);
      out.println(String.format(Locale.ROOT,
          "run %d: placements/s: %,.0f  p99: %.1f us  utilization: %.1f%%  (%,d placed; %s)",
          i, r.perSecond, r.p99Micros, r.utilization, r.placed, r.stop));
    }
    long t0 = System.nanoTime();
    BestFit best = bestFit(input);
    double bestSeconds = (System.nanoTime() - t0) / 1e9;

    String scoring = nodes > DefaultPlacementStrategy.DEFAULT_SAMPLE_ABOVE
        ? "scoring " + DefaultPlacementStrategy.defaultSampleSize(nodes) + " nodes that fit"
        : "scoring every node";
    out.println(String.format(Locale.ROOT, "placements/s: %,.0f   (median of %d run%s; bin-pack, %s)",
        median(done, r -> r.perSecond), runs, runs == 1 ? "" : "s", scoring));
    out.println(String.format(Locale.ROOT, "p99: %.1f us", median(done, r -> r.p99Micros)));
    out.println(String.format(Locale.ROOT, "utilization: %.1f%%   best-fit: %.1f%%   "
            + "(best-fit: exhaustive scan, %,d placed in %.1f s)",
        median(done, r -> r.utilization), best.utilization, best.placed, bestSeconds));
    return 0;
  }

  /** Nodes and instance requests, as plain arrays so that best-fit can scan them fast. */
  static final class Input {
    final String[] nodeIds;
    final String[] nodeZones;
    final long[] nodeMemory;
    final long[] nodeCpu;
    final long[] nodeDisk;
    final int[] nodeSlots;
    final String[] appNames;
    final int[] appOf;
    final int[] indexOf;
    final long[] memory;
    final long[] cpu;
    final long[] disk;
    final long totalMemory;
    final long askedMemory;

    Input(int nodes, int instances, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      nodeIds = new String[nodes];
      nodeZones = new String[nodes];
      nodeMemory = new long[nodes];
      nodeCpu = new long[nodes];
      nodeDisk = new long[nodes];
      nodeSlots = new int[nodes];
      long total = 0;
      String idFormat = "node-%0" + String.valueOf(nodes - 1).length() + "d";
      for (int i = 0; i < nodes; i++) {
        boolean big = random.nextBoolean();
        nodeIds[i] = String.format(Locale.ROOT, idFormat, i);
        nodeZones[i] = ZONES[random.nextInt(ZONES.length)];
        nodeMemory[i] = big ? 16 * GB : 8 * GB;
        nodeCpu[i] = big ? 8 * 1024 : 4 * 1024;
        nodeDisk[i] = 200 * GB;
        nodeSlots[i] = 250;
        total += nodeMemory[i];
      }
      totalMemory = total;

      appOf = new int[instances];
      indexOf = new int[instances];
      memory = new long[instances];
      cpu = new long[instances];
      disk = new long[instances];
      List<String> apps = new ArrayList<>();
      long asked = 0;
      int placed = 0;
      while (placed < instances) {
        int app = apps.size();
        apps.add("app-" + app);
        int count = Math.min(instances - placed, 1 + random.nextInt(40));
        long size = 256 * MB
            + SIZE_STEP * Math.max(random.nextInt(SIZE_STEPS), random.nextInt(SIZE_STEPS));
        for (int index = 0; index < count; index++, placed++) {
          appOf[placed] = app;
          indexOf[placed] = index;
          memory[placed] = size;
          cpu[placed] = size / MB / 4;
          disk[placed] = GB;
          asked += size;
        }
      }
      appNames = apps.toArray(new String[0]);
      askedMemory = asked;
    }
  }

  record Run(double perSecond, double p99Micros, double utilization, int placed, String stop) {}

  record BestFit(double utilization, int placed) {}

  /**
   * Places the first {@code count} instances with the strategy. The candidate list is kept
   * current by replacing the one candidate placement changed; when the next app starts, the
   * nodes that ran the last one are replaced to show none of the new one.
   */
  static Run placeWithStrategy(Input in, int count, long seed) {
    DefaultPlacementStrategy strategy = DefaultPlacementStrategy.builder().binPack()
        .random(new SplittableRandom(seed)).build();
    int n = in.nodeIds.length;
    List<NodeCandidate> candidates = new ArrayList<>(n);
    Map<String, Integer> position = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      candidates.add(new NodeCandidate(in.nodeIds[i], NodeState.ALIVE, in.nodeZones[i], STACK,
          Set.of(), in.nodeMemory[i], in.nodeDisk[i], in.nodeCpu[i], in.nodeSlots[i],
          in.nodeMemory[i], in.nodeCpu[i], 0));
      position.put(in.nodeIds[i], i);
    }
    int[] ofApp = new int[n];
    int[] touched = new int[n];
    int touchedCount = 0;
    Map<String, Integer> byZone = new HashMap<>();
    long[] latencies = new long[count];
    int attempts = 0;
    int placed = 0;
    long used = 0;
    int app = -1;
    String stop = "all placed";
    long start = System.nanoTime();
    for (int r = 0; r < count; r++) {
      if (in.appOf[r] != app) {
        app = in.appOf[r];
        for (int t = 0; t < touchedCount; t++) {
          int i = touched[t];
          ofApp[i] = 0;
          candidates.set(i, candidates.get(i).withInstancesOfApp(0));
        }
        touchedCount = 0;
        byZone.clear();
      }
      PlacementRequest request = new PlacementRequest(in.appNames[app], in.indexOf[r],
          in.memory[r], in.disk[r], in.cpu[r], STACK, Set.of(), Set.of(), 0, byZone);
      long t0 = System.nanoTime();
      Placement p = strategy.place(request, candidates);
      latencies[attempts++] = System.nanoTime() - t0;
      if (!p.placed()) {
        stop = String.format(Locale.ROOT, "stopped at instance %,d: %s", r + 1, p.explain());
        break;
      }
      int i = position.get(p.nodeId().get());
      candidates.set(i, candidates.get(i).afterPlacing(request));
      if (ofApp[i]++ == 0) {
        touched[touchedCount++] = i;
      }
      byZone.merge(in.nodeZones[i], 1, Integer::sum);
      used += in.memory[r];
      placed++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies, 0, attempts);
    double p99 = attempts == 0 ? 0 : latencies[Math.min(attempts - 1, attempts * 99 / 100)] / 1e3;
    return new Run(placed / seconds, p99, 100.0 * used / in.totalMemory, placed, stop);
  }

  /** Every node for each instance, in the same order; the least memory left over wins. */
  static BestFit bestFit(Input in) {
    int n = in.nodeIds.length;
    long[] memory = in.nodeMemory.clone();
    long[] cpu = in.nodeCpu.clone();
    long[] disk = in.nodeDisk.clone();
    int[] slots = in.nodeSlots.clone();
    long used = 0;
    int placed = 0;
    for (int r = 0; r < in.memory.length; r++) {
      long m = in.memory[r];
      long c = in.cpu[r];
      long d = in.disk[r];
      int best = -1;
      long bestLeft = Long.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        long left = memory[i] - m;
        if (left >= 0 && left < bestLeft && cpu[i] >= c && disk[i] >= d && slots[i] > 0) {
          best = i;
          bestLeft = left;
          if (left == 0) {
            break;
          }
        }
      }
      if (best < 0) {
        break;
      }
      memory[best] -= m;
      cpu[best] -= c;
      disk[best] -= d;
      slots[best]--;
      used += m;
      placed++;
    }
    return new BestFit(100.0 * used / in.totalMemory, placed);
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
    double[] v = runs.stream().mapToDouble(value).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
