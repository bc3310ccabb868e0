package dev.paaskit.testing;

import com.sun.net.httpserver.HttpServer;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container backend whose containers live in memory: nothing is executed. A started container
 * is "running" until it is stopped or a test crashes it; with {@link #serveHttp()} each one also
 * answers HTTP on 127.0.0.1:$PORT with {@code instance <index>}, so the real router and port
 * health checks can be exercised. A container whose command is {@code crash N} exits with code N
 * as soon as it starts. Every container keeps its spec for assertions.
 *
 * <p>A container's listener hears a line when it starts (and another, on STDERR, for
 * {@code crash N}), and its exit on the thread that ended it: the one calling {@link #start},
 * {@link #stop}, {@link #crash}, {@link #killForMemory}, {@link #killForDisk} or {@link #close}.
 * A stop ends a container at once, whatever the grace, as SIGTERM would (exit 143, requested);
 * {@code close} ends every container as SIGKILL would (exit 137, requested) and forgets them
 * all. An unknown id is refused with an {@link IllegalStateException} naming it ({@code stop}
 * returns a future failed with one; {@code inspect} and {@code stats} are empty). A running
 * container reports the stats a test gave it with {@link #reportStats}, and none until then.
 * Thread-safe.
 *
 * <pre>{@code
 * FakeBackend backend = FakeBackend.create();
 * ... push an app ...
 * backend.crash(backend.running().get(0), 3);
 * }</pre>
 */
public final class FakeBackend implements ContainerBackend {
  private final boolean serveHttp;
  private final Map<String, Container> containers = new ConcurrentHashMap<>();

  private static final class Container {
    final ContainerSpec spec;
    volatile ContainerState state = ContainerState.CREATED;
    volatile ExitStatus exit;
    volatile ContainerStats stats;
    final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    HttpServer server;

    Container(ContainerSpec spec) {
      this.spec = spec;
    }
  }

  private FakeBackend(boolean serveHttp) {
    this.serveHttp = serveHttp;
  }

  /**
   * A backend whose containers only report states.
   *
   * @return a new backend holding no containers
   */
  public static FakeBackend create() {
    return new FakeBackend(false);
  }

  /**
   * A backend whose containers also answer HTTP on their {@code PORT}, on 127.0.0.1: each start
   * binds a server there, and the container's end stops it. A start then fails with an
   * {@link IOException} when the port cannot be bound.
   *
   * @return a new backend holding no containers
   */
  public static FakeBackend serveHttp() {
    return new FakeBackend(true);
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public void create(ContainerSpec spec) {
    if (containers.putIfAbsent(spec.id(), new Container(spec)) != null) {
      throw new IllegalStateException("container " + spec.id() + " exists");
    }
  }

  @Override
  public void start(String id) throws IOException {
    Container c = get(id);
    synchronized (c) {
      if (c.state != ContainerState.CREATED) {
        throw new IllegalStateException("container " + id + " is " + c.state);
      }
      if (serveHttp) {
        int port = Integer.parseInt(c.spec.env().get("PORT"));
        String body = "instance " + c.spec.env().getOrDefault("CF_INSTANCE_INDEX", "?") + "\n";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
        server.start();
        c.server = server;
      }
      c.state = ContainerState.RUNNING;
      // Under the lock, so a concurrent crash or stop cannot report the exit before this line.
      c.spec.listener().onOutput(ContainerListener.Stream.STDOUT, "fake container " + id + " started");
    }
    java.util.regex.Matcher crash = CRASH.matcher(c.spec.command());
    if (crash.matches()) {
      c.spec.listener().onOutput(ContainerListener.Stream.STDERR, "crashing with exit code " + crash.group(1));
      end(c, ExitStatus.exited(Integer.parseInt(crash.group(1))));
    }
  }

  /** A command {@code crash N} exits with code N as soon as it starts: an app that cannot start. */
  private static final java.util.regex.Pattern CRASH = java.util.regex.Pattern.compile("crash (\\d{1,3})");

  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Container c = containers.get(id);
    if (c == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no container " + id));
    }
    end(c, ExitStatus.signalled(15, true));
    return c.exited;
  }

  /**
   * Ends a container as if its process exited with {@code exitCode}; one not started yet ends
   * too. Does nothing to a container that has ended.
   *
   * @param id the container's id: a node names each container by its instance's id
   * @param exitCode the exit code to report, not requested
   * @throws IllegalStateException naming {@code id} when there is no such container
   */
  public void crash(String id, int exitCode) {
    end(get(id), ExitStatus.exited(exitCode));
  }

  /**
   * Ends a container as if the memory limit killed it: exit code 137, signal 9, memory limit
   * exceeded, not requested. Does nothing to a container that has ended.
   *
   * @param id the container's id
   * @throws IllegalStateException naming {@code id} when there is no such container
   */
  public void killForMemory(String id) {
    end(get(id), new ExitStatus(137, 9, true, false));
  }

  /**
   * Ends a container as if the disk quota killed it: exit code 137, signal 9, disk limit
   * exceeded, not requested. Does nothing to a container that has ended.
   *
   * @param id the container's id
   * @throws IllegalStateException naming {@code id} when there is no such container
   */
  public void killForDisk(String id) {
    end(get(id), new ExitStatus(137, 9, false, false, true));
  }

  /**
   * Sets what {@link #stats} reports for a container while it runs, from now on; by default it
   * reports nothing, as a backend that counts nothing.
   *
   * <pre>{@code
   * backend.reportStats(id, new ContainerStats(2_000_000_000L, 29L << 20, 12L << 20));
   * }</pre>
   *
   * @param id the container's id, created and not removed
   * @param stats the readings to report, CPU time since the container started included
   * @throws IllegalStateException naming {@code id} when there is no such container
   */
  public void reportStats(String id, ContainerStats stats) {
    get(id).stats = java.util.Objects.requireNonNull(stats, "stats");
  }

  /**
   * What {@link #reportStats} set for the container.
   *
   * @return empty for an unknown or removed container, one that is not running, and one given
   *     no stats
   */
  @Override
  public Optional<ContainerStats> stats(String id) {
    Container c = containers.get(id);
    return c == null || c.state != ContainerState.RUNNING ? Optional.empty()
        : Optional.ofNullable(c.stats);
  }

  private void end(Container c, ExitStatus status) {
    synchronized (c) {
      if (c.state == ContainerState.EXITED) {
        return;
      }
      c.state = ContainerState.EXITED;
      c.exit = status;
      if (c.server != null) {
        c.server.stop(0);
      }
    }
    c.spec.listener().onExit(status);
    c.exited.complete(status);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    Container c = containers.get(id);
    return c == null ? Optional.empty() : Optional.of(
        new ContainerInfo(id, c.state, OptionalLong.empty(), Optional.ofNullable(c.exit)));
  }

  @Override
  public List<String> list() {
    return new ArrayList<>(containers.keySet());
  }

  /**
   * The containers now running.
   *
   * @return their ids, in no particular order; a new list
   */
  public List<String> running() {
    List<String> out = new ArrayList<>();
    containers.forEach((id, c) -> {
      if (c.state == ContainerState.RUNNING) {
        out.add(id);
      }
    });
    return out;
  }

  /**
   * The spec a container was created with: its command, env and limits.
   *
   * @param id the container's id, until it is removed
   * @return the spec as given to {@link #create}
   * @throws IllegalStateException naming {@code id} when there is no such container
   */
  public ContainerSpec spec(String id) {
    return get(id).spec;
  }

  @Override
  public void remove(String id) {
    Container c = get(id);
    if (c.state != ContainerState.EXITED && c.state != ContainerState.CREATED) {
      throw new IllegalStateException("container " + id + " is still " + c.state);
    }
    containers.remove(id, c);
  }

  @Override
  public void close() {
    containers.values().forEach(c -> end(c, ExitStatus.signalled(9, true)));
    containers.clear();
  }

  private Container get(String id) {
    Container c = containers.get(id);
    if (c == null) {
      throw new IllegalStateException("no container " + id);
    }
    return c;
  }
}
