package dev.paaskit.router.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;

/** A route table, a router in front of it, real instances behind it and a real client. */
abstract class RouterTestSupport {
  final RouteTable table = new RouteTable();
  final List<TestBackend> backends = new ArrayList<>();
  /** How many TCP connections the client opened to the router. */
  final AtomicInteger clientConnects = new AtomicInteger();
  final OkHttpClient client = new OkHttpClient.Builder()
      .proxy(Proxy.NO_PROXY)
      .connectTimeout(Duration.ofSeconds(5))
      .readTimeout(Duration.ofSeconds(20))
      .writeTimeout(Duration.ofSeconds(20))
      .retryOnConnectionFailure(false)
      .eventListener(new EventListener() {
        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
          clientConnects.incrementAndGet();
        }
      })
      .build();
  Router router;

  /** Starts a router with the given timeouts, or the defaults when null. */
  void startRouter(Duration readTimeout) throws IOException {
    Router.Builder builder = Router.builder().routeTable(table).name("test-router");
    if (readTimeout != null) {
      builder.readTimeout(readTimeout);
    }
    router = builder.build();
    router.start();
  }

  TestBackend backend(String name) throws IOException {
    TestBackend backend = TestBackend.start(name);
    backends.add(backend);
    return backend;
  }

  Request.Builder request(String host, String pathAndQuery) {
    return new Request.Builder()
        .url("http://127.0.0.1:" + router.port() + pathAndQuery)
        .header("Host", host);
  }

  Reply get(String host, String pathAndQuery) throws IOException {
    return send(request(host, pathAndQuery).build());
  }

  Reply send(Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      return new Reply(response.code(), response.body().string(), response.headers());
    }
  }

  @AfterEach
  void stopAll() {
    if (router != null) {
      router.stop();
    }
    backends.forEach(TestBackend::close);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  record Reply(int status, String body, Headers headers) {
    String routerError() {
      return headers.get(RouterError.HEADER);
    }
  }
}
