package dev.paaskit.samples.bench;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.node.process.ProcessBackend;
import dev.paaskit.node.runc.RuncBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code paaskit bench containers}: how long a trivial instance takes from {@code create} to its
 * first line of output on runc and on plain processes, alternating in one run, and how many idle
 * 64M instances one runc node starts, with what each costs the host.
 */
final class BenchContainers {
  private static final ResourceLimits LIMITS =
      new ResourceLimits(64L * 1024 * 1024, 256L * 1024 * 1024, 1024);
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final PrintStream out;

  BenchContainers(PrintStream out) {
    this.out = out;
  }

  int run(int runs, int density) throws Exception {
    if (!RuncBackend.available()) {
      out.println("bench containers: needs root and runc on the path");
      return 1;
    }
    Path work = Files.createTempDirectory("paaskit-bench-containers-");
    try (RuncBackend runc = RuncBackend.builder().stateDir(work.resolve("runc-state")).build();
        ProcessBackend process = ProcessBackend.builder().build()) {
      for (int i = 0; i < 3; i++) {
        startToRunning(runc, work, "warm-runc-" + i);
        startToRunning(process, work, "warm-process-" + i);
      }
      List<Double> runcMs = new ArrayList<>();
      List<Double> processMs = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        runcMs.add(startToRunning(runc, work, "runc-" + i));
        processMs.add(startToRunning(process, work, "process-" + i));
      }
      double r = median(runcMs);
      double p = median(processMs);
      out.printf("start-to-running runc: %.1f ms (median of %d; p90 %.1f ms)%n", r, runs,
          percentile(runcMs, 0.9));
      out.printf("start-to-running process: %.1f ms (median of %d; p90 %.1f ms)%n", p, runs,
          percentile(processMs, 0.9));
      out.printf("runc-over-process: %+.1f ms at the median (goal: at most +100 ms)%n", r - p);
      if (density > 0) {
        density(runc, work, density);
      }
    } finally {
      Trees.deleteQuietly(work);
    }
    return 0;
  }

  /** Milliseconds from create to the container's first line. */
  private double startToRunning(ContainerBackend backend, Path work, String id)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("apps").resolve(id));
    CompletableFuture<Long> firstLine = new CompletableFuture<>();
    ContainerListener listener = new ContainerListener() {
      @Override
      public void onOutput(Stream stream, String line) {
        firstLine.complete(System.nanoTime());
      }

      @Override
      public void onExit(ExitStatus status) {
        firstLine.completeExceptionally(new IllegalStateException(id + " ended: " + status));
      }
    };
    long begin = System.nanoTime();
    backend.create(new ContainerSpec(id, dir, "echo ready; exec sleep 300", ENV, LIMITS,
        listener));
    backend.start(id);
    long ready = firstLine.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    backend.stop(id, Duration.ZERO).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    backend.remove(id);
    Trees.deleteQuietly(dir);
    return (ready - begin) / 1e6;
  }

  /** Starts idle 64M instances until {@code max} run or one fails; prints what it cost. */
  private void density(RuncBackend runc, Path work, int max) throws Exception {
    long availableBefore = memAvailableKib();
    List<String> started = new ArrayList<>();
    long begin = System.nanoTime();
    String failure = null;
    for (int i = 0; i < max; i++) {
      String id = "idle-" + i;
      Path dir = Files.createDirectories(work.resolve("idle").resolve(id));
      CompletableFuture<Void> up = new CompletableFuture<>();
      ContainerListener listener = new ContainerListener() {
        @Override
        public void onOutput(Stream stream, String line) {
          up.complete(null);
        }

        @Override
        public void onExit(ExitStatus status) {
          up.completeExceptionally(new IllegalStateException(id + " ended: " + status));
        }
      };
      try {
        runc.create(new ContainerSpec(id, dir, "echo up; exec sleep 100000", ENV, LIMITS,
            listener));
        started.add(id);
        runc.start(id);
        up.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        failure = id + ": " + e;
        break;
      }
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long availableAfter = memAvailableKib();
    int running = failure == null ? started.size() : started.size() - 1;
    double perInstanceMib = running == 0 ? 0
        : (availableBefore - availableAfter) / 1024.0 / running;
    out.printf("density: %d idle 64M instances running on runc (limit %d%s) in %.1f s%n",
        running, max, failure == null ? "" : "; stopped at " + failure, seconds);
    out.printf("host memory per idle instance: %.1f MiB (MemAvailable %d -> %d MiB); "
        + "this machine fits about %d%n", perInstanceMib, availableBefore / 1024,
        availableAfter / 1024, perInstanceMib <= 0 ? 0 : (long) (availableBefore / 1024.0
            / perInstanceMib));
    List<CompletableFuture<ExitStatus>> stops = new ArrayList<>();
    for (String id : started) {
      stops.add(runc.stop(id, Duration.ZERO));
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
        .get(5, TimeUnit.MINUTES);
    for (String id : started) {
      runc.remove(id);
    }
  }

  private static long memAvailableKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemAvailable:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static double median(List<Double> values) {
    return percentile(values, 0.5);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
