package dev.paaskit.testing.rest;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Controller;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.StubCartridge;
import dev.paaskit.testing.Waits;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A real cloud on two fake nodes, behind a real {@link ApiServer} on 127.0.0.1, with a
 * {@link RemoteController} and a raw HTTP client pointed at it. The server sees the cloud's
 * controller through a proxy that counts open log subscriptions, so tests can tell when the
 * server let one go.
 */
final class RestCloud implements AutoCloseable {
  static final Secret TOKEN = Secret.of("test-admin-token-1234");
  static final Duration WAIT = Duration.ofSeconds(10);
  static final long UPLOAD_LIMIT = 256 * 1024;
  static final Duration HEARTBEAT = Duration.ofMillis(200);

  final FakeBackend n1 = FakeBackend.create();
  final FakeBackend n2 = FakeBackend.create();
  final GateCartridge gate = new GateCartridge();
  final AtomicInteger openFollows = new AtomicInteger();
  final PaasCloud cloud;
  final Waits waits;
  final ApiServer api;
  final Path apiTemp;
  final RemoteController remote;
  final OkHttpClient raw = new OkHttpClient.Builder().readTimeout(10, TimeUnit.SECONDS).build();
  final String base;

  RestCloud(Path tmp) throws Exception {
    PortAllocator ports = PortAllocator.create();
    StubCartridge stub = new StubCartridge();
    List<Cartridge> cartridges = List.of(stub, gate);
    cloud = PaasKit.builder()
        .name("rest")
        .cartridges(() -> cartridges)
        .workDir(tmp.resolve("cloud"))
        .healthOptions(HealthOptions.DEFAULTS.withHeartbeat(Duration.ofMillis(100), 3))
        .addRole(node("n1", n1, ports, tmp))
        .addRole(node("n2", n2, ports, tmp))
        .build()
        .start();
    waits = Waits.on(cloud);
    waits.until(() -> cloud.controller().nodes().size() == 2, WAIT,
        () -> "2 nodes, have " + cloud.controller().nodes());
    apiTemp = tmp.resolve("api");
    api = ApiServer.builder()
        .controller(countingFollows(cloud.controller()))
        .token(TOKEN)
        .uploadLimits(ArchiveLimits.defaults().withMaxTotalBytes(UPLOAD_LIMIT))
        .tempDir(apiTemp)
        .heartbeat(HEARTBEAT)
        .info(Map.of("version", "test-1", "domain", "localhost"))
        .build();
    api.start();
    base = "http://127.0.0.1:" + api.port();
    remote = RemoteController.create(base, TOKEN);
  }

  private static NodeAgent.Builder node(String id, FakeBackend backend, PortAllocator ports,
      Path tmp) {
    return NodeAgent.builder().id(id).capacity(NodeCapacity.of("1G", "10G")).backend(backend)
        .ports(ports).workDir(tmp.resolve(id)).heartbeatInterval(Duration.ofMillis(100))
        .stopGrace(Duration.ofSeconds(1));
  }

  /** {@code controller}, with every handle followLogs returns counted while it is open. */
  private Controller countingFollows(Controller controller) {
    return (Controller) Proxy.newProxyInstance(Controller.class.getClassLoader(),
        new Class<?>[] {Controller.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(controller, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (!method.getName().equals("followLogs")) {
            return result;
          }
          AutoCloseable handle = (AutoCloseable) result;
          count(+1);
          AutoCloseable[] once = {handle};
          return (AutoCloseable) () -> {
            synchronized (once) {
              if (once[0] != null) {
                once[0].close();
                once[0] = null;
                count(-1);
              }
            }
          };
        });
  }

  private void count(int delta) {
    synchronized (openFollows) {
      openFollows.addAndGet(delta);
      openFollows.notifyAll();
    }
  }

  static AppSpec.Builder spec(String name, int instances) {
    return AppSpec.builder(name).instances(instances).memory("64M").disk("128M")
        .healthCheck(HealthCheck.process());
  }

  /** Instances of {@code app} RUNNING, as the remote controller reports them. */
  long running(String app) {
    return remote.instances(app).stream().filter(i -> i.state() == InstanceState.RUNNING)
        .count();
  }

  void awaitRunning(String app, int count) {
    waits.until(() -> running(app) == count && remote.instances(app).stream()
            .allMatch(i -> i.state() == InstanceState.RUNNING || !i.state().isActive()), WAIT,
        () -> count + " RUNNING instances of " + app + ", have " + remote.instances(app));
  }

  /** Checks {@code condition} every few milliseconds until it holds or {@link #WAIT} passes. */
  static void eventually(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up after " + WAIT.toMillis() + " ms waiting for "
            + what.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Waits until exactly {@code count} log subscriptions of the server are open. */
  void awaitOpenFollows(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (openFollows) {
      while (openFollows.get() != count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("gave up after " + WAIT.toMillis() + " ms waiting for "
              + count + " open log subscriptions, have " + openFollows.get());
        }
        TimeUnit.NANOSECONDS.timedWait(openFollows, left);
      }
    }
  }

  /** The files left in the server's upload folder. */
  List<Path> uploadsLeft() throws IOException {
    if (!Files.isDirectory(apiTemp)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(apiTemp)) {
      return files.toList();
    }
  }

  /** An answer to a raw request: its status, headers and body text. */
  record Answer(int status, String body, okhttp3.Headers headers) {}

  Answer get(String path) throws IOException {
    return send(authorized(path).get().build());
  }

  Answer send(String method, String path, String json) throws IOException {
    RequestBody body = json == null ? null
        : RequestBody.create(json, MediaType.get("application/json"));
    return send(authorized(path).method(method, body).build());
  }

  Request.Builder authorized(String path) {
    return new Request.Builder().url(base + path).header("Authorization", "Bearer "
        + TOKEN.reveal());
  }

  Answer send(Request request) throws IOException {
    try (Response response = raw.newCall(request).execute()) {
      return new Answer(response.code(), response.body().string(), response.headers());
    }
  }

  @Override
  public void close() {
    remote.close();
    api.stop();
    cloud.close();
    raw.dispatcher().executorService().shutdown();
    raw.connectionPool().evictAll();
  }
}
