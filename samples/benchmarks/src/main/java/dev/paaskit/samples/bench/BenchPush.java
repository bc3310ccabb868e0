package dev.paaskit.samples.bench;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Event;
import dev.paaskit.api.Secret;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.blob.LocalBlobStore;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.core.store.FileStateStore;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.samples.microcloud.FirstAnswer;
import dev.paaskit.samples.microcloud.MicroCloud;
import dev.paaskit.samples.microcloud.SampleApps;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * {@code paaskit bench push}: push-to-first-200 through the router for a small Python app, over
 * the REST API of a micro cloud like {@code serve} (file store, process nodes), measured from the
 * start of the push to the first 200 the router answers; then the same for a second push of
 * unchanged bits. The CLI's own JVM start-up is not in it.
 */
final class BenchPush {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final PrintStream out;

  BenchPush(PrintStream out) {
    this.out = out;
  }

  int run(int runs) throws Exception {
    Path data = Files.createTempDirectory("paaskit-bench-");
    Secret token = Secret.of("bench-token");
    OkHttpClient http = new OkHttpClient.Builder().connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS).build();
    FileStateStore store = FileStateStore.open(data.resolve("state"));
    try (PaasCloud cloud = MicroCloud.build("bench", data, 2, 0, store,
        LocalBlobStore.open(data.resolve("blobs"))).start()) {
      ApiServer api = ApiServer.builder().controller(cloud.controller()).port(0).token(token)
          .tempDir(data.resolve("uploads")).build();
      api.start();
      int routerPort = MicroCloud.routerPort(cloud);
      try (RemoteController remote = RemoteController.create("http://127.0.0.1:" + api.port(), token)) {
        List<Long> first = new ArrayList<>();
        List<Long> again = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
          String name = "bench-" + i;
          Path app = appFolder(data, name, i);
          long fresh = pushToFirst200(remote, http, routerPort, name, app);
          long unchanged = pushToFirst200(remote, http, routerPort, name, app);
          remote.delete(name);
          if (i == 0) {
            out.printf("warm-up: %d ms, unchanged %d ms (not counted)%n", fresh, unchanged);
            continue;
          }
          first.add(fresh);
          again.add(unchanged);
          out.printf("run %d: push-to-first-200 %d ms, unchanged bits %d ms%n", i, fresh, unchanged);
        }
        out.println("push-to-first-200: " + median(first) + " ms (median of " + runs + ", runs " + first + ")");
        out.println("repush-unchanged-to-200: " + median(again) + " ms (median of " + runs + ", runs " + again + ")");
      } finally {
        api.stop();
      }
    } finally {
      store.close();
      http.connectionPool().evictAll();
      http.dispatcher().executorService().shutdown();
      Trees.deleteQuietly(data);
    }
    return 0;
  }

  /** The hello-python sample with a file that makes each run's bits, and so its droplet, new. */
  private static Path appFolder(Path parent, String name, int run) throws IOException {
    Path dir = SampleApps.helloPython(Files.createDirectories(parent.resolve("apps").resolve(name)));
    Files.writeString(dir.resolve("RUN"), name + " " + run + " " + System.nanoTime() + "\n");
    return dir;
  }

  private static long pushToFirst200(RemoteController remote, OkHttpClient http, int port,
      String name, Path app) throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    try (AutoCloseable follow = remote.followEvents(name, events::add)) {
      long start = System.nanoTime();
      remote.push(AppSpec.builder(name).instances(1).memory("64M").disk("128M").build(), app,
          line -> { }).staged().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      long first = FirstAnswer.await(http, port, name + ".localhost", events,
          start + DEADLINE.toNanos(), () -> { });
      return TimeUnit.NANOSECONDS.toMillis(first - start);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
