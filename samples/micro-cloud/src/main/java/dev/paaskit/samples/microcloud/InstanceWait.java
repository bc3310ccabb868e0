package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Controller;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Waits for a {@link Deployment} to run, the way the CLI shows it: each instance as it starts
 * running (from the app's events), and the failure in the CLI's words. The deployment decides
 * when the app runs or why it will not; this class only tells it.
 */
final class InstanceWait implements AutoCloseable {
  private final String app;
  private final PrintStream out;
  /** The app's events and, last, the outcome of the wait; read by {@link #await} only. */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AutoCloseable follow;
  /** {@code index@node} of each instance announced. */
  private final Set<String> announced = new HashSet<>();

  /** Starts listening now, so no instance that starts after this call goes untold. */
  InstanceWait(Controller controller, String app, PrintStream out) {
    this.app = app;
    this.out = out;
    this.follow = controller.followEvents(app, queue::add);
  }

  /**
   * Returns null once {@code deployment} runs, or the reason it will not, printing each instance
   * as it starts running.
   *
   * @throws Exception what the wait failed with other than a {@link DeploymentFailedException},
   *     such as the API being unreachable
   */
  String await(Deployment deployment, Duration timeout) throws Exception {
    CompletableFuture<DeploymentStatus> running = deployment.running(timeout);
    running.whenComplete((status, error) -> queue.add(running));
    for (Object item = queue.take(); item != running; item = queue.take()) {
      if (item instanceof Event e && e.type() == EventType.INSTANCE_RUNNING) {
        announce(Integer.parseInt(e.attributes().get("index")), e.attributes().get("node"));
      }
    }
    follow.close();
    try {
      DeploymentStatus status = running.get();
      // Instances whose event the wait outran.
      for (InstanceStatus i : status.current()) {
        if (i.state() == InstanceState.RUNNING) {
          announce(i.index(), i.nodeId());
        }
      }
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DeploymentFailedException failure) {
        return describe(failure, timeout);
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private void announce(int index, String node) {
    if (announced.add(index + "@" + node)) {
      out.printf("  instance %d running on %s%n", index, node);
    }
  }

  /** The failure as the CLI has always said it. */
  private String describe(DeploymentFailedException failure, Duration timeout) {
    DeploymentStatus status = failure.status();
    switch (failure.reason()) {
      case CRASHED -> {
        return crashReport(failure.instance().orElseThrow());
      }
      case NOT_PLACED -> {
        int index = failure.index().orElse(-1);
        String prefix = "cannot place instance " + index + " of " + app + ": ";
        String message = failure.getMessage();
        return message.startsWith(prefix)
            ? "cannot place instance " + index + ": " + message.substring(prefix.length())
            : message;
      }
      case TIMED_OUT -> {
        return "timed out after " + timeout.toSeconds() + " s with " + status.running() + " of "
            + status.wanted() + " instances running";
      }
      default -> {
        return failure.getMessage();
      }
    }
  }

  private static String crashReport(InstanceStatus i) {
    StringBuilder b = new StringBuilder("instance crashed: ");
    CrashInfo crash = i.crash().orElse(null);
    if (crash == null) {
      return b.append("instance ").append(i.index()).append(" ").append(i.state()).toString();
    }
    if (crash.exitCode() >= 0) {
      b.append("exit code ").append(crash.exitCode());
    } else {
      b.append(crash.reason());
    }
    if (crash.exitCode() >= 0 && (crash.memoryLimitExceeded() || crash.diskLimitExceeded())) {
      b.append(" (").append(crash.reason()).append(")");
    }
    if (!crash.lastOutput().isEmpty()) {
      b.append("\nlast output of instance ").append(i.index()).append(":");
      crash.lastOutput().forEach(l -> b.append("\n  ").append(l));
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    follow.close();
  }
}
