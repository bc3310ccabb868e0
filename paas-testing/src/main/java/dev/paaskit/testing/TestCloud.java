package dev.paaskit.testing;

import dev.paaskit.api.App;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Controller;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.PlacementStrategy;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.bus.BusInterceptor;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.health.HealthOptions;
import dev.paaskit.core.health.RestartPolicy;
import dev.paaskit.core.internal.util.Trees;
import dev.paaskit.core.store.InMemoryStateStore;
import dev.paaskit.node.HealthProber;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import dev.paaskit.router.RouterRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A whole cloud in one JVM for tests of deployment logic: an in-process bus, in-memory stores,
 * fake nodes, and a {@link VirtualClock} that drives every timer. Nothing sleeps: a wait lets the
 * cloud finish what it is doing, and when nothing is left to do moves virtual time to the next
 * timer (a heartbeat, a timeout, a back-off), until the condition holds or a virtual-time limit
 * passes. A crash-looping app reaching FAILED after minutes of back-off takes milliseconds.
 *
 * <pre>{@code
 * try (TestCloud cloud = TestCloud.builder().nodes(3).build()) {
 *   cloud.push(AppSpec.builder("web").instances(3).build());
 *   cloud.awaitRunning("web", 3);
 *   cloud.crash("web", 0, 137);
 *   cloud.awaitRunning("web", 3);
 * }
 * }</pre>
 *
 * <p>Use it from one test thread at a time. With {@link PaasTest}, the extension builds and closes
 * it for you.
 *
 * <p>{@link #close()} stops the cloud and releases what the test cloud made: its executor's
 * threads, its bus and stores, the nodes' container backends and its temporary folder. A build
 * that fails at any point (a role that does not start, nodes that never join) releases them the
 * same way before it throws, so nothing of a failed cloud outlives the test.
 */
public final class TestCloud implements AutoCloseable {
  private final PaasCloud cloud;
  private final VirtualClock clock;
  private final TestExecutor executor;
  private final Path tmp;
  private final Map<String, ContainerBackend> backends;
  private final Map<String, PartitionableBus> nodeBuses;
  private final Map<String, FaultyBlobStore> nodeBlobs;
  private final Set<String> unhealthyApps = ConcurrentHashMap.newKeySet();
  private final List<BusFault> busFaults = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Duration maxVirtualWait;
  private final Duration realTimeout;
  private final boolean encodeMessages;
  private final AtomicInteger folders = new AtomicInteger();
  /** What this test cloud made, in the order made; closed last made first. */
  private final List<AutoCloseable> made;

  private record BusFault(String subjectPrefix, Duration delay) {}

  /**
   * Makes the parts and starts the cloud, adding each part to {@code made} as soon as it exists,
   * so that the caller can close them if this throws.
   */
  private TestCloud(Builder b, List<AutoCloseable> made) {
    this.made = made;
    this.clock = b.clock;
    this.maxVirtualWait = b.maxVirtualWait;
    this.realTimeout = b.realTimeout;
    this.encodeMessages = b.encodeMessages;
    try {
      this.tmp = b.tempRoot == null ? Files.createTempDirectory("paaskit-test-")
          : Files.createTempDirectory(b.tempRoot, "paaskit-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    made.add(() -> Trees.deleteQuietly(tmp));
    this.executor = new TestExecutor(b.name);
    made.add(executor);
    InProcessBus bus = InProcessBus.builder().executor(executor).clock(clock)
        .addInterceptor(this::applyBusFaults).build();
    made.add(bus);
    StateStore store = new InMemoryStateStore();
    made.add(store);
    BlobStore blobs = new InMemoryBlobStore();
    PaasKit.Builder kit = PaasKit.builder().name(b.name).clock(clock).executor(executor).bus(bus)
        .stateStore(store).blobStore(blobs).cartridges(b.cartridges).workDir(tmp.resolve("cloud"))
        .healthOptions(HealthOptions.DEFAULTS.withHeartbeat(b.heartbeat, b.missedHeartbeats)
            .withRestartPolicy(b.restartPolicy).withSweepInterval(b.sweep)
            .withProbeAfterMissed(b.probeAfterMissed));
    if (b.placement != null) {
      kit.placement(b.placement);
    }
    if (b.router) {
      kit.addRole(RouterRole.builder());
    }
    Map<String, ContainerBackend> be = new LinkedHashMap<>();
    Map<String, PartitionableBus> buses = new LinkedHashMap<>();
    Map<String, FaultyBlobStore> nodeBlobStores = new LinkedHashMap<>();
    PortAllocator ports = PortAllocator.create();
    for (int i = 1; i <= b.nodes; i++) {
      String id = "n" + i;
      ContainerBackend backend = b.backends.apply(id);
      // A node closes its backend when it stops; this closes those of nodes that never ran.
      made.add(backend);
      be.put(id, backend);
      PartitionableBus nodeBus = new PartitionableBus(bus);
      buses.put(id, nodeBus);
      FaultyBlobStore nodeBlobs = new FaultyBlobStore(blobs, clock);
      nodeBlobStores.put(id, nodeBlobs);
      NodeAgent.Builder node = NodeAgent.builder().id(id)
          .capacity(NodeCapacity.of(b.nodeMemory, b.nodeDisk)).backend(backend).ports(ports)
          .workDir(tmp.resolve("nodes").resolve(id)).heartbeatInterval(b.heartbeat)
          .stopGrace(Duration.ofSeconds(10)).drainPeriod(b.drainPeriod).healthProber(this::probe);
      if (!b.zones.isEmpty()) {
        node.zone(b.zones.get((i - 1) % b.zones.size()));
      }
      if (!b.nodeStack.isEmpty()) {
        node.stack(b.nodeStack);
      }
      if (b.nodeCpuShares > 0) {
        node.cpuShares(b.nodeCpuShares);
      }
      Set<String> tags = b.nodeTags.get(id);
      if (tags != null) {
        node.tags(tags);
      }
      kit.addRole(ctx -> node.create(new RoleContext(ctx, nodeBus, nodeBlobs)));
    }
    this.backends = Map.copyOf(be);
    this.nodeBuses = Map.copyOf(buses);
    this.nodeBlobs = Map.copyOf(nodeBlobStores);
    this.cloud = kit.build();
    made.add(cloud);
    cloud.start();
  }

  /**
   * Builds and starts a cloud, and returns once its nodes joined; closes what it made if not.
   */
  private static TestCloud start(Builder b) {
    List<AutoCloseable> made = new ArrayList<>();
    try {
      TestCloud cloud = new TestCloud(b, made);
      cloud.until(() -> cloud.controller().nodes().size() == b.nodes,
          () -> b.nodes + " nodes to join, have " + cloud.controller().nodes());
      return cloud;
    } catch (RuntimeException | Error e) {
      closeAll(made, e);
      throw e;
    }
  }

  /**
   * A builder with every default; see {@link Builder}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }


  // ---- the cloud

  /**
   * The cloud's controller, in process: push, scale, look at instances, events and logs.
   *
   * @return the controller; its futures complete only as the cloud runs, so wait for them with
   *     {@link #await} rather than {@code join()}
   */
  public Controller controller() {
    return cloud.controller();
  }

  /**
   * The cloud itself, for its roles and event listeners.
   *
   * @return the running cloud; {@link #close()} stops it, not the test
   */
  public PaasCloud cloud() {
    return cloud;
  }

  /**
   * The clock behind every timer of the cloud. Prefer {@link #advance} to moving it directly:
   * that lets the cloud act at each timer on the way.
   *
   * @return the virtual clock the builder was given or made
   */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * The ids of the cloud's nodes.
   *
   * @return {@code n1} to {@code nN}, sorted as text (so {@code n10} comes before {@code n2})
   */
  public List<String> nodeIds() {
    return List.copyOf(new TreeMap<>(backends).keySet());
  }

  /**
   * The container backend of a node, whatever it is.
   *
   * @param nodeId a node id, such as {@code n1}
   * @return the backend the builder's {@link Builder#backends} made for it
   * @throws NullPointerException naming the node when there is no such node
   */
  public ContainerBackend containerBackend(String nodeId) {
    return Objects.requireNonNull(backends.get(nodeId), () -> "no node " + nodeId);
  }

  /**
   * The fake backend of a node, to look at what it runs.
   *
   * @param nodeId a node id, such as {@code n1}
   * @return the node's {@link FakeBackend}
   * @throws IllegalStateException if the node runs another backend
   * @throws NullPointerException naming the node when there is no such node
   */
  public FakeBackend backend(String nodeId) {
    ContainerBackend b = Objects.requireNonNull(backends.get(nodeId), () -> "no node " + nodeId);
    if (b instanceof FakeBackend fake) {
      return fake;
    }
    throw new IllegalStateException("node " + nodeId + " runs " + b.name() + ", not the fake backend");
  }

  /**
   * The router's port, for a cloud built with {@code router(true)}.
   *
   * @return the port the router listens on, on 127.0.0.1
   * @throws IllegalStateException if the cloud was built without a router
   */
  public int routerPort() {
    return cloud.role(RouterRole.class).map(RouterRole::port)
        .orElseThrow(() -> new IllegalStateException("built without a router"));
  }

  // ---- acting

  /**
   * Pushes {@code spec} with a folder the {@link StubCartridge} stages in microseconds, and
   * returns once the app is stored and started (not once its instances run).
   *
   * @param spec the app to push; its command, if any, replaces the stub's {@code serve <name>}
   * @return the app as stored, STARTED
   * @throws RuntimeException the push's own failure, such as a
   *     {@link dev.paaskit.api.StagingException} or {@link dev.paaskit.api.ConflictException}
   * @throws AssertionError if the push does not complete within the wait limits
   */
  public App push(AppSpec spec) {
    return await(deploy(spec).staged(), "the push of " + spec.name());
  }

  /**
   * Pushes {@code spec} as {@link #push} does, but returns its {@link Deployment} at once,
   * before the cloud has acted on it: wait for it with
   * {@code await(deployment.running(), "...")}, or move time with {@link #advance} and look at
   * its futures between steps.
   *
   * @param spec the app to push
   * @return the push's handle; nothing of it has run yet
   * @throws UncheckedIOException if the app's folder cannot be written
   */
  public Deployment deploy(AppSpec spec) {
    try {
      Path folder = StubCartridge.appFolder(tmp.resolve("apps").resolve(
          String.valueOf(folders.incrementAndGet())), spec.name());
      return controller().push(spec, folder, line -> { });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lets the cloud run, moving virtual time as {@link #until} does, until {@code future}
   * completes; returns its value or throws its failure.
   *
   * @param <T> the future's value
   * @param future a future the cloud completes, such as a deployment's
   * @param what the future in words, for the message of a wait that gives up
   * @return the future's value
   * @throws RuntimeException the future's failure, unwrapped from {@link CompletionException};
   *     a checked failure comes wrapped in a {@code CompletionException}
   * @throws AssertionError if the future does not complete within the wait limits
   */
  public <T> T await(CompletableFuture<T> future, String what) {
    until(future::isDone, () -> what + " to complete");
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new CompletionException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /**
   * Lets the cloud finish what it is doing now, without moving virtual time: returns once no
   * task runs or waits on the cloud's executor, threads blocked on the clock aside.
   *
   * @throws AssertionError if the cloud is still busy after the real-time limit
   */
  public void settle() {
    try {
      if (!executor.awaitQuiet(clock::blockedThreads, realTimeout)) {
        throw new AssertionError("the cloud was still busy after " + realTimeout.toSeconds()
            + " s of real time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Moves virtual time forward by {@code amount}, letting the cloud act at every timer on the
   * way: it settles before the first timer, after each, and at the end.
   *
   * @param amount how far to move, 0 or more
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws AssertionError if the cloud stays busy past the real-time limit at one of the steps
   */
  public void advance(Duration amount) {
    long target = clock.nanoTime() + amount.toNanos();
    settle();
    while (true) {
      var next = clock.nextTimer();
      if (next.isEmpty() || clock.nanoTime() + next.get().toNanos() > target) {
        clock.advance(Duration.ofNanos(target - clock.nanoTime()));
        settle();
        return;
      }
      clock.advance(next.get());
      settle();
    }
  }

  /**
   * Returns once {@code condition} holds, moving virtual time from timer to timer whenever the
   * cloud has nothing left to do. The condition is checked each time the cloud has settled.
   *
   * @param condition what to wait for; called on the test thread, it must not block
   * @param seen what was expected and what is there, for the failure message; called once, on
   *     failure
   * @throws AssertionError with {@code seen} once the virtual-time limit (or, as a safety net, the
   *     real-time limit) passes, or at once when the cloud is idle with no timer pending
   */
  public void until(BooleanSupplier condition, Supplier<String> seen) {
    long virtualLimit = clock.nanoTime() + maxVirtualWait.toNanos();
    long realDeadline = System.nanoTime() + realTimeout.toNanos();
    Duration started = clock.elapsed();
    while (true) {
      settle();
      if (condition.getAsBoolean()) {
        return;
      }
      var next = clock.nextTimer();
      boolean timeLeft = next.isPresent() && clock.nanoTime() + next.get().toNanos() <= virtualLimit;
      if (!timeLeft || System.nanoTime() - realDeadline > 0) {
        throw new AssertionError("expected " + seen.get() + " (gave up after "
            + clock.elapsed().minus(started).toMillis() + " ms of virtual time)");
      }
      clock.advance(next.get());
    }
  }

  // ---- assertions

  /**
   * The app's instances in {@code state}, as the controller knows them now.
   *
   * @param app the app's name
   * @param state the state to select
   * @return those instances, sorted by index; a new, mutable list
   * @throws dev.paaskit.api.NotFoundException if there is no such app
   */
  public List<InstanceStatus> instances(String app, InstanceState state) {
    return controller().instances(app).stream().filter(i -> i.state() == state).collect(Collectors.toList());
  }

  /**
   * Waits until exactly {@code count} instances of {@code app} are RUNNING and none is starting;
   * fails naming what was found: {@code expected 3 RUNNING instances of web, found 2 RUNNING and
   * 1 CRASHED (exit 137, memory limit) on node n2}.
   *
   * @param app the app's name; an app that does not exist yet fails the wait with
   *     {@link dev.paaskit.api.NotFoundException}
   * @param count how many RUNNING instances to wait for, 0 or more
   * @throws AssertionError naming what was found, once the wait limits pass
   */
  public void awaitRunning(String app, int count) {
    until(() -> {
      List<InstanceStatus> all = controller().instances(app);
      return all.stream().filter(i -> i.state() == InstanceState.RUNNING).count() == count
          && all.stream().noneMatch(i -> i.state() == InstanceState.STARTING);
    }, () -> count + " RUNNING instances of " + app + ", found " + describe(app));
  }

  /**
   * What the app's instances are doing now, as a sentence, for failure messages.
   *
   * @param app the app's name
   * @return {@code no instances}, or counts by state such as {@code 2 RUNNING and 1 CRASHED
   *     (exit 137, memory limit) on node n2}, crashed and failed ones with their reason
   * @throws dev.paaskit.api.NotFoundException if there is no such app
   */
  public String describe(String app) {
    List<InstanceStatus> all = controller().instances(app);
    if (all.isEmpty()) {
      return "no instances";
    }
    Map<InstanceState, List<InstanceStatus>> byState = new TreeMap<>();
    for (InstanceStatus i : all) {
      byState.computeIfAbsent(i.state(), s -> new ArrayList<>()).add(i);
    }
    List<String> parts = new ArrayList<>();
    byState.forEach((state, list) -> {
      StringBuilder b = new StringBuilder().append(list.size()).append(' ').append(state);
      if (state == InstanceState.CRASHED || state == InstanceState.FAILED) {
        for (InstanceStatus i : list) {
          CrashInfo c = i.crash().orElse(null);
          b.append(" (");
          if (c == null) {
            b.append("no details");
          } else {
            b.append(c.exitCode() >= 0 ? "exit " + c.exitCode() : c.reason());
            if (c.memoryLimitExceeded()) {
              b.append(", memory limit");
            }
            if (c.diskLimitExceeded()) {
              b.append(", disk quota");
            }
          }
          b.append(") on node ").append(i.nodeId());
        }
      }
      parts.add(b.toString());
    });
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }

  // ---- faults

  private InstanceStatus running(String app, int index) {
    return controller().instances(app).stream()
        .filter(i -> i.index() == index && i.state() == InstanceState.RUNNING).findFirst()
        .orElseThrow(() -> new IllegalStateException("no RUNNING instance " + index + " of " + app
            + ": " + describe(app)));
  }

  /**
   * Ends instance {@code index} of {@code app} as if its process exited with {@code exitCode};
   * the cloud hears of it as it runs on.
   *
   * @param app the app's name
   * @param index the index of a RUNNING instance
   * @param exitCode the exit code its node reports, such as 137
   * @throws IllegalStateException if no instance of that index is RUNNING, or its node does not
   *     run the fake backend
   */
  public void crash(String app, int index, int exitCode) {
    InstanceStatus i = running(app, index);
    backend(i.nodeId()).crash(i.instanceId(), exitCode);
  }

  /**
   * Ends instance {@code index} of {@code app} as if it exceeded its memory limit: exit code
   * 137, signal 9.
   *
   * @param app the app's name
   * @param index the index of a RUNNING instance
   * @throws IllegalStateException if no instance of that index is RUNNING, or its node does not
   *     run the fake backend
   */
  public void killForMemory(String app, int index) {
    InstanceStatus i = running(app, index);
    backend(i.nodeId()).killForMemory(i.instanceId());
  }

  /**
   * Ends instance {@code index} of {@code app} as if it wrote more than its disk quota: exit
   * code 137, signal 9.
   *
   * @param app the app's name
   * @param index the index of a RUNNING instance
   * @throws IllegalStateException if no instance of that index is RUNNING, or its node does not
   *     run the fake backend
   */
  public void killForDisk(String app, int index) {
    InstanceStatus i = running(app, index);
    backend(i.nodeId()).killForDisk(i.instanceId());
  }

  /**
   * Stops a node's agent abruptly: it is cut off first, so it says no goodbye, and its
   * instances end with it. The cloud hears nothing more from it; it cannot come back.
   *
   * @param nodeId a node id, such as {@code n2}
   * @throws IllegalStateException if the node's agent fails to stop
   * @throws NullPointerException naming the node when there is no such node
   */
  public void killNode(String nodeId) {
    partition(nodeId);
    try {
      cloud.role("node-" + nodeId).orElseThrow().stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop node " + nodeId, e);
    }
  }

  /**
   * Cuts a node off the bus: it neither hears nor is heard, but keeps running, and so do its
   * instances. Its requests fail at once as timed out. Undo with {@link #heal}.
   *
   * @param nodeId a node id, such as {@code n2}
   * @throws NullPointerException naming the node when there is no such node
   */
  public void partition(String nodeId) {
    bus(nodeId).cut();
  }

  /**
   * Freezes a node: to the rest of the cloud, the same as a partition, and so done the same way.
   *
   * @param nodeId a node id, such as {@code n2}
   * @throws NullPointerException naming the node when there is no such node
   */
  public void freezeNode(String nodeId) {
    partition(nodeId);
  }

  /**
   * Reconnects a partitioned or frozen node; what was published meanwhile stays lost.
   *
   * @param nodeId a node id, such as {@code n2}
   * @throws NullPointerException naming the node when there is no such node
   */
  public void heal(String nodeId) {
    bus(nodeId).heal();
  }

  private PartitionableBus bus(String nodeId) {
    return Objects.requireNonNull(nodeBuses.get(nodeId), () -> "no node " + nodeId);
  }

  /**
   * Makes a node's droplet downloads fail, or work again.
   *
   * @param nodeId a node id, such as {@code n2}
   * @param failing true to fail every download of the node from now on, false to restore them
   * @throws NullPointerException naming the node when there is no such node
   */
  public void failDropletDownloads(String nodeId, boolean failing) {
    blobs(nodeId).fail(failing);
  }

  /**
   * Makes each droplet download on a node take {@code delay} of virtual time: the download's
   * thread blocks until the clock has moved that far.
   *
   * @param nodeId a node id, such as {@code n2}
   * @param delay how long each download takes; zero to restore
   * @throws NullPointerException naming the node when there is no such node
   */
  public void slowDropletDownloads(String nodeId, Duration delay) {
    blobs(nodeId).delay(delay);
  }

  private FaultyBlobStore blobs(String nodeId) {
    return Objects.requireNonNull(nodeBlobs.get(nodeId), () -> "no node " + nodeId);
  }

  /**
   * Makes every port or HTTP health check of {@code app}'s instances fail, or pass again: a
   * starting instance then never becomes healthy, and a running one is ended as CRASHED after
   * the node's liveness checks (every 30 s of virtual time) fail 3 times in a row. An app checked
   * by PROCESS is not affected.
   *
   * @param app the app's name; need not exist yet
   * @param failing true to fail the checks from now on, false to let them pass
   */
  public void failHealthChecks(String app, boolean failing) {
    if (failing) {
      unhealthyApps.add(app);
    } else {
      unhealthyApps.remove(app);
    }
  }

  private boolean probe(HealthProber.Probe probe) {
    return !unhealthyApps.contains(probe.appName());
  }

  /**
   * Drops every bus message whose subject starts with {@code subjectPrefix}, from now on until
   * {@link #restoreMessages()}. The first matching fault, in the order added, decides.
   *
   * @param subjectPrefix the start of the subjects to drop, such as {@code paaskit.node.}
   */
  public void dropMessages(String subjectPrefix) {
    busFaults.add(new BusFault(subjectPrefix, null));
  }

  /**
   * Delays every bus message whose subject starts with {@code subjectPrefix} by virtual time,
   * from now on until {@link #restoreMessages()}: each is delivered once the clock has moved
   * that far. The first matching fault, in the order added, decides.
   *
   * @param subjectPrefix the start of the subjects to delay
   * @param delay how long each message takes
   * @throws NullPointerException if {@code delay} is null
   */
  public void delayMessages(String subjectPrefix, Duration delay) {
    busFaults.add(new BusFault(subjectPrefix, Objects.requireNonNull(delay, "delay")));
  }

  /**
   * Lets every message through again, removing every drop and delay; messages already delayed
   * still arrive when their time comes.
   */
  public void restoreMessages() {
    busFaults.clear();
  }

  private void applyBusFaults(BusInterceptor.Chain chain) {
    Message message = chain.message();
    if (encodeMessages && message.payload(Object.class).isPresent()) {
      // As a peer in another process would get it: bytes, which each receiver decodes.
      message = new Message(message.subject(), message.replyTo(), message.data());
    }
    for (BusFault f : busFaults) {
      if (message.subject().startsWith(f.subjectPrefix())) {
        if (f.delay() != null) {
          Message delayed = message;
          clock.schedule(f.delay(), () -> chain.proceed(delayed));
        }
        return;
      }
    }
    chain.proceed(message);
  }

  /**
   * Stops the cloud, then closes what this test cloud made, last made first: the nodes' backends
   * (their nodes closed those that ran), the store and bus, the executor (interrupting what still
   * runs on it), and deletes the temporary folder. Idempotent.
   *
   * @throws RuntimeException the first failure to close a part, the others suppressed in it,
   *     once every part was tried
   */
  @Override
  public void close() {
    closeAll(made, null);
  }

  /**
   * Closes {@code parts}, last first, and empties the list; adds each failure to {@code failure}
   * when there is one, else throws the first with the rest suppressed.
   */
  private static void closeAll(List<AutoCloseable> parts, Throwable failure) {
    RuntimeException first = null;
    for (int i = parts.size() - 1; i >= 0; i--) {
      AutoCloseable part = parts.remove(i);
      try {
        part.close();
      } catch (Exception e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e instanceof RuntimeException re ? re
              : new IllegalStateException("could not close " + part, e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Options of a test cloud. Defaults: 3 nodes of 4 GiB memory and 20 GiB disk, no zones, no
   * router, the {@link StubCartridge}, heartbeats every second with 3 missed meaning dead, Cloud
   * Foundry's restart policy, waits giving up after 1 hour of virtual time or 30 s of real time,
   * records crossing the bus as JSON. Each setter replaces what was set before; the health
   * options are checked by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private String name = "test-cloud";
    private int nodes = 3;
    private String nodeMemory = "4G";
    private String nodeDisk = "20G";
    private List<String> zones = List.of();
    private String nodeStack = "";
    private long nodeCpuShares;
    private final Map<String, Set<String>> nodeTags = new HashMap<>();
    private boolean router;
    private Duration heartbeat = Duration.ofSeconds(1);
    private int missedHeartbeats = 3;
    private int probeAfterMissed = HealthOptions.DEFAULTS.probeAfterMissed();
    private RestartPolicy restartPolicy = RestartPolicy.CLOUD_FOUNDRY;
    private Duration sweep = Duration.ofSeconds(1);
    private Duration drainPeriod = Duration.ZERO;
    private PlacementStrategy placement;
    private CartridgeSource cartridges = StubCartridge.source();
    private Function<String, ContainerBackend> backends = id -> FakeBackend.create();
    private VirtualClock clock = VirtualClock.create();
    private Duration maxVirtualWait = Duration.ofHours(1);
    private Duration realTimeout = Duration.ofSeconds(30);
    private boolean encodeMessages = true;
    private Path tempRoot;

    private Builder() {}

    /**
     * Names the cloud, for logs and thread names; default {@code test-cloud}.
     *
     * @param name not null
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * How many nodes the cloud has, named {@code n1} to {@code nN}; default 3.
     *
     * @param nodes 0 to 10,000; a cloud of 0 nodes places nothing
     * @return this builder
     * @throws IllegalArgumentException if {@code nodes} is out of range
     */
    public Builder nodes(int nodes) {
      if (nodes < 0 || nodes > 10_000) {
        throw new IllegalArgumentException("nodes must be between 0 and 10,000: " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /**
     * Each node's capacity, checked at once; default {@code 4G} and {@code 20G}. Every node
     * runs at most 256 instances.
     *
     * @param memory a size as {@link dev.paaskit.api.ByteSize#parse} reads it, such as
     *     {@code "4G"}
     * @param disk a size, such as {@code "20G"}
     * @return this builder
     * @throws dev.paaskit.api.InvalidSpecException naming {@code memory} or {@code disk} when it
     *     is no size
     */
    public Builder nodeCapacity(String memory, String disk) {
      NodeCapacity.of(memory, disk);
      this.nodeMemory = memory;
      this.nodeDisk = disk;
      return this;
    }

    /**
     * Zones given to nodes in turn: with {@code "z1", "z2"}, n1 is in z1, n2 in z2, n3 in z1.
     *
     * @param zones zone names; none (the default) for no zones
     * @return this builder
     * @throws NullPointerException if a zone is null
     */
    public Builder zones(String... zones) {
      this.zones = List.of(zones);
      return this;
    }

    /**
     * The stack every node offers; none by default.
     *
     * @param stack such as {@code "cflinuxfs4"}; empty for none
     * @return this builder
     */
    public Builder nodeStack(String stack) {
      this.nodeStack = Objects.requireNonNull(stack, "stack");
      return this;
    }

    /**
     * The CPU shares each node offers.
     *
     * @param shares 1,024 to a core; 0, the default, meters no CPU
     * @return this builder
     * @throws IllegalArgumentException if {@code shares} is negative
     */
    public Builder nodeCpuShares(long shares) {
      if (shares < 0) {
        throw new IllegalArgumentException("shares must not be negative: " + shares);
      }
      this.nodeCpuShares = shares;
      return this;
    }

    /**
     * Placement tags of one node, such as {@code nodeTags("n2", "ssd")}, replacing those set
     * for it before; nodes not named carry none.
     *
     * @param nodeId a node id; one beyond {@link #nodes} is ignored
     * @param tags the node's tags, no two equal
     * @return this builder
     * @throws IllegalArgumentException if a tag is given twice
     * @throws NullPointerException if {@code nodeId} or a tag is null
     */
    public Builder nodeTags(String nodeId, String... tags) {
      this.nodeTags.put(Objects.requireNonNull(nodeId, "nodeId"), Set.of(tags));
      return this;
    }

    /**
     * Whether records the roles send each other cross the bus as JSON, decoded by each receiver
     * as a peer in another process would, rather than as the records themselves (what an
     * in-process cloud does). Default true: a record that does not survive JSON fails here, not
     * first on NATS.
     *
     * @param encode false to pass the records themselves, as an in-process cloud does
     * @return this builder
     */
    public Builder encodeMessages(boolean encode) {
      this.encodeMessages = encode;
      return this;
    }

    /**
     * Runs the real router too, on a free port of 127.0.0.1 ({@link TestCloud#routerPort()});
     * instances then need a backend that answers HTTP, such as {@link FakeBackend#serveHttp()}.
     *
     * @param router true to run it; false by default
     * @return this builder
     */
    public Builder router(boolean router) {
      this.router = router;
      return this;
    }

    /**
     * How often nodes heartbeat, and how many missed beats make a node DEAD; default every
     * second, 3.
     *
     * @param interval positive, checked by {@link #build()}
     * @param missedBeforeDead 1 or more, checked by {@link #build()}
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     */
    public Builder heartbeat(Duration interval, int missedBeforeDead) {
      this.heartbeat = Objects.requireNonNull(interval, "interval");
      this.missedHeartbeats = missedBeforeDead;
      return this;
    }

    /**
     * After how many missed heartbeats the health manager probes a silent node, which is dead at
     * once if nobody listens on its subject; 0 turns probing off. Default 2.
     *
     * @param missed 0 or more, checked by {@link #build()}
     * @return this builder
     */
    public Builder probeAfterMissed(int missed) {
      this.probeAfterMissed = missed;
      return this;
    }

    /**
     * How often the health manager checks node liveness; every tenth sweep also compares all of
     * desired and actual state. Default 1 s.
     *
     * @param interval positive, checked by {@link #build()}
     * @return this builder
     */
    public Builder sweep(Duration interval) {
      this.sweep = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long a stopping instance keeps serving after its route is withdrawn, before its
     * SIGTERM; default zero.
     *
     * @param drain 0 or more, checked by {@link #build()}
     * @return this builder
     */
    public Builder drainPeriod(Duration drain) {
      this.drainPeriod = Objects.requireNonNull(drain, "drain");
      return this;
    }

    /**
     * When a crashed instance is started again, and when its index gives up (FAILED); default
     * {@link RestartPolicy#CLOUD_FOUNDRY}.
     *
     * @param policy not null
     * @return this builder
     */
    public Builder restartPolicy(RestartPolicy policy) {
      this.restartPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The placement strategy of the health manager; default PaaSKit's own.
     *
     * @param placement not null
     * @return this builder
     */
    public Builder placement(PlacementStrategy placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /**
     * The cartridges stagings use; default {@link StubCartridge#source()}. {@link TestCloud#push}
     * writes apps only the stub detects: with other cartridges, name one in the spec or push
     * your own folder through {@link TestCloud#controller()}.
     *
     * @param cartridges not null
     * @return this builder
     */
    public Builder cartridges(CartridgeSource cartridges) {
      this.cartridges = Objects.requireNonNull(cartridges, "cartridges");
      return this;
    }

    /**
     * The container backend of each node; default a {@link FakeBackend} each. Each node closes
     * its backend when it stops; the test cloud closes those of nodes that never ran.
     *
     * @param perNode called once per node, with its id, while the cloud is built; returns a new
     *     backend each time
     * @return this builder
     */
    public Builder backends(Function<String, ContainerBackend> perNode) {
      this.backends = Objects.requireNonNull(perNode, "perNode");
      return this;
    }

    /**
     * The clock of the cloud, for a test that wants to set the start time or hold the clock
     * itself; default a new {@link VirtualClock#create()}.
     *
     * @param clock not null, and not shared with another cloud
     * @return this builder
     */
    public Builder clock(VirtualClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How much virtual time a wait may move through before it fails; default 1 hour.
     *
     * @param limit not null
     * @return this builder
     */
    public Builder maxVirtualWait(Duration limit) {
      this.maxVirtualWait = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * How much real time a wait, or one settling of the cloud, may take before it fails; a
     * safety net, default 30 s.
     *
     * @param timeout not null
     * @return this builder
     */
    public Builder realTimeout(Duration timeout) {
      this.realTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Where the cloud makes its temporary folder; default the system's temporary folder. */
    Builder tempRoot(Path folder) {
      this.tempRoot = Objects.requireNonNull(folder, "folder");
      return this;
    }

    /**
     * Builds and starts the cloud, and returns once every node has joined. When it fails, what it
     * made and started is closed again before it throws.
     *
     * @return the started cloud; close it when the test is done
     * @throws IllegalArgumentException if a health or node option is out of range
     * @throws IllegalStateException if a role failed to start
     * @throws AssertionError if the nodes did not all join within the wait limits
     */
    public TestCloud build() {
      return start(this);
    }
  }
}
