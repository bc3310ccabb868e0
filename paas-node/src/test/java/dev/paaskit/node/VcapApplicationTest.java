package dev.paaskit.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StartInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VcapApplicationTest {
  @Test
  void itIsTheJsonCloudFoundryAppsReadWithEveryFieldInOrder() {
    StartInstance cmd = new StartInstance("i-7", "app-\"1\"", "web", 3, 2, "ab".repeat(32),
        "./run", Map.of(), List.of("web.example.com", "caf\u00e9\\\u0001.example.com"),
        256L << 20, 1L << 30, "PORT", "/", 60_000, 0);
    String vcap = InstanceEnvironment.vcapApplication(cmd, 61005);

    @SuppressWarnings("unchecked")
    Map<String, Object> read = Json.read(vcap.getBytes(UTF_8), LinkedHashMap.class);
    Map<String, Object> want = new LinkedHashMap<>();
    want.put("application_id", "app-\"1\"");
    want.put("application_name", "web");
    want.put("name", "web");
    want.put("instance_id", "i-7");
    want.put("instance_index", 2);
    want.put("application_uris", cmd.routes());
    want.put("uris", cmd.routes());
    want.put("port", 61005);
    want.put("host", "0.0.0.0");
    want.put("limits", Map.of("mem", 256, "disk", 1024, "fds", 16384));
    assertEquals(want, read);
    assertEquals(List.copyOf(want.keySet()), List.copyOf(read.keySet()));
  }

  @Test
  void noRoutesIsAnEmptyList() {
    StartInstance cmd = new StartInstance("i-1", "a", "worker", 1, 0, "ab".repeat(32), "./run",
        Map.of(), List.of(), 64L << 20, 64L << 20, "PROCESS", null, 60_000, 0);
    assertEquals(List.of(), Json.read(InstanceEnvironment.vcapApplication(cmd, 0).getBytes(UTF_8),
        Map.class).get("uris"));
  }
}
