package dev.paaskit.samples.embedding;

import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A custom container backend: each PaaSKit instance on this node is a VM in the host's
 * {@link Fleet}. This is all a host writes to put PaaSKit's scheduling, health management and
 * routing on top of infrastructure it already has.
 */
public final class FleetBackend implements ContainerBackend {
  private final Fleet fleet;
  private final String node;
  private final Map<String, Entry> containers = new ConcurrentHashMap<>();

  private static final class Entry {
    final ContainerSpec spec;
    ContainerState state = ContainerState.CREATED;
    ExitStatus exit;
    final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();

    Entry(ContainerSpec spec) {
      this.spec = spec;
    }
  }

  public FleetBackend(Fleet fleet, String node) {
    this.fleet = fleet;
    this.node = node;
  }

  public Fleet fleet() {
    return fleet;
  }

  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public void create(ContainerSpec spec) {
    if (containers.putIfAbsent(spec.id(), new Entry(spec)) != null) {
      throw new IllegalStateException("container " + spec.id() + " exists");
    }
  }

  @Override
  public void start(String id) {
    Entry e = get(id);
    synchronized (e) {
      if (e.state != ContainerState.CREATED) {
        throw new IllegalStateException("container " + id + " is " + e.state);
      }
      String app = e.spec.env().getOrDefault("PAASKIT_APP_NAME", "?");
      fleet.boot(id, node, app, e.spec.limits().memoryBytes());
      e.state = ContainerState.RUNNING;
      e.spec.listener().onOutput(ContainerListener.Stream.STDOUT, "vm " + id + " booted on " + node);
    }
  }

  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    Entry e = containers.get(id);
    if (e == null) {
      return CompletableFuture.failedFuture(new NotFoundException("container", id));
    }
    end(e, ExitStatus.signalled(15, true));
    return e.exited;
  }

  /** The host's VM died under PaaSKit: the instance crashes and PaaSKit replaces it. */
  public void vmDied(String id) {
    end(get(id), ExitStatus.exited(1));
  }

  private void end(Entry e, ExitStatus status) {
    synchronized (e) {
      if (e.state == ContainerState.EXITED) {
        return;
      }
      fleet.shutdown(e.spec.id());
      e.state = ContainerState.EXITED;
      e.exit = status;
    }
    e.spec.listener().onExit(status);
    e.exited.complete(status);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    Entry e = containers.get(id);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      return Optional.of(new ContainerInfo(id, e.state, OptionalLong.empty(), Optional.ofNullable(e.exit)));
    }
  }

  @Override
  public List<String> list() {
    return new ArrayList<>(containers.keySet());
  }

  @Override
  public void remove(String id) {
    Entry e = containers.get(id);
    if (e != null && e.state == ContainerState.RUNNING) {
      throw new IllegalStateException("container " + id + " is still running");
    }
    containers.remove(id);
  }

  @Override
  public void close() {
    containers.values().forEach(e -> end(e, ExitStatus.signalled(9, true)));
    containers.clear();
  }

  private Entry get(String id) {
    Entry e = containers.get(id);
    if (e == null) {
      throw new NotFoundException("container", id);
    }
    return e;
  }
}
