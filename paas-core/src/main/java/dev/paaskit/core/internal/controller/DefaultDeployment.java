package dev.paaskit.core.internal.controller;

import dev.paaskit.api.App;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link Deployment} of the in-process controller: the change's future, and waits that
 * {@link DeploymentWatcher} drives once the change is stored.
 */
final class DefaultDeployment implements Deployment {
  /** A stored change: the app as it left it, and what its deployment follows. */
  record Stored(App app, DeploymentTarget target) {}

  private final String appName;
  private final CompletableFuture<Stored> stored;
  private final CompletableFuture<App> staged;
  private final DeploymentWatcher watcher;

  DefaultDeployment(String appName, CompletableFuture<Stored> stored, DeploymentWatcher watcher) {
    this.appName = Objects.requireNonNull(appName, "appName");
    this.stored = stored;
    this.staged = stored.thenApply(Stored::app);
    this.watcher = watcher;
  }

  /** The deployment of a change already stored. */
  static DefaultDeployment of(Stored stored, DeploymentWatcher watcher) {
    return new DefaultDeployment(stored.app().name(), CompletableFuture.completedFuture(stored),
        watcher);
  }

  @Override
  public String appName() {
    return appName;
  }

  @Override
  public CompletableFuture<App> staged() {
    return staged;
  }

  @Override
  public CompletableFuture<DeploymentStatus> running(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    CompletableFuture<DeploymentStatus> running = new CompletableFuture<>();
    stored.whenComplete((change, error) -> {
      if (error != null) {
        running.completeExceptionally(error instanceof CompletionException
            && error.getCause() != null ? error.getCause() : error);
      } else {
        watcher.watch(change.target(), timeout, running);
      }
    });
    return running;
  }

  @Override
  public Optional<DeploymentStatus> status() {
    if (!stored.isDone() || stored.isCompletedExceptionally()) {
      return Optional.empty();
    }
    return Optional.of(watcher.status(stored.join().target()));
  }

  @Override
  public String toString() {
    return "Deployment[" + appName + (stored.isDone() && !stored.isCompletedExceptionally()
        ? ", generation " + stored.join().target().generation() : ", staging") + "]";
  }
}
