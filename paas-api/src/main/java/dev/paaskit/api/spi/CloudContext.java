package dev.paaskit.api.spi;

import dev.paaskit.api.Controller;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The parts one cloud shares among its roles. Nothing here is global: two clouds in one JVM
 * have two contexts. The cloud owns these parts (or its host does): a role uses them and closes
 * none of them. Each method returns the same object on every call. Thread-safe.
 */
public interface CloudContext {
  /**
   * A name for this cloud, for logs and thread names.
   *
   * @return the name the cloud was built with
   */
  String cloudName();

  /**
   * The domain app routes live under, such as {@code localhost}: an app without routes of its
   * own is routed at {@code <name>.<domain>}.
   *
   * @return the domain, without a leading dot
   */
  String domain();

  /**
   * The bus every role of the cloud talks on.
   *
   * @return the bus, open while the cloud runs
   */
  MessageBus bus();

  /**
   * Where the cloud keeps its desired state.
   *
   * @return the state store, open while the cloud runs
   */
  StateStore stateStore();

  /**
   * Where the cloud keeps packages, droplets and cartridge files.
   *
   * @return the blob store
   */
  BlobStore blobStore();

  /**
   * The clock behind every timeout, heartbeat and back-off; roles read no other time.
   *
   * @return the clock, a virtual one in tests
   */
  Clock clock();

  /**
   * For work that may block, such as staging, downloads and process control; roles start no
   * thread pools of their own for it.
   *
   * @return the executor, which may run many tasks at once
   */
  Executor executor();

  /**
   * The cloud's controller, for roles that serve it (an API server); empty in a cloud that runs
   * no control plane, and in contexts made outside a cloud. Valid once the cloud is built: a
   * role asks when it starts, not when it is made.
   *
   * @return the controller, or empty
   */
  default Optional<Controller> controller() {
    return Optional.empty();
  }

  /**
   * The first role of the cloud that is a {@code type}, such as a service manager an API server
   * serves. Valid once the cloud is built: a role asks when it starts, not when it is made.
   *
   * @param <T> the type looked for
   * @param type a class or interface the role is an instance of
   * @return the first such role in the order the cloud added its roles, or empty
   */
  default <T> Optional<T> role(Class<T> type) {
    return Optional.empty();
  }
}
