package dev.paaskit.router.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What crosses the router: bodies, headers, targets, and failures after the answer began. */
@Timeout(120)
class RouterProxyTest extends RouterTestSupport {
  private static final String HOST = "api.example.com";
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private TestBackend backend;

  @BeforeEach
  void start() throws IOException {
    startRouter(null);
    backend = backend("api");
    table.register(HOST, backend.backend("api"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/echo", "/echo?chunked"})
  void aPostOfSeveralMegabytesIsEchoedIntact(String target) throws Exception {
    byte[] body = new byte[6 * 1024 * 1024 + 17];
    new Random(42).nextBytes(body);
    try (Response response = client.newCall(request(HOST, target)
        .post(RequestBody.create(body, OCTETS)).build()).execute()) {
      assertEquals(200, response.code());
      assertEquals(Integer.toString(body.length), response.header("X-Received-Length"));
      assertEquals("application/octet-stream", response.header("Content-Type"));
      assertArrayEquals(body, response.body().bytes());
    }
  }

  @Test
  void aChunkedUploadArrivesWhole() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(body);
    RequestBody unknownLength = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(body);
      }
    };
    try (Response response = client.newCall(request(HOST, "/echo")
        .put(unknownLength).build()).execute()) {
      assertEquals(200, response.code());
      assertArrayEquals(body, response.body().bytes());
    }
  }

  @Test
  void aHundredMegabytesStreamThrough() throws Exception {
    long size = 100L * 1024 * 1024;
    CRC32 sent = new CRC32();
    RequestBody generated = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public long contentLength() {
        return size;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        byte[] block = new byte[64 * 1024];
        long seed = 1;
        for (long written = 0; written < size; written += block.length) {
          for (int i = 0; i < block.length; i += 8) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            for (int b = 0; b < 8; b++) {
              block[i + b] = (byte) (seed >>> (8 * b));
            }
          }
          sent.update(block);
          sink.write(block);
        }
      }
    };
    Reply reply = send(request(HOST, "/count").post(generated).build());
    assertEquals(200, reply.status(), reply.body());
    assertEquals(size + " " + Long.toHexString(sent.getValue()), reply.body());
  }

  @Test
  void theRequestBodyIsPassedOnAsItArrives() throws Exception {
    int total = 1024 * 1024;
    RequestBody waitsForTheInstance = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public long contentLength() {
        return total;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        byte[] part = new byte[128 * 1024];
        sink.write(part);
        sink.flush();
        // A router that held the body back would keep the instance waiting here for ever.
        await(backend.firstBytes, "the instance never saw the first part of the body");
        for (int sent = part.length; sent < total; sent += part.length) {
          sink.write(part);
        }
      }
    };
    Reply reply = send(request(HOST, "/first-bytes").post(waitsForTheInstance).build());
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Integer.toString(total), reply.body());
  }

  @Test
  void theResponseIsPassedOnAsItArrives() throws Exception {
    try (Response response = client.newCall(request(HOST, "/stream").build()).execute()) {
      assertEquals(200, response.code());
      BufferedSource source = response.body().source();
      // The instance sends the rest only once released: the first part must get here alone.
      assertEquals("first part", source.readUtf8LineStrict());
      backend.release.countDown();
      assertEquals("second part", source.readUtf8LineStrict());
      assertTrue(source.exhausted());
    }
  }

  @Test
  void endToEndHeadersPassAndHopByHopHeadersStop() throws Exception {
    Reply reply = send(request(HOST, "/headers")
        .header("X-Custom", "kept")
        .addHeader("Accept", "text/plain")
        .addHeader("Accept", "application/json")
        .header("Connection", "keep-alive, X-Per-Hop")
        .header("X-Per-Hop", "dropped")
        .header("Keep-Alive", "timeout=5")
        .header("Proxy-Authorization", "Basic c2VjcmV0")
        .header("Proxy-Connection", "keep-alive")
        .header("TE", "trailers")
        .header("Trailer", "X-Checksum")
        .header("Upgrade", "websocket")
        .build());
    assertEquals(200, reply.status(), reply.body());
    List<String> seen = List.of(reply.body().split("\n"));
    assertTrue(seen.contains("x-custom: kept"), reply.body());
    assertTrue(seen.contains("accept: text/plain"), reply.body());
    assertTrue(seen.contains("accept: application/json"), reply.body());
    assertTrue(seen.contains("host: " + HOST), reply.body());
    for (String line : seen) {
      String name = line.substring(0, line.indexOf(':'));
      assertTrue(!List.of("x-per-hop", "keep-alive", "proxy-authorization", "proxy-connection",
          "te", "trailer", "upgrade").contains(name), "forwarded " + line);
      if (name.equals("connection")) {
        assertTrue(line.equals("connection: Keep-Alive"), "the client's Connection leaked: " + line);
      }
    }

    okhttp3.Headers answered = reply.headers();
    assertEquals("yes", answered.get("X-Backend"));
    assertEquals(List.of("a=1", "b=2"), answered.values("Set-Cookie"));
    for (String hopByHop : List.of("Keep-Alive", "Proxy-Authenticate", "Upgrade", "Trailer",
        "X-Internal", "Connection")) {
      assertNull(answered.get(hopByHop), hopByHop + " reached the client");
    }
  }

  @Test
  void forwardedHeadersNameTheClient() throws Exception {
    List<String> plain = List.of(get(HOST + ":8080", "/headers").body().split("\n"));
    assertTrue(plain.contains("x-forwarded-for: 127.0.0.1"), plain.toString());
    assertTrue(plain.contains("x-forwarded-proto: http"), plain.toString());
    assertTrue(plain.contains("x-forwarded-host: " + HOST + ":8080"), plain.toString());
    assertTrue(plain.contains("host: " + HOST + ":8080"), plain.toString());

    List<String> behindBalancer = List.of(send(request(HOST, "/headers")
        .header("X-Forwarded-For", "203.0.113.9")
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "www.example.org")
        .build()).body().split("\n"));
    assertTrue(behindBalancer.contains("x-forwarded-for: 203.0.113.9, 127.0.0.1"),
        behindBalancer.toString());
    assertTrue(behindBalancer.contains("x-forwarded-proto: https"), behindBalancer.toString());
    assertTrue(behindBalancer.contains("x-forwarded-host: www.example.org"),
        behindBalancer.toString());
  }

  @Test
  void nonAsciiHeaderValuesKeepTheirBytes() throws Exception {
    Request request = request(HOST, "/headers")
        .headers(new okhttp3.Headers.Builder().addUnsafeNonAscii("X-Name", "café ☕").build())
        .header("Host", HOST)
        .build();
    String asTheJdkReadsIt = new String("café ☕".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1);
    assertTrue(List.of(send(request).body().split("\n")).contains("x-name: " + asTheJdkReadsIt));
  }

  @Test
  void methodsPathsAndQueriesArriveUnchanged() throws Exception {
    String query = "a=1&b=%2F%20x&c&d=%E2%9C%93&e=";
    assertEquals("GET /target?" + query, get(HOST, "/target?" + query).body());
    assertEquals("GET /target", get(HOST, "/target").body());
    List<String> methods = new ArrayList<>();
    for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS", "POST")) {
      RequestBody body = method.equals("DELETE") || method.equals("OPTIONS")
          ? null : RequestBody.create(new byte[0], null);
      methods.add(send(request(HOST, "/target?x=1").method(method, body).build()).body());
    }
    assertEquals(List.of("PUT /target?x=1", "PATCH /target?x=1", "DELETE /target?x=1",
        "OPTIONS /target?x=1", "POST /target?x=1"), methods);
  }

  @Test
  void headAndNoContentAnswersHaveNoBody() throws Exception {
    try (Response head = client.newCall(request(HOST, "/head").head().build()).execute()) {
      assertEquals(200, head.code());
      assertEquals("1234", head.header("Content-Length"));
      assertEquals(0, head.body().bytes().length);
    }
    Reply noContent = get(HOST, "/head");
    assertEquals(204, noContent.status());
    assertEquals("", noContent.body());
    assertEquals(200, get(HOST, "/").status(), "the connection survived both");
    assertEquals(1, clientConnects.get());
  }

  @Test
  void anInstanceFailingMidBodyCutsTheClientOff() throws Exception {
    try (Response response = client.newCall(request(HOST, "/abort").build()).execute()) {
      assertEquals(200, response.code());
      assertThrows(IOException.class, () -> response.body().bytes(),
          "a truncated body must not look complete");
    }
    assertEquals("I am api", get(HOST, "/").body());
  }

  private static void await(CountDownLatch latch, String failure) throws IOException {
    try {
      if (!latch.await(TestBackend.WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
