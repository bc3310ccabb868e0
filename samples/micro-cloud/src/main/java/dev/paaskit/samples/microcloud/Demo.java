package dev.paaskit.samples.microcloud;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code paaskit demo}: starts a micro cloud with 2 process nodes, pushes the bundled Python
 * app with 3 instances, sends requests through the router and prints each answer.
 */
final class Demo {
  private static final String APP = "hello";
  private static final int INSTANCES = 3;
  private static final int REQUESTS = 6;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final PrintStream out;

  private final MicroCloud.Isolation isolation;

  Demo(PrintStream out, MicroCloud.Isolation isolation) {
    this.out = out;
    this.isolation = isolation;
  }

  int run() throws Exception {
    Path work = Files.createTempDirectory("paaskit-demo-");
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();
    try (PaasCloud cloud = MicroCloud.build("demo", work, 2, 0, isolation).start()) {
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      cloud.addEventListener(events::add, Runnable::run);
      int port = MicroCloud.routerPort(cloud);
      out.println("micro cloud up: 2 nodes, router on http://127.0.0.1:" + port);
      out.println("backend: " + isolation.describe());
      Path app = SampleApps.helloPython(work);
      String host = APP + ".localhost";

      long start = System.nanoTime();
      CompletableFuture<?> push = cloud.controller().push(
          AppSpec.builder(APP).instances(INSTANCES).memory("128M").disk("256M").build(),
          app, line -> out.println("  staging | " + line)).staged();
      long deadline = start + DEADLINE.toNanos();
      long firstOk = FirstAnswer.await(http, port, host, events, deadline, () -> {
        if (push.isCompletedExceptionally()) {
          push.join();
        }
      });
      long pushToFirst = TimeUnit.NANOSECONDS.toMillis(firstOk - start);
      push.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

      awaitRunning(cloud, events, deadline);
      for (InstanceStatus i : cloud.controller().instances(APP)) {
        out.printf("  instance %d %s on %s port %d%n", i.index(), i.state(), i.nodeId(), i.port());
      }
      Set<String> answers = new HashSet<>();
      for (int n = 1; n <= REQUESTS; n++) {
        String body = get(http, port, host);
        answers.add(body);
        out.printf("request %d -> %s%n", n, body);
      }
      out.println("distinct instances answering: " + answers.size());
      out.println("push-to-first-request: " + pushToFirst + " ms");
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      if (answers.size() < 2) {
        out.println("demo failed: expected answers from at least 2 instances");
        return 1;
      }
      return 0;
    } finally {
      Trees.deleteQuietly(work);
    }
  }

  private static void awaitRunning(PaasCloud cloud, BlockingQueue<Event> events, long deadline)
      throws InterruptedException {
    while (cloud.controller().instances(APP).stream()
        .filter(i -> i.state() == InstanceState.RUNNING).count() < INSTANCES) {
      awaitEvent(events, deadline, INSTANCES + " RUNNING instances of " + APP + ", have "
          + cloud.controller().instances(APP));
    }
  }

  /** Waits for the next event, or fails once {@code deadline} (a nanoTime) has passed. */
  private static void awaitEvent(BlockingQueue<Event> events, long deadline, String waitingFor)
      throws InterruptedException {
    long left = deadline - System.nanoTime();
    events.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
    if (System.nanoTime() - deadline >= 0) {
      throw new IllegalStateException("gave up after " + DEADLINE.toSeconds()
          + " s waiting for " + waitingFor);
    }
  }

  private static String get(OkHttpClient http, int port, String host) throws IOException {
    try (Response r = http.newCall(request(port, host)).execute()) {
      return r.code() + " " + r.body().string().trim();
    }
  }

  private static Request request(int port, String host) {
    return new Request.Builder().url("http://127.0.0.1:" + port + "/").header("Host", host).build();
  }
}
