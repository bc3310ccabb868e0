package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Controller;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Waits, without polling, until an app has the instances asked for: re-reads the instances after
 * each event of the app, until all are RUNNING, one crashes, or placement fails.
 */
final class InstanceWait implements AutoCloseable {
  private final Controller controller;
  private final String app;
  private final PrintStream out;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AutoCloseable follow;
  private final Instant since;
  private final Set<String> announced = new HashSet<>();

  /** Starts listening now, so nothing that happens after this call is missed. */
  InstanceWait(Controller controller, String app, PrintStream out, Instant since) {
    this.controller = controller;
    this.app = app;
    this.out = out;
    this.since = since;
    this.follow = controller.followEvents(app, events::add);
    if (controller.find(app).isPresent()) {
      // Announce only instances that start from now on, not those already serving.
      controller.instances(app).stream().filter(i -> i.state() == InstanceState.RUNNING)
          .forEach(i -> announced.add(i.instanceId()));
    }
  }

  /**
   * Returns null once {@code want} instances are RUNNING, or the reason they will not be, printing
   * each instance as it starts and a crash's last output.
   */
  String await(int want, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<InstanceStatus> all = controller.instances(app);
      for (InstanceStatus i : all) {
        if (i.state() == InstanceState.RUNNING && announced.add(i.instanceId())) {
          out.printf("  instance %d running on %s%n", i.index(), i.nodeId());
        }
        if ((i.state() == InstanceState.CRASHED || i.state() == InstanceState.FAILED)
            && !i.since().isBefore(since)) {
          return crashReport(i);
        }
      }
      long running = all.stream().filter(i -> i.state() == InstanceState.RUNNING).count();
      boolean settling = all.stream().anyMatch(i -> i.state() == InstanceState.STARTING
          || i.state() == InstanceState.STOPPING);
      if (running == want && !settling) {
        return null;
      }
      long left = deadline - System.nanoTime();
      Event e = left > 0 ? events.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS) : null;
      if (e != null && e.type() == EventType.PLACEMENT_FAILED && !e.time().isBefore(since)) {
        return e.message();
      }
      if (System.nanoTime() - deadline > 0) {
        return "timed out after " + timeout.toSeconds() + " s with " + running + " of " + want
            + " instances running";
      }
    }
  }

  private String crashReport(InstanceStatus i) {
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
    if (crash.memoryLimitExceeded()) {
      b.append(" (killed for exceeding its memory limit)");
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
