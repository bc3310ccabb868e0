package dev.paaskit.core.internal.controller;

import com.google.common.collect.HashMultiset;
import com.google.common.collect.Multiset;
import dev.paaskit.api.App;
import dev.paaskit.api.AppPackage;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.PackageState;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.events.EventLog;
import dev.paaskit.core.internal.events.Events;
import dev.paaskit.core.internal.health.ActualState;
import dev.paaskit.core.internal.health.HealthManager;
import dev.paaskit.core.internal.protocol.AppRecord;
import dev.paaskit.core.internal.protocol.DropletRecord;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.LogMessage;
import dev.paaskit.core.internal.protocol.LogsRequest;
import dev.paaskit.core.internal.protocol.SpecRecord;
import dev.paaskit.core.internal.protocol.StoreKeys;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.stager.StagingService;
import dev.paaskit.core.internal.util.AsyncLimiter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: validates and stores desired state in the {@link StateStore}, where the
 * health manager picks it up. Every change is a compare-and-set of the app's record, retried on
 * conflict, so concurrent callers never lose each other's changes.
 */
public final class DefaultController implements Controller, AutoCloseable {
  private final StateStore store;
  private final BlobStore blobs;
  private final Clock clock;
  private final Executor executor;
  private final String domain;
  private final StagingService stager;
  private final ActualState cluster;
  private final EventLog eventLog;
  private final Events events;
  private final PackageMaker packages;
  private final MessageBus bus;
  private final DeploymentWatcher deployments;
  /** Packages of pushes in flight, which a failed push must not delete; guarded by itself. */
  private final Multiset<String> pushing = HashMultiset.create();
  /**
   * Pushes packaged and staged at once, as many as processors (at least 2): fewer than the
   * default executor's threads, so pushes never take all of them. More wait their turn here
   * rather than in the shared executor's queue, ahead of heartbeats and starts.
   */
  private final AsyncLimiter pushTurns = new AsyncLimiter(
      Math.max(2, Runtime.getRuntime().availableProcessors()));
  private static final Logger log = LoggerFactory.getLogger(DefaultController.class);
  private static final java.time.Duration LOGS_TIMEOUT = java.time.Duration.ofSeconds(3);

  public DefaultController(StateStore store, BlobStore blobs, Clock clock, Executor executor,
      String domain, StagingService stager, ActualState cluster, EventLog eventLog,
      Events events, PackageMaker packages, MessageBus bus) {
    this.bus = bus;
    this.store = store;
    this.blobs = blobs;
    this.clock = clock;
    this.executor = executor;
    this.domain = domain;
    this.stager = stager;
    this.cluster = cluster;
    this.eventLog = eventLog;
    this.events = events;
    this.packages = packages;
    this.deployments = new DeploymentWatcher(store, cluster, bus, eventLog, clock, executor);
  }

  @Override
  public App create(AppSpec spec) {
    long now = clock.now().toEpochMilli();
    String id = UUID.randomUUID().toString();
    AppRecord record = new AppRecord(id, SpecRecord.of(spec), AppState.STOPPED,
        PackageState.PENDING, null, 0, 0, null, null, 1, now, now, null, 0);
    long revision = insert(record);
    events.publish(EventType.APP_CREATED, spec.name(), "created with " + spec.instances()
        + " instance(s) of " + spec.memory());
    return record.toApp(domain, revision);
  }

  /**
   * Stores a new app: claims its name, then its routes, then writes its record; undoes the
   * claims when a later step fails.
   *
   * @throws ConflictException if the name or a route is taken
   */
  private long insert(AppRecord record) {
    String name = record.spec().name();
    String id = record.id();
    if (!claim(StoreKeys.name(name), id)) {
      throw new ConflictException("an app named '" + name + "' already exists");
    }
    try {
      claimRoutes(id, name, record.urls(domain));
      return store.compareAndSet(StoreKeys.app(id), 0, Json.write(record)).orElseThrow();
    } catch (RuntimeException e) {
      releaseRoutes(id, record.urls(domain));
      release(StoreKeys.name(name), id);
      throw e;
    }
  }

  /**
   * Makes {@code key} hold {@code appId}. A claim held by an app whose record is gone (a crash
   * between the claim and the record) is taken over.
   *
   * @return false when a live app holds it
   */
  private boolean claim(String key, String appId) {
    for (int attempt = 0; attempt < 100; attempt++) {
      Optional<StoreEntry> held = store.get(key);
      if (held.isEmpty()) {
        if (store.compareAndSet(key, 0, appId.getBytes(StandardCharsets.UTF_8)).isPresent()) {
          return true;
        }
        continue;
      }
      String holder = new String(held.get().value(), StandardCharsets.UTF_8);
      if (holder.equals(appId)) {
        return true;
      }
      if (store.get(StoreKeys.app(holder)).isPresent()) {
        return false;
      }
      if (store.compareAndSet(key, held.get().revision(), appId.getBytes(StandardCharsets.UTF_8)).isPresent()) {
        return true;
      }
    }
    throw new ConflictException("'" + key + "' is changing too often to claim; try again");
  }

  private void release(String key, String appId) {
    store.get(key).ifPresent(e -> {
      if (new String(e.value(), StandardCharsets.UTF_8).equals(appId)) {
        store.compareAndDelete(key, e.revision());
      }
    });
  }

  private void claimRoutes(String appId, String appName, List<String> hosts) {
    List<String> claimed = new ArrayList<>();
    for (String host : hosts) {
      if (!claim(StoreKeys.route(host), appId)) {
        claimed.forEach(h -> release(StoreKeys.route(h), appId));
        String holder = store.get(StoreKeys.route(host))
            .map(e -> new String(e.value(), StandardCharsets.UTF_8))
            .flatMap(h -> store.get(StoreKeys.app(h)))
            .map(e -> Json.read(e.value(), AppRecord.class).spec().name()).orElse("another app");
        throw new ConflictException("route " + host + " is taken by app '" + holder
            + "'; choose other routes for '" + appName + "'");
      }
      claimed.add(host);
    }
  }

  private void releaseRoutes(String appId, List<String> hosts) {
    hosts.forEach(h -> release(StoreKeys.route(h), appId));
  }

  @Override
  public App update(AppSpec spec) {
    SpecRecord next = SpecRecord.of(spec);
    claimRoutesFor(spec);
    App app = change(spec.name(), r -> {
      AppRecord.Builder b = r.toBuilder().spec(next);
      if (r.spec().instancesDifferFrom(next)) {
        b.nextGeneration();
      }
      return b.build();
    });
    events.publish(EventType.APP_UPDATED, spec.name(), "spec updated");
    return app;
  }

  /** Claims the routes {@code spec} asks for, for the existing app of its name. */
  private void claimRoutesFor(AppSpec spec) {
    AppRecord current = load(spec.name()).record;
    AppRecord next = current.toBuilder().spec(SpecRecord.of(spec)).build();
    claimRoutes(current.id(), spec.name(), next.urls(domain));
  }

  @Override
  public void delete(String name) {
    Loaded loaded = load(name);
    store.delete(StoreKeys.app(loaded.record.id()));
    releaseRoutes(loaded.record.id(), loaded.record.urls(domain));
    store.compareAndDelete(StoreKeys.name(name), loaded.nameRevision);
    eventLog.forget(name);
    events.publish(EventType.APP_DELETED, name, "deleted");
  }

  @Override
  public Optional<App> find(String name) {
    return tryLoad(name).map(l -> l.record.toApp(domain, l.revision));
  }

  @Override
  public App get(String name) {
    Loaded l = load(name);
    return l.record.toApp(domain, l.revision);
  }

  @Override
  public List<App> apps() {
    List<App> out = new ArrayList<>();
    for (StoreEntry e : store.list(StoreKeys.APPS)) {
      out.add(Json.read(e.value(), AppRecord.class).toApp(domain, e.revision()));
    }
    out.sort(Comparator.comparing(App::name));
    return out;
  }

  @Override
  public AppPackage upload(String name, Path bits) throws IOException {
    load(name);
    BlobInfo blob = packages.store(bits, blobs);
    long now = clock.now().toEpochMilli();
    change(name, r -> r.toBuilder().packageSha256(blob.sha256()).packageSizeBytes(blob.sizeBytes())
        .packageUploadedMillis(now).packageState(PackageState.PENDING).failure(null).build());
    events.publish(EventType.PACKAGE_UPLOADED, name, "package " + blob.sha256().substring(0, 12)
        + " (" + blob.sizeBytes() + " bytes) uploaded");
    return new AppPackage(name, blob.sha256(), blob.sizeBytes(), PackageState.PENDING,
        Optional.empty(), Instant.ofEpochMilli(now));
  }

  @Override
  public CompletableFuture<Droplet> stage(String name, Consumer<String> log) {
    AppRecord app = load(name).record;
    if (app.packageSha256() == null) {
      return CompletableFuture.failedFuture(
          new ConflictException("app '" + name + "' has no package: upload one first"));
    }
    String packageSha = app.packageSha256();
    events.publish(EventType.STAGING_STARTED, name, "staging package " + packageSha.substring(0, 12));
    return stager.stage(name, packageSha, Optional.ofNullable(app.spec().cartridge()),
            app.spec().env(), app.spec().hooks(),
            stagingLimits(app.spec().memoryBytes(), app.spec().diskBytes()), log)
        .handle((droplet, error) -> {
          Throwable cause = error instanceof CompletionException && error.getCause() != null
              ? error.getCause() : error;
          if (cause != null) {
            String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            change(name, r -> packageSha.equals(r.packageSha256())
                ? r.toBuilder().packageState(PackageState.FAILED).failure(why).build() : r);
            events.publish(EventType.STAGING_FAILED, name, why);
            throw cause instanceof RuntimeException re ? re
                : new StagingException(why, List.of(), cause);
          }
          change(name, r -> {
            AppRecord.Builder b = r.toBuilder();
            if (packageSha.equals(r.packageSha256())) {
              b.packageState(PackageState.STAGED).failure(null);
            }
            if (r.droplet() == null || !r.droplet().sha256().equals(droplet.sha256())) {
              b.droplet(DropletRecord.of(droplet)).nextGeneration();
            }
            return b.build();
          });
          events.publish(EventType.STAGED, name, "staged with " + droplet.cartridge()
              + (droplet.cacheHit() ? " (cached)" : "") + ": droplet "
              + droplet.sha256().substring(0, 12), Map.of("cartridge", droplet.cartridge()));
          return droplet;
        });
  }

  /** Memory a staging gets at least, as Cloud Foundry's minimum staging memory: pip and npm. */
  static final long MIN_STAGING_MEMORY = 1L << 30;
  /** Disk a staging gets at least, as Cloud Foundry's minimum staging disk. */
  static final long MIN_STAGING_DISK = 4L << 30;

  /**
   * A staging gets the memory and disk of one of the app's instances, but no less than the
   * minimums: a small app's build tools need more than the app.
   */
  private static ResourceLimits stagingLimits(long memoryBytes, long diskBytes) {
    return new ResourceLimits(Math.max(memoryBytes, MIN_STAGING_MEMORY),
        Math.max(diskBytes, MIN_STAGING_DISK), 1024);
  }

  /**
   * Stores the bits, stages them, and only then creates or updates the app, started, in one
   * write: a push that fails (bad archive, no cartridge, failed build) leaves the store as it
   * was, and removes the package blob again unless another app uses it.
   */
  @Override
  public Deployment push(AppSpec spec, Path bits, Consumer<String> log) {
    AppSpec.checkName(spec.name());
    return new DefaultDeployment(spec.name(), pushTurns.submit(() -> pushNow(spec, bits, log)),
        deployments);
  }

  private CompletableFuture<DefaultDeployment.Stored> pushNow(AppSpec spec, Path bits,
      Consumer<String> log) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return packages.store(bits, blobs);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, executor).thenCompose(pkg -> {
      synchronized (pushing) {
        pushing.add(pkg.sha256());
      }
      events.publish(EventType.STAGING_STARTED, spec.name(),
          "staging package " + pkg.sha256().substring(0, 12));
      return stager.stage(spec.name(), pkg.sha256(), spec.cartridge(), spec.env(), spec.hooks(),
              stagingLimits(spec.memory().bytes(), spec.disk().bytes()), log)
          .handle((droplet, error) -> {
            Throwable failure = error;
            if (failure == null) {
              try {
                events.publish(EventType.STAGED, spec.name(), "staged with " + droplet.cartridge()
                    + (droplet.cacheHit() ? " (cached)" : "") + ": droplet "
                    + droplet.sha256().substring(0, 12), Map.of("cartridge", droplet.cartridge()));
                return storePushed(spec, pkg, droplet);
              } catch (RuntimeException e) {
                failure = e;
              } finally {
                synchronized (pushing) {
                  pushing.remove(pkg.sha256());
                }
              }
            } else {
              synchronized (pushing) {
                pushing.remove(pkg.sha256());
              }
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            events.publish(error != null ? EventType.STAGING_FAILED : EventType.APP_UPDATED,
                spec.name(), "push failed: " + cause.getMessage());
            forgetUnusedPackage(pkg.sha256());
            throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
          });
    });
  }

  /** Stores the pushed app, and what its deployment follows: the generation it leaves. */
  private DefaultDeployment.Stored storePushed(AppSpec spec, BlobInfo pkg, Droplet droplet) {
    long eventsBefore = deployments.eventsSeen();
    Set<String> ended = tryLoad(spec.name()).map(l -> deployments.endedInstances(l.record.id()))
        .orElse(Set.of());
    App app = storeStarted(spec, pkg, droplet);
    return new DefaultDeployment.Stored(app, deployments.target(app, ended, eventsBefore));
  }

  private App storeStarted(AppSpec spec, BlobInfo pkg, Droplet droplet) {
    long now = clock.now().toEpochMilli();
    SpecRecord next = SpecRecord.of(spec);
    DropletRecord dropletRecord = DropletRecord.of(droplet);
    if (tryLoad(spec.name()).isEmpty()) {
      AppRecord record = new AppRecord(UUID.randomUUID().toString(), next, AppState.STARTED,
          PackageState.STAGED, pkg.sha256(), pkg.sizeBytes(), now, null, dropletRecord, 1, now, now,
          null, 0);
      long revision = -1;
      try {
        revision = insert(record);
      } catch (ConflictException e) {
        if (tryLoad(spec.name()).isEmpty()) {
          throw e; // a route is taken
        }
        // Another push of the same name won the race; update what it stored instead.
      }
      if (revision > 0) {
        events.publish(EventType.APP_CREATED, spec.name(), "created with " + spec.instances()
            + " instance(s) of " + spec.memory());
        events.publish(EventType.APP_STARTED, spec.name(), "started with " + spec.instances()
            + " instance(s)");
        return record.toApp(domain, revision);
      }
    }
    claimRoutesFor(spec);
    App app = change(spec.name(), r -> {
      AppRecord.Builder b = r.toBuilder().spec(next).state(AppState.STARTED)
          .packageSha256(pkg.sha256()).packageSizeBytes(pkg.sizeBytes()).packageUploadedMillis(now)
          .packageState(PackageState.STAGED).failure(null);
      boolean newDroplet = r.droplet() == null || !r.droplet().sha256().equals(droplet.sha256());
      if (newDroplet) {
        b.droplet(dropletRecord);
      }
      if (newDroplet || r.spec().instancesDifferFrom(next)) {
        b.nextGeneration();
      }
      return b.build();
    });
    events.publish(EventType.APP_STARTED, spec.name(), "pushed and started with "
        + spec.instances() + " instance(s)");
    return app;
  }

  /**
   * Deletes a package blob that no app and no other push in flight refers to, so a refused push
   * leaves nothing behind. A failure to delete is logged: the push's own error is what the caller
   * needs to see.
   */
  private void forgetUnusedPackage(String sha256) {
    synchronized (pushing) {
      if (pushing.count(sha256) > 0) {
        return;
      }
      for (StoreEntry e : store.list(StoreKeys.APPS)) {
        if (sha256.equals(Json.read(e.value(), AppRecord.class).packageSha256())) {
          return;
        }
      }
      try {
        blobs.delete(sha256);
      } catch (IOException | RuntimeException e) {
        log.warn("could not remove the refused package {}: {}", sha256, e.toString());
      }
    }
  }

  @Override
  public App start(String name) {
    App app = change(name, r -> {
      if (r.droplet() == null) {
        throw new ConflictException("app '" + name + "' has not been staged: push or stage it first");
      }
      return r.state() == AppState.STARTED ? r : r.toBuilder().state(AppState.STARTED).build();
    });
    events.publish(EventType.APP_STARTED, name, "started with " + app.spec().instances()
        + " instance(s)");
    return app;
  }

  @Override
  public App stop(String name) {
    App app = change(name, r -> r.state() == AppState.STOPPED ? r
        : r.toBuilder().state(AppState.STOPPED).build());
    events.publish(EventType.APP_STOPPED, name, "stopped");
    return app;
  }

  @Override
  public App restart(String name) {
    App app = change(name, r -> {
      if (r.droplet() == null) {
        throw new ConflictException("app '" + name + "' has not been staged: push or stage it first");
      }
      return r.toBuilder().state(AppState.STARTED).nextGeneration().build();
    });
    events.publish(EventType.APP_STARTED, name, "restarted");
    return app;
  }

  @Override
  public Deployment scale(String name, int instances) {
    long eventsBefore = deployments.eventsSeen();
    Set<String> ended = deployments.endedInstances(load(name).record.id());
    int[] before = new int[1];
    App app = change(name, r -> {
      before[0] = r.spec().instances();
      AppSpec next = r.spec().toSpec().toBuilder().instances(instances).build();
      return r.toBuilder().spec(SpecRecord.of(next)).build();
    });
    events.publish(EventType.APP_SCALED, name, "scaled from " + before[0] + " to " + instances
        + " instance(s)", Map.of("from", String.valueOf(before[0]), "to", String.valueOf(instances)));
    return DefaultDeployment.of(new DefaultDeployment.Stored(app,
        deployments.target(app, ended, eventsBefore)), deployments);
  }

  @Override
  public Deployment deployment(String name) {
    long eventsBefore = deployments.eventsSeen();
    Loaded loaded = load(name);
    App app = loaded.record.toApp(domain, loaded.revision);
    Set<String> ended = deployments.endedInstances(app.id());
    return DefaultDeployment.of(new DefaultDeployment.Stored(app,
        deployments.target(app, ended, eventsBefore)), deployments);
  }

  @Override
  public List<InstanceStatus> instances(String name) {
    AppRecord app = load(name).record;
    List<InstanceStatus> out = new ArrayList<>();
    for (InstanceReport r : cluster.instancesOf(app.id())) {
      out.add(r.toStatus());
    }
    return out;
  }

  @Override
  public List<LogEntry> logs(String name, int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative: " + lines);
    }
    AppRecord app = load(name).record;
    List<CompletableFuture<Message>> replies = new ArrayList<>();
    for (String node : cluster.instancesOf(app.id()).stream().map(InstanceReport::nodeId)
        .distinct().toList()) {
      replies.add(Json.request(bus, Subjects.nodeLogs(node), new LogsRequest(app.id(), lines),
          LOGS_TIMEOUT));
    }
    List<LogEntry> out = new ArrayList<>();
    for (CompletableFuture<Message> reply : replies) {
      try {
        Json.read(reply.join(), LogsRequest.Reply.class).lines()
            .forEach(l -> out.add(l.toEntry()));
      } catch (CompletionException e) {
        // A node that died since its last report has no logs to give; the others still do.
      }
    }
    out.sort(Comparator.comparing(LogEntry::time).thenComparingInt(LogEntry::index));
    return out;
  }

  @Override
  public AutoCloseable followLogs(String name, Consumer<LogEntry> listener) {
    load(name);
    Subscription sub = bus.subscribe(Subjects.logs(name),
        m -> listener.accept(Json.read(m, LogMessage.class).toEntry()));
    return sub::close;
  }

  @Override
  public List<Event> events(String name) {
    load(name);
    return eventLog.events(name);
  }

  @Override
  public AutoCloseable followEvents(String name, Consumer<Event> listener) {
    AppSpec.checkName(name);
    return eventLog.follow(name, listener);
  }

  @Override
  public void drain(String nodeId) {
    nodeOrThrow(nodeId);
    store.put(StoreKeys.drain(nodeId), new byte[] {1});
    events.publish(EventType.NODE_DRAINING, HealthManager.NODE_EVENT_PREFIX + nodeId,
        "node " + nodeId + " draining: its instances move to other nodes");
  }

  @Override
  public void resume(String nodeId) {
    nodeOrThrow(nodeId);
    store.delete(StoreKeys.drain(nodeId));
  }

  private NodeStatus nodeOrThrow(String nodeId) {
    return cluster.nodes().stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
        .orElseThrow(() -> new NotFoundException("node", nodeId));
  }

  @Override
  public List<NodeStatus> nodes() {
    return cluster.nodes();
  }

  private record Loaded(AppRecord record, long revision, long nameRevision) {}

  /** The app named {@code name}; empty too for a name claim whose record was never written. */
  private Optional<Loaded> tryLoad(String name) {
    AppSpec.checkName(name);
    Optional<StoreEntry> claim = store.get(StoreKeys.name(name));
    if (claim.isEmpty()) {
      return Optional.empty();
    }
    String id = new String(claim.get().value(), StandardCharsets.UTF_8);
    return store.get(StoreKeys.app(id)).map(e ->
        new Loaded(Json.read(e.value(), AppRecord.class), e.revision(), claim.get().revision()));
  }

  private Loaded load(String name) {
    return tryLoad(name).orElseThrow(() -> new NotFoundException("app", name));
  }

  /** Applies {@code change} to the app's record with compare-and-set, retrying on conflict. */
  private App change(String name, UnaryOperator<AppRecord> change) {
    for (int attempt = 0; attempt < 100; attempt++) {
      Loaded current = load(name);
      AppRecord next = change.apply(current.record);
      if (next.equals(current.record)) {
        return next.toApp(domain, current.revision);
      }
      next = next.toBuilder().updatedMillis(clock.now().toEpochMilli()).build();
      OptionalLong revision = store.compareAndSet(StoreKeys.app(next.id()), current.revision,
          Json.write(next));
      if (revision.isPresent()) {
        // Claims of routes the change dropped go only once the change is stored.
        List<String> kept = next.urls(domain);
        for (String host : current.record.urls(domain)) {
          if (!kept.contains(host)) {
            release(StoreKeys.route(host), next.id());
          }
        }
        return next.toApp(domain, revision.getAsLong());
      }
    }
    throw new ConflictException("app '" + name + "' is changing too often to update; try again");
  }

  /** Ends the waits of deployments under way: the cloud is closing. Idempotent. */
  @Override
  public void close() {
    deployments.close();
  }
}
