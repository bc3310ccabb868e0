package dev.paaskit.core.internal.container;

import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container as a plain process of the server, beside it and as its user: {@code
 * /bin/sh -c command} in the spec's {@code workDir}, with exactly the spec's environment and
 * standard input from {@code /dev/null}. It isolates nothing: mounts are not needed (the process
 * sees the whole host) and limits are not enforced. It is what staging and cartridge scripts run
 * on where no backend was configured, as they ran before backends existed; paas-node's process
 * backend, which watches memory and finds process trees better, serves instances.
 *
 * <p>A stop sends SIGTERM to the main process and to every descendant found by parent links,
 * then SIGKILL to those still alive once the grace has run out, or once the main process ended.
 * Output lines (cut at {@value #MAX_LINE_CHARS} characters) are read on two tasks of the executor
 * per container and a third waits for the end; the listener hears its lines one at a time, then
 * its exit once both streams ended, or after {@link #DRAIN} when a process that escaped the tree
 * still holds them (later lines are dropped). A process that left the tree before the stop (its
 * parent ended) is not found. Thread-safe.
 */
public final class HostProcessBackend implements ContainerBackend {
  /** Output lines are cut to this many characters. */
  static final int MAX_LINE_CHARS = 1024 * 1024;
  /** How long the exit waits for the output streams to end after the main process ended. */
  static final Duration DRAIN = Duration.ofSeconds(5);
  /** The grace {@link #close()} gives each running container. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(HostProcessBackend.class);

  private final Executor executor;
  private final Map<String, Container> containers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private HostProcessBackend(Executor executor) {
    this.executor = executor;
  }

  /**
   * A backend whose readers and waiters run on {@code executor}.
   *
   * @param executor runs three blocking tasks per running container, and short ones for stops;
   *     must not cap its threads below that
   * @return a new backend holding no containers
   */
  public static HostProcessBackend create(Executor executor) {
    return new HostProcessBackend(java.util.Objects.requireNonNull(executor, "executor"));
  }

  /**
   * A backend that starts a daemon thread for each of its tasks, for a few short commands run
   * outside a cloud.
   *
   * @return a new backend holding no containers
   */
  public static HostProcessBackend create() {
    return new HostProcessBackend(task -> {
      Thread thread = new Thread(task, "paaskit-host-process");
      thread.setDaemon(true);
      thread.start();
    });
  }

  @Override
  public String name() {
    return "host";
  }

  @Override
  public void create(ContainerSpec spec) {
    if (closed) {
      throw new IllegalStateException("the backend is closed: cannot create " + spec.id());
    }
    if (containers.putIfAbsent(spec.id(), new Container(spec)) != null) {
      throw new IllegalStateException("a container " + spec.id() + " exists already");
    }
  }

  @Override
  public void start(String id) throws IOException {
    Container c = get(id);
    Process process;
    synchronized (c) {
      if (c.state != ContainerState.CREATED) {
        throw new IllegalStateException("container " + id + " was started or stopped before");
      }
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", c.spec.command())
          .directory(c.spec.workDir().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(c.spec.env());
      process = builder.start();
      c.process = process;
      c.state = ContainerState.RUNNING;
    }
    CountDownLatch drained = new CountDownLatch(2);
    executor.execute(() -> read(c, ContainerListener.Stream.STDOUT, process.getInputStream(),
        drained));
    executor.execute(() -> read(c, ContainerListener.Stream.STDERR, process.getErrorStream(),
        drained));
    process.onExit().thenRunAsync(() -> finish(c, drained), executor);
  }

  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Container c = containers.get(id);
    if (c == null) {
      return CompletableFuture.failedFuture(new NotFoundException("container", id));
    }
    boolean neverStarted = false;
    synchronized (c) {
      if (c.state == ContainerState.CREATED) {
        c.state = ContainerState.EXITED;
        c.exit = ExitStatus.signalled(15, true);
        neverStarted = true;
      } else if (c.state == ContainerState.RUNNING && !c.stopRequested
          && c.process.isAlive()) {
        c.stopRequested = true;
        // The main process first: a shell waiting for children that die before it hears its
        // own SIGTERM would exit 0 instead.
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(c.process.toHandle());
        c.process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        Process process = c.process;
        executor.execute(() -> killAfter(process, tree, grace));
      }
    }
    if (neverStarted) {
      hearExit(c, c.exit);
    }
    return c.exited.copy();
  }

  /** Kills what is left of {@code tree} once {@code process} ended or {@code grace} ran out. */
  private static void killAfter(Process process, Set<ProcessHandle> tree, Duration grace) {
    boolean ended;
    try {
      ended = process.waitFor(saturatedNanos(grace), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    List<ProcessHandle> all = new ArrayList<>(tree);
    if (!ended) {
      process.descendants().forEach(all::add);
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    Container c = containers.get(id);
    if (c == null) {
      return Optional.empty();
    }
    synchronized (c) {
      return Optional.of(new ContainerInfo(id, c.state,
          c.process == null ? OptionalLong.empty() : OptionalLong.of(c.process.pid()),
          Optional.ofNullable(c.exit)));
    }
  }

  @Override
  public List<String> list() {
    return List.copyOf(containers.keySet());
  }

  @Override
  public void remove(String id) {
    Container c = get(id);
    synchronized (c) {
      if (c.state == ContainerState.RUNNING) {
        throw new IllegalStateException("container " + id + " is still running");
      }
    }
    containers.remove(id, c);
  }

  /** Stops every running container with a grace of {@link #CLOSE_GRACE}, then forgets all. */
  @Override
  public void close() {
    closed = true;
    List<CompletableFuture<ExitStatus>> stopping = new ArrayList<>();
    for (String id : List.copyOf(containers.keySet())) {
      Container c = containers.get(id);
      if (c != null && c.state != ContainerState.CREATED) {
        stopping.add(stop(id, CLOSE_GRACE));
      }
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(CLOSE_GRACE.plus(DRAIN).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.warn("host processes did not all end on close: {}", e.toString());
    }
    containers.clear();
  }

  private Container get(String id) {
    Container c = containers.get(id);
    if (c == null) {
      throw new NotFoundException("container", id);
    }
    return c;
  }

  private void read(Container c, ContainerListener.Stream stream, InputStream in,
      CountDownLatch drained) {
    try (Reader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      boolean cut = false;
      int ch;
      while ((ch = reader.read()) >= 0) {
        if (ch == '\n') {
          hear(c, stream, line);
          line.setLength(0);
          cut = false;
        } else if (line.length() < MAX_LINE_CHARS) {
          line.append((char) ch);
        } else if (!cut) {
          cut = true;
        }
      }
      if (line.length() > 0) {
        hear(c, stream, line);
      }
    } catch (IOException e) {
      // The stream closed under the reader, as when the process was killed: nothing more.
    } finally {
      drained.countDown();
    }
  }

  private static void hear(Container c, ContainerListener.Stream stream, StringBuilder line) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    String text = line.substring(0, end);
    synchronized (c.listenerLock) {
      if (c.heardExit) {
        return;
      }
      try {
        c.spec.listener().onOutput(stream, text);
      } catch (RuntimeException e) {
        log.warn("the listener of container {} failed on a line: {}", c.spec.id(), e.toString());
      }
    }
  }

  private void finish(Container c, CountDownLatch drained) {
    try {
      if (!drained.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("container {}: output still open {} after its process ended; the rest is "
            + "dropped", c.spec.id(), DRAIN);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ExitStatus exit;
    synchronized (c) {
      int code = c.process.exitValue();
      int signal = code > 128 && code <= 192 ? code - 128 : 0;
      exit = new ExitStatus(code, signal, false, c.stopRequested);
      c.exit = exit;
      c.state = ContainerState.EXITED;
    }
    hearExit(c, exit);
  }

  private static void hearExit(Container c, ExitStatus exit) {
    synchronized (c.listenerLock) {
      c.heardExit = true;
      try {
        c.spec.listener().onExit(exit);
      } catch (RuntimeException e) {
        log.warn("the listener of container {} failed on its exit: {}", c.spec.id(),
            e.toString());
      }
    }
    c.exited.complete(exit);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return Math.max(0, d.toNanos());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "HostProcessBackend" + list();
  }

  /** One container; its state under its own lock, its listener's calls under another. */
  private static final class Container {
    final ContainerSpec spec;
    final Object listenerLock = new Object();
    final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    // Guarded by this.
    ContainerState state = ContainerState.CREATED;
    Process process;
    boolean stopRequested;
    ExitStatus exit;
    // Guarded by listenerLock.
    boolean heardExit;

    Container(ContainerSpec spec) {
      this.spec = spec;
    }
  }
}
