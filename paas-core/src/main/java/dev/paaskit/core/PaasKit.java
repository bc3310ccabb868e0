package dev.paaskit.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.api.spi.Role;
import dev.paaskit.api.spi.RoleFactory;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.controller.DefaultController;
import dev.paaskit.core.controller.DefaultPackageMaker;
import dev.paaskit.core.events.EventLog;
import dev.paaskit.core.events.Events;
import dev.paaskit.core.health.HealthManager;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.router.RouterRole;
import dev.paaskit.core.scheduler.DefaultPlacementStrategy;
import dev.paaskit.core.stager.Stager;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.core.util.ElasticExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Builds a cloud: a controller, a stager, a health manager and a router (the {@link CoreRole}s,
 * all by default), plus the roles you add (nodes, above all), sharing one bus, store, blob store,
 * clock and executor.
 *
 * <pre>{@code
 * try (PaasCloud cloud = PaasKit.builder()
 *     .cartridges(BuiltinCartridges.create())
 *     .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("2G", "10G"))
 *         .backend(ProcessBackend.builder().build()).ports(ports).workDir(dir))
 *     .build()
 *     .start()) {
 *   cloud.controller().push(AppSpec.builder("hello").build(), appDir, System.out::println).join();
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
    private String routerAddress = "127.0.0.1";
    private int routerPort = 0;
    private boolean router = true;
    private Set<CoreRole> coreRoles = CoreRole.all();
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

    /** The router's address and port; default 127.0.0.1 and any free port. */
    public Builder router(String address, int port) {
      once("router");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("router port out of range: " + port);
      }
      this.routerAddress = Objects.requireNonNull(address, "address");
      this.routerPort = port;
      return this;
    }

    /** Builds the cloud without a router. */
    public Builder noRouter() {
      once("router");
      this.router = false;
      return this;
    }

    /**
     * Which of the built-in roles this cloud runs; default all of them. A process that only hosts
     * nodes of a cloud whose controller runs elsewhere, on the same bus and store, passes an empty
     * set; its {@link PaasCloud#controller()} then throws.
     *
     * @throws IllegalArgumentException if {@code roles} holds some but not all of
     *     {@link CoreRole#CONTROLLER}, {@link CoreRole#STAGER} and {@link CoreRole#HEALTH}
     */
    public Builder coreRoles(Set<CoreRole> roles) {
      once("coreRoles");
      Set<CoreRole> copy = roles.isEmpty() ? EnumSet.noneOf(CoreRole.class) : EnumSet.copyOf(roles);
      Set<CoreRole> together = EnumSet.of(CoreRole.CONTROLLER, CoreRole.STAGER, CoreRole.HEALTH);
      Set<CoreRole> some = EnumSet.copyOf(together);
      some.retainAll(copy);
      if (!some.isEmpty() && !some.equals(together)) {
        throw new IllegalArgumentException("the controller, stager and health manager run together,"
            + " but the core roles are " + copy);
      }
      this.coreRoles = copy;
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

    /** Adds a role, such as a node; roles start in the order added, after the built-in ones. */
    public Builder addRole(RoleFactory role) {
      roles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /**
     * Builds the cloud; nothing runs until {@link PaasCloud#start()}.
     *
     * @throws IllegalStateException if {@link #router} was set but {@link #coreRoles} leaves the
     *     router out
     */
    public PaasCloud build() {
      if (set.contains("router") && router && !coreRoles.contains(CoreRole.ROUTER)) {
        throw new IllegalStateException("router(...) was set but the core roles " + coreRoles
            + " leave the router out");
      }
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
      CloudContext context = new Context(name, domain, bus, store, blobs, clock, executor);
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
          dev.paaskit.core.util.Trees.deleteQuietly(ownedWork);
        }
        throw e;
      }
    }

    private PaasCloud assemble(CloudContext context, Path work, Path ownedWork,
        List<AutoCloseable> owned) {
      MessageBus bus = context.bus();
      StateStore store = context.stateStore();
      BlobStore blobs = context.blobStore();
      Clock clock = context.clock();
      Executor executor = context.executor();

      List<Role> all = new ArrayList<>();
      RouterRole routerRole = router && coreRoles.contains(CoreRole.ROUTER)
          ? new RouterRole(context, routerAddress, routerPort) : null;
      if (routerRole != null) {
        all.add(routerRole);
      }
      EventLog eventLog = new EventLog(bus, 500);
      owned.add(eventLog);
      DefaultController controller = null;
      if (coreRoles.contains(CoreRole.CONTROLLER)) {
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
      for (RoleFactory factory : roles) {
        all.add(factory.create(context));
      }
      Set<String> names = new HashSet<>();
      for (Role r : all) {
        if (!names.add(r.name())) {
          throw new IllegalStateException("two roles are named " + r.name());
        }
      }
      return new PaasCloud(context, controller, eventLog, routerRole, all, owned, ownedWork);
    }
  }

  private record Context(String cloudName, String domain, MessageBus bus, StateStore stateStore,
      BlobStore blobStore, Clock clock, Executor executor) implements CloudContext {}
}
