package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its first reply. It settles once, by a reply, a failure, or the caller
 * completing or cancelling the future; the resources registered with {@link #onSettle} (inbox
 * subscription, timer, table entry) are released before the future completes, so whoever sees the
 * outcome also sees them gone.
 */
final class PendingRequest {
  private final String subject;
  private final CompletableFuture<Message> future = new CompletableFuture<>();
  private final Object lock = new Object();
  private boolean settled;
  private final List<Runnable> releases = new ArrayList<>();

  PendingRequest(String subject) {
    this.subject = subject;
    future.whenComplete((reply, failure) -> settle());
  }

  String subject() {
    return subject;
  }

  CompletableFuture<Message> future() {
    return future;
  }

  /** Runs {@code release} when this settles, or at once if it already has. */
  void onSettle(Runnable release) {
    synchronized (lock) {
      if (!settled) {
        releases.add(release);
        return;
      }
    }
    release.run();
  }

  void complete(Message reply) {
    if (settle()) {
      future.complete(reply);
    }
  }

  void fail(Throwable cause) {
    if (settle()) {
      future.completeExceptionally(cause);
    }
  }

  private boolean settle() {
    List<Runnable> toRun;
    synchronized (lock) {
      if (settled) {
        return false;
      }
      settled = true;
      toRun = List.copyOf(releases);
      releases.clear();
    }
    toRun.forEach(Runnable::run);
    return true;
  }
}
