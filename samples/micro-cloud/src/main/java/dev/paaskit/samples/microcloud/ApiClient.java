package dev.paaskit.samples.microcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paaskit.api.Controller;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.rest.ApiException;
import dev.paaskit.rest.RemoteController;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The CLI's view of a remote cloud: its {@link Controller} over HTTP, plus the few calls that are
 * not part of that interface (the cloud's info, an app's environment with or without secrets).
 */
final class ApiClient implements AutoCloseable {
  /** An app's environment as the API shows it: secret values are {@code ******} unless asked. */
  record Environment(Map<String, String> plain, Map<String, String> secret) {}

  private final Connection connection;
  private final RemoteController controller;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS).build();
  private final ObjectMapper json = new ObjectMapper();

  private ApiClient(Connection connection) {
    this.connection = connection;
    this.controller = RemoteController.create(connection.apiUrl(), connection.token());
  }

  static ApiClient connect(Connection connection) {
    return new ApiClient(connection);
  }

  String url() {
    return connection.apiUrl();
  }

  Controller controller() {
    return controller;
  }

  /** The router's port, as the server reports it. */
  int routerPort() throws IOException {
    return get(HttpUrl.get(url() + "/v1/info")).path("router_port").asInt(Connection.DEFAULT_ROUTER_PORT);
  }

  /** The domain default routes live under, as the server reports it. */
  String domain() throws IOException {
    return get(HttpUrl.get(url() + "/v1/info")).path("domain").asText("localhost");
  }

  Environment environment(String app, boolean showSecrets) throws IOException {
    HttpUrl u = HttpUrl.get(url() + "/v1/apps").newBuilder().addPathSegment(app).addPathSegment("env")
        .addQueryParameter("show_secrets", String.valueOf(showSecrets)).build();
    JsonNode body = get(u);
    return new Environment(strings(body.path("env")), strings(body.path("secret_env")));
  }

  /**
   * Sends a request with an optional JSON body to {@code path} (under the API's URL) and returns
   * the JSON answer.
   *
   * @throws ApiException with the server's error code and message for an error answer
   */
  JsonNode send(String method, String path, Object body) throws IOException {
    okhttp3.RequestBody content = body == null ? null : okhttp3.RequestBody.create(
        json.writeValueAsBytes(body), okhttp3.MediaType.get("application/json"));
    Request request = new Request.Builder().url(HttpUrl.get(url() + path)).method(method, content)
        .header("Authorization", "Bearer " + connection.token().reveal()).build();
    try (Response r = http.newCall(request).execute()) {
      JsonNode answer = json.readTree(r.body().byteStream());
      if (!r.isSuccessful()) {
        JsonNode error = answer == null ? null : answer.path("error");
        throw new ApiException(r.code(), error == null ? "http_" + r.code()
            : error.path("code").asText("http_" + r.code()),
            error == null ? "" : error.path("message").asText());
      }
      return answer;
    }
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private JsonNode get(HttpUrl url) throws IOException {
    Request request = new Request.Builder().url(url)
        .header("Authorization", "Bearer " + connection.token().reveal()).build();
    try (Response r = http.newCall(request).execute()) {
      JsonNode body = json.readTree(r.body().byteStream());
      if (r.code() == 404) {
        throw new NotFoundException("app", url.pathSegments().get(2));
      }
      if (!r.isSuccessful()) {
        throw new IOException("HTTP " + r.code() + ": " + body.path("error").path("message").asText());
      }
      return body;
    }
  }

  @Override
  public void close() {
    controller.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
