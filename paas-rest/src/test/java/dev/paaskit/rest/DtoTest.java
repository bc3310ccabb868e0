package dev.paaskit.rest;

import dev.paaskit.core.internal.util.Redactor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.PlacementConstraints;
import dev.paaskit.api.Secret;
import dev.paaskit.api.StagingException;
import dev.paaskit.rest.Dto.SpecJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JSON shapes: specs survive the trip, secrets do not leak, errors map both ways. */
@Timeout(10)
class DtoTest {
  private static final Secret PLACEHOLDER = Secret.of(Dto.REDACTED_TEXT);

  private static final AppSpec FULL = AppSpec.builder("web").instances(3).memory("1536K")
      .disk("2G").command("run --fast").env("A", "1").env("B", "two")
      .secretEnv("TOKEN", Secret.of("t0ken-value")).route("web.example.com")
      .healthCheck(HealthCheck.http("/health").withStartTimeout(Duration.ofMillis(2500)))
      .cartridge("python").placement(PlacementConstraints.none().withStack("cflinuxfs4")
          .withZones(Set.of("z1", "z2")).withTags(Set.of("ssd")).withCpuShares(512)
          .withMaxPerNode(1)).label("tenant", "acme").label("example.com/tier", "").build();

  private static SpecJson viaJson(SpecJson json) {
    return RestJson.readRequest(RestJson.write(json), SpecJson.class);
  }

  @Test
  void aSpecSentByTheClientArrivesWhole() {
    assertEquals(FULL, Dto.incoming(viaJson(Dto.outgoing(FULL, PLACEHOLDER)), "web", Map.of()));
  }

  @Test
  void leftOutFieldsTakeTheirDefaults() {
    SpecJson json = RestJson.readRequest("{\"name\": \"bare\"}".getBytes(StandardCharsets.UTF_8),
        SpecJson.class);
    assertEquals(AppSpec.builder("bare").build(), Dto.incoming(json, null, Map.of()));
  }

  @Test
  void answersShowSecretNamesOnlyAndPlaceholdersKeepTheStoredValue() {
    String answer = new String(RestJson.write(Dto.redacted(FULL)), StandardCharsets.UTF_8);
    assertFalse(answer.contains("t0ken-value"), answer);
    assertTrue(answer.contains("\"secret_env\":{\"TOKEN\":\"******\"}"), answer);

    AppSpec read = Dto.fromAnswer(RestJson.LENIENT.convertValue(Dto.redacted(FULL),
        SpecJson.class), PLACEHOLDER);
    assertSame(PLACEHOLDER, read.secretEnv().get("TOKEN"));
    SpecJson sent = viaJson(Dto.outgoing(read.toBuilder().instances(5).build(), PLACEHOLDER));
    assertTrue(sent.secretEnv().containsKey("TOKEN"));
    assertNull(sent.secretEnv().get("TOKEN"), "a placeholder is sent as null");
    AppSpec stored = Dto.incoming(sent, "web", FULL.secretEnv());
    assertEquals(FULL.toBuilder().instances(5).build(), stored);

    InvalidSpecException none = assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(sent, "web", Map.of()));
    assertEquals("secret_env", none.field());
    assertEquals("TOKEN", none.value());
  }

  @Test
  void theSpecMustNameTheAppOfThePath() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(Dto.outgoing(FULL, PLACEHOLDER), "other", Map.of()));
    assertEquals("name", e.field());
    assertEquals("web", e.value());
  }

  @Test
  void placementTravelsInSnakeCaseAndBadValuesNameTheirField() {
    String answer = new String(RestJson.write(Dto.redacted(FULL)), StandardCharsets.UTF_8);
    assertTrue(answer.contains("\"cpu_shares\":512"), answer);
    assertTrue(answer.contains("\"max_per_node\":1"), answer);
    String bare = new String(RestJson.write(Dto.redacted(AppSpec.builder("x").build())),
        StandardCharsets.UTF_8);
    assertFalse(bare.contains("placement"), bare);
    String text = "{\"name\": \"x\", \"placement\": {\"max_per_node\": -1}}";
    SpecJson json = RestJson.readRequest(text.getBytes(StandardCharsets.UTF_8), SpecJson.class);
    assertEquals("max-per-node", assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(json, null, Map.of())).field());
  }

  @Test
  void labelsTravelBothWaysSortedAndBadOnesNameTheLabel() {
    String answer = new String(RestJson.write(Dto.redacted(FULL)), StandardCharsets.UTF_8);
    assertTrue(answer.contains("\"labels\":{\"example.com/tier\":\"\",\"tenant\":\"acme\"}"),
        answer);
    AppSpec read = Dto.fromAnswer(RestJson.LENIENT.convertValue(Dto.redacted(FULL),
        SpecJson.class), PLACEHOLDER);
    assertEquals(FULL.labels(), read.labels(), "a client reads them back from an answer");
    String bare = new String(RestJson.write(Dto.redacted(AppSpec.builder("x").build())),
        StandardCharsets.UTF_8);
    assertTrue(bare.contains("\"labels\":{}"), bare);

    String text = "{\"name\": \"x\", \"labels\": {\"tenant\": \"ac me\"}}";
    SpecJson json = RestJson.readRequest(text.getBytes(StandardCharsets.UTF_8), SpecJson.class);
    InvalidSpecException bad = assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(json, null, Map.of()));
    assertEquals("labels.tenant", bad.field());
    assertEquals("ac me", bad.value());
    String none = "{\"name\": \"x\", \"labels\": {\"tenant\": null}}";
    SpecJson noValue = RestJson.readRequest(none.getBytes(StandardCharsets.UTF_8), SpecJson.class);
    assertEquals("labels.tenant", assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(noValue, null, Map.of())).field());
  }

  @Test
  void anUnknownHealthCheckTypeNamesTheField() {
    String text = "{\"name\": \"x\", \"health_check\": {\"type\": \"ping\"}}";
    SpecJson json = RestJson.readRequest(text.getBytes(StandardCharsets.UTF_8), SpecJson.class);
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> Dto.incoming(json, null, Map.of()));
    assertEquals("health_check.type", e.field());
  }

  @Test
  void theRedactorMasksLongerValuesFirstAndLeavesShortOnes() {
    AppSpec spec = AppSpec.builder("x").secretEnv("A", Secret.of("abcd"))
        .secretEnv("B", Secret.of("abcdef")).secretEnv("C", Secret.of("no")).build();
    Redactor redactor = Redactor.of(spec);
    assertEquals("key=****** short=no x=******", redactor.redact("key=abcdef short=no x=abcd"));
    assertNull(redactor.redact(null));
    assertEquals("abcd", Redactor.NONE.redact("abcd"));
  }

  @Test
  void errorsMapBackToTheirOwnTypesWithTheSameMessage() {
    List<RuntimeException> thrown = List.of(
        new InvalidSpecException("memory", "lots", "not a size"),
        new InvalidArchiveException("../x", "path climbs out of the folder with '..'"),
        new InvalidArchiveException(null, "not a readable archive"),
        new NotFoundException("app", "web"),
        new ConflictException("an app named 'web' already exists"),
        new StagingException("compile failed", List.of("line 1", "line 2")));
    for (RuntimeException e : thrown) {
      Errors.Answer answer = Errors.answer(e, "test");
      RuntimeException back = Errors.exception(answer.status(), RestJson.LENIENT.convertValue(
          RestJson.LENIENT.valueToTree(answer.error()), Dto.ErrorJson.class));
      assertEquals(e.getClass(), back.getClass());
      assertEquals(e.getMessage(), back.getMessage());
    }
    StagingException staging = (StagingException) Errors.exception(422,
        Errors.answer(thrown.get(5), "test").error());
    assertEquals(List.of("line 1", "line 2"), staging.output());
    InvalidArchiveException archive = (InvalidArchiveException) Errors.exception(422,
        Errors.answer(thrown.get(1), "test").error());
    assertEquals("../x", archive.entry());
  }

  @Test
  void unexpectedFailuresAnswerAGenericMessage() {
    Errors.Answer answer = Errors.answer(new IllegalStateException("secret detail"), "test");
    assertEquals(500, answer.status());
    assertEquals("internal_error", answer.error().code());
    assertFalse(answer.error().message().contains("secret detail"));
    ApiException client = (ApiException) Errors.exception(500, answer.error());
    assertEquals(500, client.status());
    assertEquals("internal_error", client.code());
  }

  private static final InstanceStatus RUNNING = new InstanceStatus("i-1", "web", 0, "n1",
      "d".repeat(64), InstanceState.RUNNING, "10.0.0.5", 61001,
      Instant.parse("2026-12-07T10:00:00Z"), Optional.empty(), 3,
      Optional.of(new InstanceUsage(0.4, 29L << 20, 128L << 20, 12L << 20, 64L << 20,
          Instant.parse("2026-12-07T10:00:05Z"))));
  private static final InstanceStatus KILLED = new InstanceStatus("i-2", "web", 1, "n1",
      "d".repeat(64), InstanceState.CRASHED, "10.0.0.5", 61002,
      Instant.parse("2026-12-07T10:00:00Z"), Optional.of(new CrashInfo(137, 9, false,
          "disk quota exceeded: limit 64M", List.of("writing"), true)), 3);

  private static InstanceStatus viaAnswer(InstanceStatus s) throws Exception {
    byte[] answer = RestJson.write(Dto.instance(s, Redactor.NONE));
    return Dto.instance(RestJson.convert(RestJson.readAnswer(answer), Dto.InstanceJson.class));
  }

  @Test
  void anInstancesUsageAndDiskKillReachTheClientWhole() throws Exception {
    assertEquals(RUNNING, viaAnswer(RUNNING));
    assertEquals(KILLED, viaAnswer(KILLED));
    String answer = new String(RestJson.write(Dto.instance(RUNNING, Redactor.NONE)),
        StandardCharsets.UTF_8);
    assertTrue(answer.contains("\"usage\":{\"cpu_percent\":0.4,\"memory_bytes\":30408704,"
        + "\"memory_limit_bytes\":134217728,\"disk_bytes\":12582912,"
        + "\"disk_quota_bytes\":67108864,\"sampled_at\":\"2026-12-07T10:00:05Z\"}"), answer);
    String crashed = new String(RestJson.write(Dto.instance(KILLED, Redactor.NONE)),
        StandardCharsets.UTF_8);
    assertTrue(crashed.contains("\"disk_limit_exceeded\":true"), crashed);
    assertFalse(crashed.contains("usage"), crashed);
  }

  @Test
  void anInstanceFromAServerOlderThanUsageReadsWithNone() throws Exception {
    String old = "{\"instance_id\":\"i-2\",\"app\":\"web\",\"index\":1,\"node\":\"n1\","
        + "\"state\":\"CRASHED\",\"host\":\"h\",\"port\":1,"
        + "\"since\":\"2026-12-07T10:00:00Z\",\"crash\":{\"exit_code\":137,\"signal\":9,"
        + "\"memory_limit_exceeded\":true,\"reason\":\"killed\",\"last_output\":[]}}";
    InstanceStatus read = Dto.instance(RestJson.convert(
        RestJson.readAnswer(old.getBytes(StandardCharsets.UTF_8)), Dto.InstanceJson.class));
    assertEquals(Optional.empty(), read.usage());
    assertFalse(read.crash().orElseThrow().diskLimitExceeded());
    assertTrue(read.crash().orElseThrow().memoryLimitExceeded());
  }
}
