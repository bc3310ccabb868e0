package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a node knows about an instance it is about to start, for a {@link GearSetup}.
 *
 * @param dir the instance's folder, its droplet unpacked in it; the command runs there
 * @param port the instance's port, the one the router sends the app's traffic to
 * @param command the start command the node would run
 * @param env the complete environment the node would give it, secrets included
 * @param blobs where the cloud keeps packages, droplets and cartridge files
 * @param ports more ports for the instance; each one allocated must be released through it
 * @param output receives lines to show in the instance's log
 */
public record GearRequest(Path dir, String appName, String appId, String instanceId, int index,
    String address, int port, String command, Map<String, String> env, BlobStore blobs,
    PortSource ports, Consumer<String> output) {
  public GearRequest {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env);
    Objects.requireNonNull(blobs, "blobs");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(output, "output");
  }

  @Override
  public String toString() {
    return "GearRequest{" + appName + "[" + index + "] " + instanceId + ", dir=" + dir
        + ", port=" + port + ", env=" + env.keySet() + "}";
  }

  /** A node's ports. Thread-safe. */
  public interface PortSource {
    /**
     * A free port, held until released.
     *
     * @throws IllegalStateException when none is free
     */
    int allocate();

    void release(int port);
  }
}
