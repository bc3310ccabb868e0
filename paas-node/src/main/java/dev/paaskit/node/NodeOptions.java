package dev.paaskit.node;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.GearSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a {@link NodeAgent.Builder} was told, with its defaults. The builder fills one in; each
 * node gets a {@link #copy()} it never changes, so its parts may read the fields from any thread.
 */
final class NodeOptions {
  String id;
  String zone = "";
  String stack = "";
  Set<String> tags = Set.of();
  long cpuShares;
  NodeCapacity capacity;
  /** Makes the node's backend when it starts. */
  Function<? super CloudContext, ? extends ContainerBackend> backends;
  PortAllocator ports;
  Path workDir;
  String address = "127.0.0.1";
  Duration heartbeatInterval = Duration.ofSeconds(1);
  Duration stopGrace = Duration.ofSeconds(10);
  Duration drainPeriod = Duration.ZERO;
  Duration livenessInterval = Duration.ofSeconds(30);
  int livenessFailures = 3;
  Duration terminalRetention = Duration.ofSeconds(30);
  int logLines = 1000;
  long logBytes = 1 << 20;
  Map<String, String> baseEnv;
  DropletUnpacker unpacker = DropletUnpacker.DEFAULT;
  HealthProber prober = HealthProber.NETWORK;
  boolean unpackDroplets = true;
  GearSetup gears = GearSetup.NONE;

  NodeOptions copy() {
    NodeOptions c = new NodeOptions();
    c.id = id;
    c.zone = zone;
    c.stack = stack;
    c.tags = tags;
    c.cpuShares = cpuShares;
    c.capacity = capacity;
    c.backends = backends;
    c.ports = ports;
    c.workDir = workDir;
    c.address = address;
    c.heartbeatInterval = heartbeatInterval;
    c.stopGrace = stopGrace;
    c.drainPeriod = drainPeriod;
    c.livenessInterval = livenessInterval;
    c.livenessFailures = livenessFailures;
    c.terminalRetention = terminalRetention;
    c.logLines = logLines;
    c.logBytes = logBytes;
    c.baseEnv = baseEnv;
    c.unpacker = unpacker;
    c.prober = prober;
    c.unpackDroplets = unpackDroplets;
    c.gears = gears;
    return c;
  }
}
