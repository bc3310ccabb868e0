package dev.paaskit.api.spi;

import dev.paaskit.api.Controller;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The parts one cloud shares among its roles. Nothing here is global: two clouds in one JVM
 * have two contexts.
 */
public interface CloudContext {
  /** A name for this cloud, for logs and thread names. */
  String cloudName();

  /** The domain app routes live under, such as {@code localhost}. */
  String domain();

  /** The bus every role of the cloud talks on. */
  MessageBus bus();

  /** Where the cloud keeps its desired state. */
  StateStore stateStore();

  /** Where the cloud keeps packages, droplets and cartridge files. */
  BlobStore blobStore();

  /** The clock behind every timeout, heartbeat and back-off. */
  Clock clock();

  /** For work that may block, such as staging, downloads and process control. */
  Executor executor();

  /**
   * The cloud's controller, for roles that serve it (an API server); empty in a cloud that runs
   * no control plane, and in contexts made outside a cloud. Valid once the cloud is built: a
   * role asks when it starts, not when it is made.
   */
  default Optional<Controller> controller() {
    return Optional.empty();
  }

  /**
   * The first role of the cloud that is a {@code type}, such as a service manager an API server
   * serves. Valid once the cloud is built: a role asks when it starts, not when it is made.
   */
  default <T> Optional<T> role(Class<T> type) {
    return Optional.empty();
  }
}
