package dev.paaskit.samples.microcloud;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Asks a router for one host of a {@linkplain SampleApps#whoami whoami} app: who answers? */
public final class RouterProbe {
  private final OkHttpClient http;
  private final int routerPort;

  public RouterProbe(OkHttpClient http, int routerPort) {
    this.http = http;
    this.routerPort = routerPort;
  }

  /**
   * The instance ids that answered {@code requests} requests for {@code host}, each request's
   * failure included as its status and body, or its exception. With at most
   * {@code requests / 2} instances in the router's round-robin rotation, each is asked twice.
   */
  public Set<String> answering(String host, int requests) {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < requests; i++) {
      try (Response r = http.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + routerPort + "/").header("Host", host).build()).execute()) {
        String body = r.body().string();
        ids.add(r.code() == 200 ? SampleApps.whoamiInstance(body) : r.code() + " " + body.strip());
      } catch (IOException e) {
        ids.add(e.toString());
      }
    }
    return ids;
  }
}
