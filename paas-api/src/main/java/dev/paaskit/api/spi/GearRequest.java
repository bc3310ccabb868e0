package dev.paaskit.api.spi;

import dev.paaskit.api.AppSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a node knows about an instance it is about to start, for a {@link GearSetup}. Immutable;
 * its {@code toString} shows the names of the environment variables, never their values.
 *
 * <p>A gear setup runs the cartridge's scripts (setup, install, teardown) through
 * {@link #backend()}, as the instance itself runs: each script a short-lived container with the
 * instance's folder as {@link ContainerSpec#workDir() workDir}, the instance's {@link #limits()}
 * and a complete environment, removed once it ended.
 *
 * @param dir the instance's folder, its droplet unpacked in it; the command runs there
 * @param appName the instance's app
 * @param appId the app's id, stable for the app's life
 * @param instanceId the instance's id, new for each start
 * @param index the instance's index within its app, from 0
 * @param address the address the node's instances are reached on, such as {@code 127.0.0.1}
 * @param port the instance's port, the one the router sends the app's traffic to
 * @param command the start command the node would run
 * @param env the complete environment the node would give it, secrets included
 * @param blobs where the cloud keeps packages, droplets and cartridge files
 * @param ports more ports for the instance; each one allocated must be released through it
 * @param output receives lines to show in the instance's log
 * @param backend the node's container backend, which runs the instance; empty (a request made
 *     without one) runs the scripts as processes of the node, beside it, as its own user
 * @param limits the instance's limits, which its scripts run with too
 */
public record GearRequest(Path dir, String appName, String appId, String instanceId, int index,
    String address, int port, String command, Map<String, String> env, BlobStore blobs,
    PortSource ports, Consumer<String> output, Optional<ContainerBackend> backend,
    ResourceLimits limits) {
  /**
   * A request without a backend, whose scripts run as processes of the node, with the default
   * memory and disk of an app ({@link AppSpec#DEFAULT_MEMORY},
   * {@link AppSpec#DEFAULT_DISK}).
   *
   * @param dir not null
   * @param appName not null
   * @param appId not null
   * @param instanceId not null
   * @param index not checked
   * @param address not null
   * @param port not checked
   * @param command not null
   * @param env copied; not null, nor holding a null key or value
   * @param blobs not null
   * @param ports not null
   * @param output not null
   * @throws NullPointerException if a part other than {@code index} or {@code port} is null
   */
  public GearRequest(Path dir, String appName, String appId, String instanceId, int index,
      String address, int port, String command, Map<String, String> env, BlobStore blobs,
      PortSource ports, Consumer<String> output) {
    this(dir, appName, appId, instanceId, index, address, port, command, env, blobs, ports,
        output, Optional.empty(), new ResourceLimits(
            AppSpec.DEFAULT_MEMORY.bytes(),
            AppSpec.DEFAULT_DISK.bytes(), 1024));
  }

  /**
   * Checks the parts are present and copies the environment; {@code index} and {@code port} are
   * not checked.
   *
   * @param dir not null
   * @param appName not null
   * @param appId not null
   * @param instanceId not null
   * @param index not checked
   * @param address not null
   * @param port not checked
   * @param command not null
   * @param env copied; not null, nor holding a null key or value
   * @param blobs not null
   * @param ports not null
   * @param output not null
   * @param backend not null; empty to run the scripts as processes of the node
   * @param limits not null
   * @throws NullPointerException if a part other than {@code index} or {@code port} is null
   */
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
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(limits, "limits");
  }

  @Override
  public String toString() {
    return "GearRequest{" + appName + "[" + index + "] " + instanceId + ", dir=" + dir
        + ", port=" + port + ", env=" + env.keySet() + "}";
  }

  /** The ports of the node the instance starts on. Implementations are thread-safe. */
  public interface PortSource {
    /**
     * A free port of the node, held until released: no other instance of the node gets it.
     *
     * @return the port
     * @throws IllegalStateException when none is free
     */
    int allocate();

    /**
     * Gives back a port {@link #allocate()} returned, for other instances to use; a gear
     * releases each of its ports once, in its teardown at the latest.
     *
     * @param port the port to give back
     */
    void release(int port);
  }
}
