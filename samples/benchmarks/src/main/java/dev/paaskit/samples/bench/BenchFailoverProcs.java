package dev.paaskit.samples.bench;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.samples.microcloud.AdminToken;
import dev.paaskit.samples.microcloud.Args;
import dev.paaskit.samples.microcloud.RouterProbe;
import dev.paaskit.samples.microcloud.SampleApps;
import dev.paaskit.samples.microcloud.ServeProcess;
import dev.paaskit.testing.NatsServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * {@code paaskit bench failover --procs N}: the cloud as separate processes on NATS, as in
 * distributed mode: a controller process and N node processes, an app of M instances spread over
 * them. Kills node processes one at a time with kill -9 and times each of the dead node's
 * instances from the kill to RUNNING on another node and answering through the router. Prints
 * {@code failover-p50} and {@code failover-p99} over every instance moved.
 */
final class BenchFailoverProcs {
  private static final String APP = "who";
  private static final String HOST = APP + ".localhost";

  private final PrintStream out;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(1, TimeUnit.SECONDS).readTimeout(2, TimeUnit.SECONDS).build();

  BenchFailoverProcs(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the bench on the NATS server at {@code natsUrl}, or on one of its own when null.
   *
   * @throws Args.UsageException if there are not more node processes than kills
   */
  int run(String natsUrl, int procs, int instances, int kills, Duration timeout)
      throws Exception {
    if (kills < 1 || kills >= procs) {
      throw new Args.UsageException("--kills must be at least 1 and fewer than --procs");
    }
    if (instances < procs) {
      throw new Args.UsageException("--instances must be at least --procs, so each node runs one");
    }
    Path work = Files.createTempDirectory("paaskit-failover-procs-");
    NatsServer own = natsUrl == null ? NatsServer.start() : null;
    String url = own == null ? natsUrl : own.url();
    Map<String, ServeProcess> nodes = new HashMap<>();
    List<ProcessHandle> orphans = new ArrayList<>();
    ServeProcess controller = null;
    try {
      controller = ServeProcess.launch(List.of("--nats", url, "--roles",
          "controller,stager,health,router", "--api-port", "0", "--router-port", "0",
          "--data", work.resolve("controller").toString()));
      for (int i = 1; i <= procs; i++) {
        String id = "p" + i;
        nodes.put(id, ServeProcess.launch(List.of("--nats", url, "--roles", "node",
            "--node-id", id, "--data", work.resolve(id).toString())));
      }
      controller.awaitReady();
      for (ServeProcess node : nodes.values()) {
        node.awaitReady();
      }
      RouterProbe router = new RouterProbe(http, controller.routerPort());
      try (RemoteController api = RemoteController.create(controller.apiUrl(),
          AdminToken.read(work.resolve("controller").resolve("admin-token")))) {
        Waiter waiter = new Waiter(api, timeout);
        waiter.until(() -> api.nodes().size() == procs, procs + " node processes joined");
        api.push(AppSpec.builder(APP).instances(instances).memory("64M").disk("64M").build(),
            SampleApps.whoami(work), line -> { }).staged()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        waiter.until(() -> routedExactly(api, router, instances), instances + " instances routed");

        List<Long> latencies = new ArrayList<>();
        for (int k = 1; k <= kills; k++) {
          String victim = "p" + k;
          Set<Integer> moving = new java.util.TreeSet<>();
          running(api).stream().filter(i -> i.nodeId().equals(victim))
              .forEach(i -> moving.add(i.index()));
          ServeProcess dead = nodes.remove(victim);
          orphans.addAll(dead.descendants());
          long killed = System.nanoTime();
          dead.kill9();
          Map<Integer, Long> moved = new HashMap<>();
          waiter.until(() -> {
            Set<String> answering = router.answering(HOST, 2 * instances + 4);
            for (InstanceStatus i : running(api)) {
              if (moving.contains(i.index()) && !i.nodeId().equals(victim)
                  && answering.contains(i.instanceId())) {
                moved.putIfAbsent(i.index(), System.nanoTime() - killed);
              }
            }
            return moved.keySet().containsAll(moving);
          }, "the instances of " + victim + " running and routed elsewhere");
          latencies.addAll(moved.values());
          out.printf("killed %s: %d instances moved, the last after %d ms%n", victim,
              moved.size(), TimeUnit.NANOSECONDS.toMillis(
                  moved.values().stream().mapToLong(Long::longValue).max().orElse(0)));
        }
        out.printf("failover-p50: %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(BenchFailover.percentile(latencies, 50)));
        out.printf("failover-p99: %d ms (%d instances moved from %d node processes)%n",
            TimeUnit.NANOSECONDS.toMillis(BenchFailover.percentile(latencies, 99)),
            latencies.size(), kills);
      }
      return 0;
    } finally {
      for (ServeProcess node : nodes.values()) {
        node.close();
      }
      if (controller != null) {
        controller.close();
      }
      orphans.forEach(ProcessHandle::destroyForcibly);
      if (own != null) {
        own.close();
      }
      http.connectionPool().evictAll();
      Trees.deleteQuietly(work);
    }
  }

  private static List<InstanceStatus> running(RemoteController api) {
    return api.instances(APP).stream().filter(i -> i.state() == InstanceState.RUNNING).toList();
  }

  private static boolean routedExactly(RemoteController api, RouterProbe router, int instances) {
    Set<String> running = new java.util.TreeSet<>();
    running(api).forEach(i -> running.add(i.instanceId()));
    return running.size() == instances && router.answering(HOST, 2 * instances + 4).equals(running);
  }

  /** Checks a condition after each event of the app, or every 20 ms, until a deadline. */
  private static final class Waiter {
    private final RemoteController api;
    private final Duration timeout;

    Waiter(RemoteController api, Duration timeout) {
      this.api = api;
      this.timeout = timeout;
    }

    interface Condition {
      boolean holds() throws Exception;
    }

    void until(Condition condition, String what) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      AutoCloseable follow = api.find(APP).isPresent() ? api.followEvents(APP, events::add) : () -> { };
      try {
        while (!condition.holds()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("gave up after " + timeout.toSeconds()
                + " s waiting for " + what + "; the instances are " + api.instances(APP));
          }
          events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
        }
      } finally {
        follow.close();
      }
    }
  }
}
