package dev.paaskit.core.internal.container;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Passes every call to another backend; tests override what they want to change. Other
 * modules' tests use it through paas-core's test jar.
 */
public class ForwardingBackend implements ContainerBackend {
  private final ContainerBackend delegate;

  public ForwardingBackend(ContainerBackend delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void create(ContainerSpec spec) throws IOException {
    delegate.create(spec);
  }

  @Override
  public void start(String id) throws IOException {
    delegate.start(id);
  }

  @Override
  public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
    return delegate.stop(id, grace);
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    return delegate.inspect(id);
  }

  @Override
  public Optional<ContainerStats> stats(String id) {
    return delegate.stats(id);
  }

  @Override
  public boolean isolates() {
    return delegate.isolates();
  }

  @Override
  public List<String> list() {
    return delegate.list();
  }

  @Override
  public void remove(String id) throws IOException {
    delegate.remove(id);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
