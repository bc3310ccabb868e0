package dev.paaskit.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.spi.Gear;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every record the roles send on the bus survives JSON: an in-process bus hands receivers the
 * record itself, so only this (and the NATS end-to-end tests) shows what a remote peer gets.
 * Each sample sets every field to something other than its default.
 */
class BusRecordsJsonTest {
  private static final CrashReport CRASH =
      new CrashReport(137, 9, true, "killed: out of memory", List.of("line 1", "line \"2\""),
          true);
  private static final UsageReport USAGE =
      new UsageReport("i-1", 12.5, 30L << 20, 5L << 20, 1_700_000_000_100L);
  private static final InstanceReport REPORT = new InstanceReport("i-1", "n1", "app-1", "web", 3,
      2, "ab".repeat(32), InstanceState.CRASHED, "10.0.0.5", 61001, 64L << 20, 128L << 20,
      1_700_000_000_123L, CRASH, 42, 256, USAGE);
  private static final StartInstance START = new StartInstance("i-1", "app-1", "web", 3, 2,
      "ab".repeat(32), "./run --fast", Map.of("A", "1", "SECRET", "s3cr3t"),
      List.of("web.example.com", "www.example.com"), 64L << 20, 128L << 20, "HTTP", "/health",
      60_000, 256);

  static Stream<Object> records() {
    return Stream.of(
        REPORT,
        CRASH,
        START,
        new StartBatch(List.of(START, START)),
        new StartBatch.Acks(List.of(Ack.accepted(), Ack.refused("no room"))),
        new StopInstance("i-1", "scaled down"),
        USAGE,
        new NodeHeartbeat("n1", 7, 99, true, List.of(REPORT), 1_700_000_000_456L,
            List.of(USAGE)),
        new NodeAdvertisement("n1", 7, "zone-a", "cflinuxfs4", Set.of("ssd", "gpu"), 8L << 30,
            16L << 30, 250, "process", "10.0.0.5", 1000, 4096),
        new RouteRegistration(List.of("web.example.com"), "web", "i-1", 2, "10.0.0.5", 61001),
        new RouteConfirm(List.of("i-1", "i-2")),
        new LogMessage(1_700_000_000_789L, "web", 2, "i-1", "stderr", "boom: \u00e9\u4e2d"),
        new LogsRequest("app-1", 100),
        new LogsRequest.Reply(List.of(new LogMessage(1L, "web", 0, "i-0", "stdout", "hi"))),
        new EventMessage(1_700_000_000_999L, "INSTANCE_CRASHED", "web", "instance 2 crashed",
            Map.of("index", "2", "exit", "137")),
        new Gear.ControlRequest("web", "restart"));
  }

  @TestFactory
  Stream<DynamicTest> eachRecordReadsBackEqualFromItsJson() {
    return records().map(record -> dynamicTest(record.getClass().getSimpleName(), () -> {
      byte[] json = Json.write(record);
      assertEquals(record, Json.read(json, record.getClass()));
    }));
  }

  /** What a node of the build before usage and disk kills sends still reads, with none of them. */
  @Test
  void recordsOfAPeerOlderThanUsageReadWithNone() {
    String crash = "{\"exitCode\":137,\"signal\":9,\"memoryLimitExceeded\":true,"
        + "\"reason\":\"killed\",\"lastOutput\":[\"x\"]}";
    String report = "{\"instanceId\":\"i-1\",\"nodeId\":\"n1\",\"appId\":\"app-1\","
        + "\"appName\":\"web\",\"generation\":3,\"index\":2,\"dropletSha256\":\"d\","
        + "\"state\":\"CRASHED\",\"host\":\"10.0.0.5\",\"port\":61001,\"memoryBytes\":1,"
        + "\"diskBytes\":2,\"sinceMillis\":5,\"crash\":" + crash + ",\"seq\":42,"
        + "\"cpuShares\":256}";
    String beat = "{\"nodeId\":\"n1\",\"epoch\":7,\"seq\":99,\"full\":true,"
        + "\"instances\":[" + report + "],\"sentMillis\":6}";

    NodeHeartbeat read = Json.read(beat.getBytes(StandardCharsets.UTF_8), NodeHeartbeat.class);

    assertEquals(List.of(), read.usage());
    InstanceReport r = read.instances().get(0);
    assertNull(r.usage());
    assertEquals(Optional.empty(), r.toStatus().usage());
    assertEquals(new CrashReport(137, 9, true, "killed", List.of("x"), false), r.crash());
  }

  @TestFactory
  Stream<DynamicTest> noRecordHasAFieldTheJsonLeavesOut() {
    return records().map(record -> dynamicTest(record.getClass().getSimpleName(), () -> {
      String json = new String(Json.write(record), java.nio.charset.StandardCharsets.UTF_8);
      for (var component : record.getClass().getRecordComponents()) {
        assertTrue(json.contains("\"" + component.getName() + "\":"),
            component.getName() + " missing from " + record.getClass().getSimpleName());
      }
    }));
  }
}
