package dev.paaskit.node;

import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.StartInstance;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment an instance starts with: the node's base environment, then what the platform
 * tells every instance ({@code PORT}, {@code MEMORY_LIMIT}, Cloud Foundry's {@code CF_INSTANCE_*}
 * and {@code VCAP_APPLICATION}, PaaSKit's {@code PAASKIT_*}), then the app's own variables, which
 * win. Immutable.
 */
final class InstanceEnvironment {
  private final Map<String, String> base;
  private final String nodeId;
  private final String address;

  InstanceEnvironment(Map<String, String> base, String nodeId, String address) {
    this.base = Map.copyOf(base);
    this.nodeId = nodeId;
    this.address = address;
  }

  /** The environment of {@code cmd}'s instance, whose folder is {@code dir}, on {@code port}. */
  Map<String, String> of(StartInstance cmd, Path dir, int port) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.put("HOME", dir.toString());
    env.put("TMPDIR", dir.toString());
    env.put("PORT", String.valueOf(port));
    String memory = (cmd.memoryBytes() >> 20) + "m";
    env.put("MEMORY_LIMIT", memory);
    env.put("INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("CF_INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("CF_INSTANCE_GUID", cmd.instanceId());
    env.put("CF_INSTANCE_PORT", String.valueOf(port));
    env.put("CF_INSTANCE_IP", address);
    env.put("CF_INSTANCE_ADDR", address + ":" + port);
    env.put("PAASKIT_APP_NAME", cmd.appName());
    env.put("PAASKIT_APP_ID", cmd.appId());
    env.put("PAASKIT_INSTANCE_INDEX", String.valueOf(cmd.index()));
    env.put("PAASKIT_INSTANCE_ID", cmd.instanceId());
    env.put("PAASKIT_NODE_ID", nodeId);
    env.put("PAASKIT_MEMORY_LIMIT", memory);
    env.put("VCAP_APPLICATION", vcapApplication(cmd, port));
    env.putAll(cmd.env());
    return env;
  }

  /**
   * Cloud Foundry's {@code VCAP_APPLICATION}, written directly: every instance start makes one,
   * and a general-purpose map serializer costs several times as much.
   */
  static String vcapApplication(StartInstance cmd, int port) {
    String name = Json.quote(cmd.appName());
    StringBuilder uris = new StringBuilder("[");
    for (String route : cmd.routes()) {
      uris.append(uris.length() > 1 ? "," : "").append(Json.quote(route));
    }
    uris.append(']');
    return "{\"application_id\":" + Json.quote(cmd.appId())
        + ",\"application_name\":" + name
        + ",\"name\":" + name
        + ",\"instance_id\":" + Json.quote(cmd.instanceId())
        + ",\"instance_index\":" + cmd.index()
        + ",\"application_uris\":" + uris
        + ",\"uris\":" + uris
        + ",\"port\":" + port
        + ",\"host\":\"0.0.0.0\""
        + ",\"limits\":{\"mem\":" + (cmd.memoryBytes() >> 20) + ",\"disk\":"
        + (cmd.diskBytes() >> 20) + ",\"fds\":16384}}";
  }
}
