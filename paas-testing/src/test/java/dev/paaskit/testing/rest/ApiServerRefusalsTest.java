package dev.paaskit.testing.rest;

import static dev.paaskit.testing.rest.RestCloud.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.App;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.Secret;
import dev.paaskit.api.StagingException;
import dev.paaskit.rest.ApiException;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.StubCartridge;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API refusing what it must: requests without the token, domain errors mapped back to
 * their exception types, hostile and over-size archives, malformed JSON; and still serving after.
 */
@Timeout(30)
class ApiServerRefusalsTest {
  @TempDir Path tmp;
  private RestCloud rc;
  private RemoteController remote;

  @BeforeEach
  void start() throws Exception {
    rc = new RestCloud(tmp);
    remote = rc.remote;
  }

  @AfterEach
  void stop() throws Exception {
    stillHealthy();
    rc.close();
  }

  /** After whatever a test sent, the server answers as before and left no upload behind. */
  private void stillHealthy() throws Exception {
    assertEquals(200, rc.get("/v1/info").status());
    remote.apps();
    RestCloud.eventually(() -> {
      try {
        return rc.uploadsLeft().isEmpty();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, () -> "no upload left in " + rc.apiTemp);
  }

  @Test
  void everyRequestNeedsTheAdminToken() throws Exception {
    for (String path : List.of("/v1/apps", "/v1/info", "/v1/no-such-route")) {
      RestCloud.Answer none = rc.send(new okhttp3.Request.Builder().url(rc.base + path).build());
      assertEquals(401, none.status(), path);
      assertTrue(none.body().contains("\"code\":\"unauthorized\""), none.body());
      assertTrue(none.headers().get("WWW-Authenticate").startsWith("Bearer"), path);
    }
    RestCloud.Answer wrong = rc.send(new okhttp3.Request.Builder().url(rc.base + "/v1/apps")
        .header("Authorization", "Bearer test-admin-token-1235").build());
    assertEquals(401, wrong.status());
    assertTrue(wrong.body().contains("not this server's admin token"), wrong.body());
    RestCloud.Answer basic = rc.send(new okhttp3.Request.Builder().url(rc.base + "/v1/apps")
        .header("Authorization", "Basic " + RestCloud.TOKEN.reveal()).build());
    assertEquals(401, basic.status());

    try (RemoteController intruder = RemoteController.create(rc.base, Secret.of("guess"))) {
      ApiException e = assertThrows(ApiException.class, intruder::apps);
      assertEquals(401, e.status());
      assertEquals("unauthorized", e.code());
    }
  }

  @Test
  void domainErrorsComeBackAsTheSameExceptionTypes() throws Exception {
    NotFoundException missing = assertThrows(NotFoundException.class, () -> remote.get("nope"));
    assertEquals("app", missing.kind());
    assertEquals("nope", missing.name());
    assertEquals("app 'nope' not found", missing.getMessage());
    assertTrue(remote.find("nope").isEmpty());
    assertThrows(NotFoundException.class, () -> remote.logs("nope", 5));
    assertThrows(NotFoundException.class, () -> remote.followLogs("nope", line -> { }));
    assertThrows(NotFoundException.class, () -> remote.stage("nope", line -> { }));

    remote.create(spec("taken", 1).build());
    assertThrows(ConflictException.class, () -> remote.create(spec("taken", 1).build()));
    ConflictException unstaged = assertThrows(ConflictException.class, () -> remote.start("taken"));
    assertTrue(unstaged.getMessage().contains("has not been staged"), unstaged.getMessage());
    ExecutionException noPackage = assertThrows(ExecutionException.class,
        () -> remote.stage("taken", line -> { }).get(10, TimeUnit.SECONDS));
    assertInstanceOf(ConflictException.class, noPackage.getCause());

    InvalidSpecException scale = assertThrows(InvalidSpecException.class,
        () -> remote.scale("taken", -1));
    assertEquals("instances", scale.field());
    assertEquals("-1", scale.value());
    assertEquals("invalid instances '-1': must be between 0 and 100000", scale.getMessage());
    InvalidSpecException name = assertThrows(InvalidSpecException.class,
        () -> remote.get("Not_A_Label"));
    assertEquals("name", name.field());

    RestCloud.Answer raw = rc.send("POST", "/v1/apps", "{\"name\": \"x\", \"memory\": \"lots\"}");
    assertEquals(422, raw.status());
    assertTrue(raw.body().contains("\"field\":\"memory\""), raw.body());
  }

  @Test
  void aPushThatFailsToStageStoresNothingAndCarriesTheOutput() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mystery"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> remote.push(spec("mystery", 1).build(), dir, line -> { }).staged()
            .get(10, TimeUnit.SECONDS));
    StagingException staging = assertInstanceOf(StagingException.class, e.getCause());
    assertTrue(staging.getMessage().contains("stub: a file named web"), staging.getMessage());
    assertTrue(remote.find("mystery").isEmpty());
    assertTrue(rc.cloud.controller().apps().isEmpty());
  }

  @Test
  void aHostileArchiveIsRefusedNamingTheEntryAndNothingIsStored() throws Exception {
    Path evil = tmp.resolve("evil.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(evil))) {
      zip.putNextEntry(new ZipEntry(StubCartridge.MARKER));
      zip.write("serve evil\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("../escaped.txt"));
      zip.write("out of the folder".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    remote.create(spec("target", 1).build());
    InvalidArchiveException upload = assertThrows(InvalidArchiveException.class,
        () -> remote.upload("target", evil));
    assertEquals("../escaped.txt", upload.entry());
    assertTrue(upload.getMessage().contains("climbs out"), upload.getMessage());
    assertTrue(remote.get("target").packageSha256().isEmpty(), "no package stored");

    ExecutionException push = assertThrows(ExecutionException.class,
        () -> remote.push(spec("intruder", 1).build(), evil, line -> { }).staged()
            .get(10, TimeUnit.SECONDS));
    InvalidArchiveException refused = assertInstanceOf(InvalidArchiveException.class,
        push.getCause());
    assertEquals("../escaped.txt", refused.entry());
    assertTrue(remote.find("intruder").isEmpty());
    try (Stream<Path> files = Files.walk(tmp)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().equals("escaped.txt"))
          .toList());
    }
  }

  @Test
  void anOverSizeUploadIsRefusedWith413NamingTheLimit() throws Exception {
    byte[] noise = new byte[(int) RestCloud.UPLOAD_LIMIT * 2];
    new Random(7).nextBytes(noise);
    Path big = tmp.resolve("big.tar.gz");
    Files.write(big, noise);
    remote.create(spec("big", 1).build());

    RestCloud.Answer raw = rc.send(rc.authorized("/v1/apps/big/package")
        .put(RequestBody.create(big.toFile(), MediaType.get("application/gzip"))).build());
    assertEquals(413, raw.status());
    assertTrue(raw.body().contains("\"code\":\"upload_too_large\""), raw.body());
    assertTrue(raw.body().contains("maxTotalBytes=" + RestCloud.UPLOAD_LIMIT), raw.body());

    InvalidArchiveException upload = assertThrows(InvalidArchiveException.class,
        () -> remote.upload("big", big));
    assertNull(upload.entry());
    assertTrue(upload.getMessage().contains("maxTotalBytes=" + RestCloud.UPLOAD_LIMIT),
        upload.getMessage());

    Path folder = StubCartridge.appFolder(tmp, "bigdir");
    Files.write(folder.resolve("noise.bin"), noise);
    ExecutionException push = assertThrows(ExecutionException.class,
        () -> remote.push(spec("bigdir", 1).build(), folder, line -> { }).staged()
            .get(10, TimeUnit.SECONDS));
    InvalidArchiveException streamed = assertInstanceOf(InvalidArchiveException.class,
        push.getCause(), "a folder streamed without a length is cut off at the limit too");
    assertTrue(streamed.getMessage().contains("maxTotalBytes"), streamed.getMessage());
    assertTrue(remote.get("big").packageSha256().isEmpty());
    assertTrue(remote.find("bigdir").isEmpty());
  }

  @Test
  void malformedRequestsAreAnsweredWithWhatIsWrong() throws Exception {
    RestCloud.Answer truncated = rc.send("POST", "/v1/apps", "{\"name\": ");
    assertEquals(400, truncated.status());
    assertTrue(truncated.body().contains("\"code\":\"bad_request\""), truncated.body());
    assertTrue(truncated.body().contains("malformed JSON"), truncated.body());

    RestCloud.Answer wrongType = rc.send("POST", "/v1/apps",
        "{\"name\": \"x\", \"instances\": \"many\"}");
    assertEquals(400, wrongType.status());
    assertTrue(wrongType.body().contains("\"field\":\"instances\""), wrongType.body());
    assertTrue(wrongType.body().contains("must be a whole number"), wrongType.body());

    RestCloud.Answer typo = rc.send("POST", "/v1/apps", "{\"name\": \"x\", \"instanses\": 2}");
    assertEquals(400, typo.status());
    assertTrue(typo.body().contains("unknown field 'instanses'"), typo.body());

    RestCloud.Answer nested = rc.send("POST", "/v1/apps",
        "{\"name\": \"x\", \"health_check\": {\"start_timeout_ms\": true}}");
    assertEquals(400, nested.status());
    assertTrue(nested.body().contains("\"field\":\"health_check.start_timeout_ms\""),
        nested.body());

    assertEquals(400, rc.send("POST", "/v1/apps", "").status());
    assertEquals(400, rc.send("POST", "/v1/apps", "[]").status());
    assertEquals(400, rc.send("POST", "/v1/apps", "{} {}").status());
    remote.create(spec("ok", 1).build());
    RestCloud.Answer noCount = rc.send("POST", "/v1/apps/ok/scale", "{}");
    assertEquals(400, noCount.status());
    assertTrue(noCount.body().contains("\"field\":\"instances\""), noCount.body());
    RestCloud.Answer lines = rc.get("/v1/apps/ok/logs?lines=lots");
    assertEquals(400, lines.status());
    assertTrue(lines.body().contains("\"field\":\"lines\""), lines.body());

    RestCloud.Answer method = rc.send("DELETE", "/v1/nodes", null);
    assertEquals(405, method.status());
    assertEquals("GET", method.headers().get("Allow"));
    assertTrue(method.body().contains("\"code\":\"method_not_allowed\""), method.body());
    RestCloud.Answer route = rc.get("/v2/apps");
    assertEquals(404, route.status());
    assertTrue(route.body().contains("\"code\":\"unknown_route\""), route.body());

    assertTrue(rc.cloud.controller().apps().stream().map(App::name).toList()
        .equals(List.of("ok")), "only the well-formed create stored an app");
  }

  @Test
  void anUploadNotPushedInTimeIsDeleted() throws Exception {
    try (ApiServer shortLived = ApiServer.builder()
        .controller(rc.cloud.controller())
        .token(RestCloud.TOKEN)
        .tempDir(tmp.resolve("short"))
        .uploadTtl(Duration.ofMillis(200))
        .build()) {
      shortLived.start();
      String base = "http://127.0.0.1:" + shortLived.port();
      Path app = StubCartridge.appFolder(tmp, "late");
      Path archive = tmp.resolve("late.zip");
      try (OutputStream out = Files.newOutputStream(archive);
          ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.putNextEntry(new ZipEntry(StubCartridge.MARKER));
        zip.write(Files.readAllBytes(app.resolve(StubCartridge.MARKER)));
        zip.closeEntry();
      }
      RestCloud.Answer upload = rc.send(new okhttp3.Request.Builder().url(base + "/v1/uploads")
          .header("Authorization", "Bearer " + RestCloud.TOKEN.reveal())
          .post(RequestBody.create(archive.toFile(), MediaType.get("application/zip"))).build());
      assertEquals(201, upload.status(), upload.body());
      String id = upload.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
      RestCloud.eventually(() -> isEmpty(tmp.resolve("short")), () -> "the upload expired");
      RestCloud.Answer push = rc.send(new okhttp3.Request.Builder()
          .url(base + "/v1/apps/late/push")
          .header("Authorization", "Bearer " + RestCloud.TOKEN.reveal())
          .post(RequestBody.create("{\"spec\": {\"name\": \"late\"}, \"upload\": \"" + id + "\"}",
              MediaType.get("application/json"))).build());
      assertEquals(404, push.status(), push.body());
      assertTrue(push.body().contains("\"kind\":\"upload\""), push.body());
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.findAny().isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
