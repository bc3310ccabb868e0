package dev.paaskit.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.Controller;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
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

/**
 * Builds a cloud: its control plane (a controller, a stager and a health manager) plus the roles
 * you add (nodes, a router, an API server), sharing one bus, store, blob store, clock and
 * executor.
 *
 * <pre>{@code
 * try (PaasCloud cloud = PaasKit.builder()
 *     .cartridges(BuiltinCartridges.create())
 *     .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("2G", "10G"))
 *         .backend(ProcessBackend.builder().build()).ports(ports).workDir(dir))
 *     .addRole(RouterRole.builder())
 *     .build()
 *     .start()) {
 *   cloud.controller().push(AppSpec.builder("hello").build(), appDir, System.out::println)
 *       .running().join();
 * }
 * }</pre>
 *
 * <p>Every part has a default that keeps the cloud in-process: an in-process bus, in-memory
 * stores, the system clock, a cached thread pool, a temporary work folder. What the builder makes
 * the cloud closes; what you pass in stays yours. Setting an option twice is an error.
 */
public final class PaasKit {
  private PaasKit() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Not thread-safe; build once. */
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
    private final List<RoleFactory> roles = new ArrayList<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** A name for logs and threads; default {@code paaskit}. */
    public Builder name(String name) {
      once("name");
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The domain default routes live under; default {@code localhost} ({@code app.localhost}). */
    public Builder domain(String domain) {
      once("domain");
      this.domain = Objects.requireNonNull(domain, "domain");
      return this;
    }

    /** Default: the system clock with its own timer thread. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * For all work that may block. It must run tasks on threads of its own, not the caller's (a
     * direct executor would run the health manager's passes inside its listeners). Default: an
     * {@link ElasticExecutor} of daemon threads the cloud owns: few threads while tasks are short,
     * more as tasks block.
     */
    public Builder executor(Executor executor) {
      once("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Default: an in-process bus. */
    public Builder bus(MessageBus bus) {
      once("bus");
      this.bus = Objects.requireNonNull(bus, "bus");
      return this;
    }

    /** Default: an in-memory store. Pass a FileStateStore to survive restarts. */
    public Builder stateStore(StateStore store) {
      once("stateStore");
      this.stateStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Default: an in-memory blob store. */
    public Builder blobStore(BlobStore blobStore) {
      once("blobStore");
      this.blobStore = Objects.requireNonNull(blobStore, "blobStore");
      return this;
    }

    /** Where the stager finds cartridges. Without one, staging fails and says so. */
    public Builder cartridges(CartridgeSource cartridges) {
      once("cartridges");
      this.cartridges = Objects.requireNonNull(cartridges, "cartridges");
      return this;
    }

    /** Default: {@link DefaultPlacementStrategy}. */
    public Builder placement(PlacementStrategy placement) {
      once("placement");
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

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
     */
    public Builder controlPlane(boolean controlPlane) {
      once("controlPlane");
      this.controlPlane = controlPlane;
      return this;
    }

    /** How long one role may take to start before the cloud's start fails; default 1 minute. */
    public Builder startTimeout(Duration timeout) {
      once("startTimeout");
      this.startTimeout = positive(timeout, "startTimeout");
      return this;
    }

    /**
     * How long one role may take to stop before the cloud's close goes on without it; default 1
     * minute.
     */
    public Builder stopTimeout(Duration timeout) {
      once("stopTimeout");
      this.stopTimeout = positive(timeout, "stopTimeout");
      return this;
    }

    /** Where the stager works and caches; default a temporary folder deleted on close. */
    public Builder workDir(Path workDir) {
      once("workDir");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** How long one staging may take; default 15 minutes. */
    public Builder stagingTimeout(Duration timeout) {
      once("stagingTimeout");
      this.stagingTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Limits on uploaded archives; default {@link ArchiveLimits#defaults()}. */
    public Builder uploadLimits(ArchiveLimits limits) {
      once("uploadLimits");
      this.uploadLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Adds a role, such as a node, a router or an API server. Roles start by their
     * {@linkplain Role#phase() phase}, and in the order added within one.
     */
    public Builder addRole(RoleFactory role) {
      roles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /**
     * Builds the cloud; nothing runs until {@link PaasCloud#start()}.
     *
     * @throws IllegalStateException if two roles have one name
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
        if (work == null) {
          work = Files.createTempDirectory(name + "-");
          ownedWork = work;
        } else {
          Files.createDirectories(work);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the cloud's work folder", e);
      }
      Context context = new Context(name, domain, bus, store, blobs, clock, executor);
      try {
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
        Stager stager = new Stager(cartridges == null ? List::of : cartridges, blobs, store, clock,
            executor, work.resolve("stager"), stagingTimeout, uploadLimits);
        all.add(stager);
        controller = new DefaultController(store, blobs, clock, executor, domain,
            stager, health, eventLog, new Events(bus, clock),
            new DefaultPackageMaker(work.resolve("uploads"), uploadLimits), bus);
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
