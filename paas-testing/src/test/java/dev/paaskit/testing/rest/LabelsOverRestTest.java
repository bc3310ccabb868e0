package dev.paaskit.testing.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An app's labels go in and come out over the REST API; a bad one is refused naming it. */
@Timeout(30)
class LabelsOverRestTest {
  @TempDir Path tmp;
  private RestCloud rc;

  @BeforeEach
  void start() throws Exception {
    rc = new RestCloud(tmp);
  }

  @AfterEach
  void stop() {
    rc.close();
  }

  @Test
  void labelsSentInJsonAreStoredAndAnsweredBack() throws Exception {
    RestCloud.Answer created = rc.send("POST", "/v1/apps",
        "{\"name\": \"web\", \"labels\": {\"tenant\": \"acme\", \"example.com/tier\": \"\"}}");
    assertEquals(201, created.status(), created.body());
    assertEquals(Map.of("tenant", "acme", "example.com/tier", ""),
        rc.cloud.controller().get("web").spec().labels(), "stored");
    RestCloud.Answer read = rc.get("/v1/apps/web");
    assertTrue(read.body().contains(
        "\"labels\":{\"example.com/tier\":\"\",\"tenant\":\"acme\"}"), read.body());
    assertEquals(Map.of("tenant", "acme", "example.com/tier", ""),
        rc.remote.get("web").spec().labels(), "read by the Java client");

    rc.remote.update(rc.remote.get("web").spec().toBuilder().label("tenant", "globex").build());
    assertEquals("globex", rc.cloud.controller().get("web").spec().labels().get("tenant"),
        "sent by the Java client");
  }

  @Test
  void aBadLabelIsRefusedNamingItAndStoresNothing() throws Exception {
    RestCloud.Answer raw = rc.send("POST", "/v1/apps",
        "{\"name\": \"web\", \"labels\": {\"-tenant\": \"acme\"}}");
    assertEquals(422, raw.status(), raw.body());
    assertTrue(raw.body().contains("\"field\":\"labels\""), raw.body());
    assertTrue(raw.body().contains("\"value\":\"-tenant\""), raw.body());
    assertTrue(rc.remote.find("web").isEmpty());
    RestCloud.Answer tooLong = rc.send("POST", "/v1/apps",
        "{\"name\": \"web\", \"labels\": {\"tenant\": \"" + "x".repeat(64) + "\"}}");
    assertEquals(422, tooLong.status(), tooLong.body());
    assertTrue(tooLong.body().contains("\"field\":\"labels.tenant\""), tooLong.body());
    assertTrue(rc.remote.find("web").isEmpty());
  }
}
