package dev.paaskit.core.internal.container;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A backend that runs nothing: it records every call and spec, and plays each container's
 * {@link Run}, chosen by the spec, when it starts: the lines it prints, then its exit, or
 * nothing more until it is stopped. Thread-safe.
 */
public final class RecordingBackend implements ContainerBackend {
  /**
   * What a container does once started.
   *
   * @param stdout the lines it prints
   * @param exit its exit code; empty to run until stopped
   */
  public record Run(List<String> stdout, OptionalInt exit) {
    /** Prints {@code lines} and exits with {@code code}. */
    public static Run exits(int code, String... lines) {
      return new Run(List.of(lines), OptionalInt.of(code));
    }

    /** Prints {@code lines} and runs until stopped. */
    public static Run hangs(String... lines) {
      return new Run(List.of(lines), OptionalInt.empty());
    }
  }

  private final Function<ContainerSpec, Run> script;
  private final List<String> calls = new ArrayList<>();
  private final List<ContainerSpec> specs = new ArrayList<>();
  private final Map<String, Container> containers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private static final class Container {
    final ContainerSpec spec;
    ContainerState state = ContainerState.CREATED;
    ExitStatus exit;

    Container(ContainerSpec spec) {
      this.spec = spec;
    }
  }

  /** A backend whose containers do what {@code script} says of their spec. */
  public RecordingBackend(Function<ContainerSpec, Run> script) {
    this.script = script;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public synchronized void create(ContainerSpec spec) throws IOException {
    calls.add("create " + spec.id());
    if (closed) {
      throw new IllegalStateException("closed: cannot create " + spec.id());
    }
    if (containers.putIfAbsent(spec.id(), new Container(spec)) != null) {
      throw new IllegalStateException("duplicate " + spec.id());
    }
    specs.add(spec);
  }

  @Override
  public void start(String id) throws IOException {
    Container c;
    synchronized (this) {
      calls.add("start " + id);
      c = containers.get(id);
      if (c == null || c.state != ContainerState.CREATED) {
        throw new IllegalStateException("cannot start " + id);
      }
      c.state = ContainerState.RUNNING;
    }
    Run run = script.apply(c.spec);
    for (String line : run.stdout()) {
      c.spec.listener().onOutput(ContainerListener.Stream.STDOUT, line);
    }
    if (run.exit().isPresent()) {
      end(c, ExitStatus.exited(run.exit().getAsInt()));
    }
  }

  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Container c;
    synchronized (this) {
      calls.add("stop " + id + " " + grace);
      c = containers.get(id);
    }
    if (c == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no " + id));
    }
    end(c, ExitStatus.signalled(grace.isZero() ? 9 : 15, true));
    synchronized (c) {
      return CompletableFuture.completedFuture(c.exit);
    }
  }

  private static void end(Container c, ExitStatus exit) {
    synchronized (c) {
      if (c.state == ContainerState.EXITED) {
        return;
      }
      c.state = ContainerState.EXITED;
      c.exit = exit;
    }
    c.spec.listener().onExit(exit);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    Container c = containers.get(id);
    if (c == null) {
      return Optional.empty();
    }
    synchronized (c) {
      return Optional.of(new ContainerInfo(id, c.state, OptionalLong.empty(),
          Optional.ofNullable(c.exit)));
    }
  }

  @Override
  public List<String> list() {
    return List.copyOf(containers.keySet());
  }

  @Override
  public synchronized void remove(String id) {
    calls.add("remove " + id);
    Container c = containers.get(id);
    if (c == null) {
      throw new IllegalStateException("no " + id);
    }
    synchronized (c) {
      if (c.state == ContainerState.RUNNING) {
        throw new IllegalStateException(id + " is running");
      }
    }
    containers.remove(id);
  }

  @Override
  public synchronized void close() {
    calls.add("close");
    closed = true;
  }

  /** Every call so far, such as {@code create ID}, {@code stop ID PT0S}, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** The specs of every container created, in order. */
  public synchronized List<ContainerSpec> specs() {
    return List.copyOf(specs);
  }

  /** The calls so far with each id replaced by the index of its spec in {@link #specs()}. */
  public synchronized List<String> callsByIndex() {
    List<String> out = new ArrayList<>();
    for (String call : calls) {
      String[] parts = call.split(" ");
      if (parts.length > 1) {
        for (int i = 0; i < specs.size(); i++) {
          if (specs.get(i).id().equals(parts[1])) {
            parts[1] = "#" + i;
          }
        }
      }
      out.add(String.join(" ", parts));
    }
    return out;
  }
}
