package dev.paaskit.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.Controller;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.internal.controller.DefaultController;
import dev.paaskit.core.internal.container.HostProcessBackend;
import dev.paaskit.core.internal.controller.DefaultPackageMaker;
import dev.paaskit.core.internal.events.EventLog;
import dev.paaskit.core.internal.events.Events;
import dev.paaskit.core.internal.health.HealthManager;
import dev.paaskit.core.internal.stager.Stager;
import dev.paaskit.core.internal.util.ElasticExecutor;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Builds a cloud: its control plane (a controller, a stager and a health manager) plus the roles
 * you add (nodes, a router, an API server), sharing one bus, store, blob store, clock and
 * executor.
 *
 * <pre>{@code
 * try (PaasCloud cloud = PaasKit.builder()
 *     .cartridges(BuiltinCartridges.create())
 *     .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("2G", "10G"))
 *         .backend(ProcessBackend.factory()).ports(ports).workDir(dir))
 *     .addRole(RouterRole.builder())
 *     .build()
 *     .start()) {
 *   cloud.controller().push(AppSpec.builder("hello").build(), appDir, System.out::println)
 *       .running().join();
 * }
 * }</pre>
 *
 * <p>Every part has a default that keeps the cloud in-process: an in-process bus, in-memory
 * stores, the system clock, an elastic pool of daemon threads, a temporary work folder. What the
 * builder makes the cloud closes; what you pass in stays yours. Setting an option twice is an
 * error.
 */
public final class PaasKit {
  private PaasKit() {}

  /**
   * A builder of a cloud.
   *
   * @return a new builder with every option at its default and no role added
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options of a cloud. Each option but {@link #addRole} may be set once; a second call throws
   * {@link IllegalStateException} naming it, and a null argument {@link NullPointerException}.
   * Not thread-safe; build once.
   */
  public static final class Builder {
    private final Set<String> set = new HashSet<>();
    private String name = "paaskit";
    private String domain = "localhost";
    private Clock clock;
    private Executor executor;
    private MessageBus bus;
    private StateStore stateStore;
    private BlobStore blobStore;
    private CartridgeSource cartridges;
    private PlacementStrategy placement;
    private HealthOptions healthOptions = HealthOptions.DEFAULTS;
    private boolean controlPlane = true;
    private Duration startTimeout = Duration.ofMinutes(1);
    private Duration stopTimeout = Duration.ofMinutes(1);
    private Path workDir;
    private Duration stagingTimeout = Duration.ofMinutes(15);
    private ArchiveLimits uploadLimits = ArchiveLimits.defaults();
    private Function<? super CloudContext, ? extends ContainerBackend> stagingBackend;
    private final List<RoleFactory> roles = new ArrayList<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /**
     * Names the cloud; default {@code paaskit}.
     *
     * @param name the cloud's name in logs and errors ({@link CloudContext#cloudName()}), which
     *     also begins the names of the threads and of the temporary work folder the builder
     *     makes; not checked here, but one holding {@code %} fails {@link #build()} when the
     *     builder makes a clock or an executor
     * @return this builder
     * @throws IllegalStateException if the name was set before
     */
    public Builder name(String name) {
      once("name");
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the domain default routes live under; default {@code localhost}.
     *
     * @param domain an app {@code shop} gets the route {@code shop.<domain>}; not checked here
     * @return this builder
     * @throws IllegalStateException if the domain was set before
     */
    public Builder domain(String domain) {
      once("domain");
      this.domain = Objects.requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the one clock of the cloud's timers, timeouts and back-offs; default the system clock
     * with a timer thread of its own, which the cloud stops on close.
     *
     * @param clock a clock the host keeps: the cloud never closes it. With a virtual clock,
     *     heartbeats, back-offs and request timeouts wait until it is advanced; the start and stop
     *     timeouts do not
     * @return this builder
     * @throws IllegalStateException if the clock was set before
     */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor of all work that may block: roles' starts and stops, bus deliveries,
     * staging, probes, process readers. Default: a pool of daemon threads the cloud owns and
     * shuts down on close, with few threads while tasks are short and more as tasks block.
     *
     * @param executor runs tasks on threads of its own, not the caller's (a direct executor would
     *     run the health manager's passes inside its listeners), with no small cap on its threads:
     *     roles and the process backend block some of them for long. The host keeps it and shuts
     *     it down after closing the cloud
     * @return this builder
     * @throws IllegalStateException if the executor was set before
     */
    public Builder executor(Executor executor) {
      once("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the bus every role talks over; default an {@link InProcessBus} on the cloud's executor
     * and clock, closed with the cloud.
     *
     * @param bus a bus the host keeps and closes after the cloud; processes that share it form
     *     one cloud
     * @return this builder
     * @throws IllegalStateException if the bus was set before
     */
    public Builder bus(MessageBus bus) {
      once("bus");
      this.bus = Objects.requireNonNull(bus, "bus");
      return this;
    }

    /**
     * Sets the store of the cloud's desired and recorded state; default an
     * {@link InMemoryStateStore}, closed with the cloud and lost with it.
     *
     * @param store a store the host keeps and closes after the cloud; pass a
     *     {@link dev.paaskit.core.store.FileStateStore} for a cloud that survives a restart
     * @return this builder
     * @throws IllegalStateException if the store was set before
     */
    public Builder stateStore(StateStore store) {
      once("stateStore");
      this.stateStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the store of packages and droplets; default an {@link InMemoryBlobStore}, lost with
     * the cloud.
     *
     * @param blobStore a store the host keeps; the cloud never closes it. Nodes in other
     *     processes must reach the same store
     * @return this builder
     * @throws IllegalStateException if the blob store was set before
     */
    public Builder blobStore(BlobStore blobStore) {
      once("blobStore");
      this.blobStore = Objects.requireNonNull(blobStore, "blobStore");
      return this;
    }

    /**
     * Sets where the stager finds cartridges. Without one the stager knows no cartridge, and
     * every staging fails and says so.
     *
     * @param cartridges listed once per staging; unused without the control plane
     * @return this builder
     * @throws IllegalStateException if the cartridges were set before
     */
    public Builder cartridges(CartridgeSource cartridges) {
      once("cartridges");
      this.cartridges = Objects.requireNonNull(cartridges, "cartridges");
      return this;
    }

    /**
     * Sets how the health manager chooses a node for each instance; default
     * {@link DefaultPlacementStrategy#create()}.
     *
     * @param placement called by the health manager; unused without the control plane
     * @return this builder
     * @throws IllegalStateException if the placement was set before
     */
    public Builder placement(PlacementStrategy placement) {
      once("placement");
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /**
     * Sets the health manager's timings and restart policy; default {@link HealthOptions#DEFAULTS}.
     *
     * @param options unused without the control plane. A node that heartbeats less often than
     *     these options say is judged by its own interval
     * @return this builder
     * @throws IllegalStateException if the options were set before
     */
    public Builder healthOptions(HealthOptions options) {
      once("healthOptions");
      this.healthOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Whether this cloud runs the control plane (controller, stager and health manager); default
     * true. A process that only hosts nodes or a router of a cloud whose controller runs
     * elsewhere, on the same bus and store, passes false; its {@link PaasCloud#controller()}
     * then throws.
     *
     * @param controlPlane false for a cloud of nodes, routers and other roles only; the
     *     cartridges, placement, health options, staging timeout and backend, and upload limits
     *     are then unused
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder controlPlane(boolean controlPlane) {
      once("controlPlane");
      this.controlPlane = controlPlane;
      return this;
    }

    /**
     * Sets how long one role may take to start before the cloud's start fails; default 1 minute.
     *
     * @param timeout more than zero, per role, in real time: the cloud waits on its own thread,
     *     not on the cloud's clock
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder startTimeout(Duration timeout) {
      once("startTimeout");
      this.startTimeout = positive(timeout, "startTimeout");
      return this;
    }

    /**
     * Sets how long one role may take to stop before the cloud's close goes on without it;
     * default 1 minute.
     *
     * @param timeout more than zero, per role, in real time as for {@link #startTimeout}
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws IllegalStateException if it was set before
     */
    public Builder stopTimeout(Duration timeout) {
      once("stopTimeout");
      this.stopTimeout = positive(timeout, "stopTimeout");
      return this;
    }

    /**
     * Sets where the stager works and caches and where uploads are unpacked; default a temporary
     * folder the cloud deletes on close.
     *
     * @param workDir created by {@link #build()} if missing; the cloud leaves it, and what it
     *     wrote there, on close
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder workDir(Path workDir) {
      once("workDir");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /**
     * Sets how long one staging may take; default 15 minutes.
     *
     * @param timeout measured on the cloud's clock from the staging's start; positive
     * @return this builder
     * @throws IllegalStateException if it was set before
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder stagingTimeout(Duration timeout) {
      once("stagingTimeout");
      this.stagingTimeout = positive(timeout, "stagingTimeout");
      return this;
    }

    /**
     * Sets what runs the code of stagings: cartridges' builds, buildpacks' {@code bin/detect},
     * {@code bin/compile} and {@code bin/release}, pre- and post-staging hooks. Each command runs
     * as a short-lived container with the app's memory and disk limits, the build folder as its
     * work folder, the app's cache folder as a writable mount and the cartridge's own folder as a
     * read-only one, and a complete environment; nothing of the stager's other state. The backend
     * must make the work folder and writable mounts writable by the user it runs containers as
     * (see {@link dev.paaskit.api.spi.StagingContext}). Default: processes of this JVM's host,
     * beside it and as its user, which isolates nothing.
     *
     * <pre>{@code
     * PaasKit.builder().stagingBackend(context -> myIsolatingBackend(context.executor()))
     * }</pre>
     *
     * @param factory called once with the cloud's context when the stager starts; the stager
     *     closes the backend it returned when it stops. Unused without the control plane
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder stagingBackend(
        Function<? super CloudContext, ? extends ContainerBackend> factory) {
      once("stagingBackend");
      this.stagingBackend = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Sets the limits on uploaded app archives; default {@link ArchiveLimits#defaults()}.
     *
     * @param limits applied when an upload is packed and when the stager unpacks it
     * @return this builder
     * @throws IllegalStateException if they were set before
     */
    public Builder uploadLimits(ArchiveLimits limits) {
      once("uploadLimits");
      this.uploadLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Adds a role, such as a node, a router or an API server. Roles start by their
     * {@linkplain Role#phase() phase}, those of one phase side by side. May be called any number
     * of times.
     *
     * @param role a factory {@link #build()} calls once, with the cloud's context, such as a
     *     node's builder
     * @return this builder
     */
    public Builder addRole(RoleFactory role) {
      roles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /**
     * Builds the cloud; nothing runs until {@link PaasCloud#start()}. Makes the defaults (clock,
     * executor, bus, stores, work folder), then the control plane's roles, then calls each role
     * factory in the order added. When making a role throws, what the builder made is closed and
     * its temporary folder deleted, and the exception (a role factory's as it threw it) goes on.
     *
     * @return a new cloud in state NEW, owning the defaults the builder made
     * @throws IllegalStateException if two roles have one name
     * @throws NullPointerException if a role factory returns null
     * @throws java.io.UncheckedIOException if the work folder cannot be created
     */
    public PaasCloud build() {
      List<AutoCloseable> owned = new ArrayList<>();
      Clock clock = this.clock;
      if (clock == null) {
        SystemClock sc = SystemClock.create(name);
        owned.add(sc);
        clock = sc;
      }
      Executor executor = this.executor;
      if (executor == null) {
        ElasticExecutor pool = ElasticExecutor.create(
            new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-worker-%d").build());
        owned.add(0, pool);
        executor = pool;
      }
      MessageBus bus = this.bus;
      if (bus == null) {
        bus = InProcessBus.create(executor, clock);
        owned.add(bus);
      }
      StateStore store = this.stateStore == null ? new InMemoryStateStore() : this.stateStore;
      if (this.stateStore == null) {
        owned.add(store);
      }
      BlobStore blobs = this.blobStore == null ? new InMemoryBlobStore() : this.blobStore;
      Path work = workDir;
      Path ownedWork = null;
      try {
        try {
          if (work == null) {
            work = Files.createTempDirectory(name + "-");
            ownedWork = work;
          } else {
            Files.createDirectories(work);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create the cloud's work folder " + work, e);
        }
        Context context = new Context(name, domain, bus, store, blobs, clock, executor);
        return assemble(context, work, ownedWork, owned);
      } catch (RuntimeException e) {
        // Nothing started yet, but the builder may have made threads, a bus and a folder.
        for (int i = owned.size() - 1; i >= 0; i--) {
          try {
            owned.get(i).close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        if (ownedWork != null) {
          Trees.deleteQuietly(ownedWork);
        }
        throw e;
      }
    }

    private PaasCloud assemble(Context context, Path work, Path ownedWork,
        List<AutoCloseable> owned) {
      MessageBus bus = context.bus();
      StateStore store = context.stateStore();
      BlobStore blobs = context.blobStore();
      Clock clock = context.clock();
      Executor executor = context.executor();

      List<Role> all = new ArrayList<>();
      EventLog eventLog = new EventLog(bus, 500);
      owned.add(eventLog);
      DefaultController controller = null;
      if (controlPlane) {
        HealthManager health = new HealthManager(context,
            placement == null ? DefaultPlacementStrategy.create() : placement, healthOptions);
        all.add(health);
        Function<? super CloudContext, ? extends ContainerBackend> backends =
            stagingBackend != null ? stagingBackend
                : c -> HostProcessBackend.create(c.executor());
        Stager stager = new Stager(cartridges == null ? List::of : cartridges, blobs, store, clock,
            executor, work.resolve("stager"), stagingTimeout, uploadLimits,
            () -> backends.apply(context));
        all.add(stager);
        controller = new DefaultController(store, blobs, clock, executor, domain,
            stager, health, eventLog, new Events(bus, clock),
            new DefaultPackageMaker(work.resolve("uploads"), uploadLimits), bus);
        owned.add(controller);
      }
      context.controller = controller;
      for (RoleFactory factory : roles) {
        all.add(Objects.requireNonNull(factory.create(context), "a role factory returned null"));
      }
      Set<String> names = new HashSet<>();
      for (Role r : all) {
        if (!names.add(r.name())) {
          throw new IllegalStateException("two roles are named " + r.name());
        }
      }
      context.roles = List.copyOf(all);
      return new PaasCloud(context, controller, eventLog, all, owned, ownedWork, startTimeout,
          stopTimeout);
    }
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + d);
    }
    return d;
  }

  /** What the roles share; the controller and the roles are set once the cloud is assembled. */
  private static final class Context implements CloudContext {
    private final String cloudName;
    private final String domain;
    private final MessageBus bus;
    private final StateStore stateStore;
    private final BlobStore blobStore;
    private final Clock clock;
    private final Executor executor;
    private volatile Controller controller;
    private volatile List<Role> roles = List.of();

    Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
        BlobStore blobStore, Clock clock, Executor executor) {
      this.cloudName = cloudName;
      this.domain = domain;
      this.bus = bus;
      this.stateStore = stateStore;
      this.blobStore = blobStore;
      this.clock = clock;
      this.executor = executor;
    }

    @Override
    public String cloudName() {
      return cloudName;
    }

    @Override
    public String domain() {
      return domain;
    }

    @Override
    public MessageBus bus() {
      return bus;
    }

    @Override
    public StateStore stateStore() {
      return stateStore;
    }

    @Override
    public BlobStore blobStore() {
      return blobStore;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public Executor executor() {
      return executor;
    }

    @Override
    public Optional<Controller> controller() {
      return Optional.ofNullable(controller);
    }

    @Override
    public <T> Optional<T> role(Class<T> type) {
      return roles.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    @Override
    public String toString() {
      return "CloudContext{" + cloudName + "}";
    }
  }
}
