package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.NatsServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clouds, each a whole {@code paaskit serve --cloud NAME} process, on one nats-server: nodes
 * of the same id and apps of the same name, each cloud runs and routes only its own.
 */
@Timeout(120)
class CloudsOnOneNatsServerTest {
  @TempDir Path tmp;

  private ServeProcess serve(NatsServer nats, String cloud) throws Exception {
    return ServeProcess.launch(List.of("--nats", nats.url(), "--roles", "all", "--cloud", cloud,
        "--node-id", "n1", "--api-port", "0", "--router-port", "0",
        "--data", tmp.resolve(cloud).toString())).awaitReady();
  }

  private RemoteController api(ServeProcess serve, String cloud) throws Exception {
    return RemoteController.create(serve.apiUrl(),
        AdminToken.read(tmp.resolve(cloud).resolve("admin-token")));
  }

  @Test
  void eachCloudRunsAndRoutesOnlyItsOwn() throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().connectTimeout(1, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.SECONDS).build();
    try (NatsServer nats = NatsServer.start();
        ServeProcess one = serve(nats, "one");
        ServeProcess two = serve(nats, "two");
        RemoteController apiOne = api(one, "one");
        RemoteController apiTwo = api(two, "two")) {
      Path app = SampleApps.whoami(tmp.resolve("apps"));
      MainRuns.Run pushOne = MainRuns.cli(one.apiUrl(), tmp.resolve("one"), "push",
          app.toString(), "--name", "who", "--instances", "2", "--memory", "64M");
      assertEquals(0, pushOne.code(), pushOne.all());
      MainRuns.Run pushTwo = MainRuns.cli(two.apiUrl(), tmp.resolve("two"), "push",
          app.toString(), "--name", "who", "--instances", "1", "--memory", "64M");
      assertEquals(0, pushTwo.code(), pushTwo.all());

      assertEquals(List.of("n1-1", "n1-2"), apiOne.nodes().stream().map(NodeStatus::nodeId).toList());
      assertEquals(List.of("n1-1", "n1-2"), apiTwo.nodes().stream().map(NodeStatus::nodeId).toList());
      assertEquals(2, apiOne.instances("who").stream()
          .filter(i -> i.state() == InstanceState.RUNNING).count(), apiOne.instances("who")::toString);
      assertEquals(1, apiTwo.instances("who").stream()
          .filter(i -> i.state() == InstanceState.RUNNING).count(), apiTwo.instances("who")::toString);
      Set<String> answeringOne = new RouterProbe(http, one.routerPort())
          .answering("who.localhost", 12);
      Set<String> answeringTwo = new RouterProbe(http, two.routerPort())
          .answering("who.localhost", 12);
      assertEquals(2, answeringOne.size(), "cloud one's router reaches its 2: " + answeringOne);
      assertEquals(1, answeringTwo.size(), "cloud two's router reaches its 1: " + answeringTwo);
      assertTrue(answeringOne.stream().noneMatch(answeringTwo::contains),
          one + " and " + two + " share no instance");
    } finally {
      http.connectionPool().evictAll();
    }
  }
}
