package dev.paaskit.samples.bench;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.testing.TestCloud;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code paaskit bench harness}: how fast paas-testing is. {@code cloud-start} builds a 3-node
 * in-process {@link TestCloud} until every node has joined; {@code push-to-running} pushes an app
 * to a started one until its instance is RUNNING on the fake backend. Medians after warm-up.
 */
final class BenchHarness {
  private static final int WARMUP = 20;

  private final PrintStream out;

  BenchHarness(PrintStream out) {
    this.out = out;
  }

  int run(int runs) {
    for (int i = 0; i < WARMUP; i++) {
      try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
        pushToRunning(cloud, "warm" + i);
      }
    }
    List<Long> starts = new ArrayList<>();
    List<Long> pushes = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
        starts.add(System.nanoTime() - t0);
        pushes.add(pushToRunning(cloud, "app" + i));
      }
    }
    out.printf("cloud-start: %.1f ms (median of %d after %d warm-up; p90 %.1f ms)%n",
        millis(median(starts)), runs, WARMUP, millis(percentile(starts, 90)));
    out.printf("push-to-running: %.1f ms (median of %d after %d warm-up; p90 %.1f ms)%n",
        millis(median(pushes)), runs, WARMUP, millis(percentile(pushes, 90)));
    return 0;
  }

  private static long pushToRunning(TestCloud cloud, String name) {
    long t0 = System.nanoTime();
    cloud.push(AppSpec.builder(name).memory("64M").disk("64M").healthCheck(HealthCheck.port()).build());
    cloud.awaitRunning(name, 1);
    return System.nanoTime() - t0;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static long median(List<Long> values) {
    return percentile(values, 50);
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }
}
