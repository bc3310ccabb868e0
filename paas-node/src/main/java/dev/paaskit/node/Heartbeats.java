package dev.paaskit.node;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.internal.protocol.InstanceReport;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.NodeAdvertisement;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.internal.protocol.UsageReport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node tells health managers about itself: its advertisement (capacity, zone, epoch), and a
 * heartbeat every interval. A light heartbeat carries only the node's change seq, which every
 * state change of an instance takes the next value of ({@link #nextSeq()}); a full one lists every
 * instance. A health manager that sees a seq it has no report for asks for a full one at once.
 * The beats of the timer also carry the samples of the instances' usage ({@link UsageSampler}).
 * Thread-safe.
 */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
  /**
   * One heartbeat in this many lists every instance; the rest only carry the change seq. A full
   * one is a backstop (a missed change is caught by the seq and asked for at once), so it can be
   * rare: at a million instances a full heartbeat per node every ten beats was the largest load.
   */
  static final int FULL_HEARTBEAT_EVERY = 60;

  private final NodeOptions options;
  private final MessageBus bus;
  private final Clock clock;
  private final long epoch;
  private final Collection<Instance> instances;
  private final BooleanSupplier live;
  private final UsageSampler usage;
  private final AtomicLong changeSeq = new AtomicLong();
  /** Heartbeats sent by the timer; touched only by the timer's task. */
  private long beats;
  private volatile Cancellable next;

  /**
   * @param instances a live view of the node's instances
   * @param live whether the node still runs; the timer stops once it does not
   * @param usage samples the instances' usage on the timer's beats
   */
  Heartbeats(NodeOptions options, MessageBus bus, Clock clock, long epoch,
      Collection<Instance> instances, BooleanSupplier live, UsageSampler usage) {
    this.options = options;
    this.bus = bus;
    this.clock = clock;
    this.epoch = epoch;
    this.instances = instances;
    this.live = live;
    this.usage = usage;
  }

  /** The seq of a state change made now: higher than that of every change before it. */
  long nextSeq() {
    return changeSeq.incrementAndGet();
  }

  /** Sends a heartbeat now, the first one full, and one every interval until {@link #stop()}. */
  void start() {
    beat();
  }

  /** Cancels the next heartbeat; one being sent still goes out. */
  void stop() {
    Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
  }

  private void beat() {
    if (!live.getAsBoolean()) {
      return;
    }
    try {
      publish(beats++ % FULL_HEARTBEAT_EVERY == 0, usage.onBeat());
    } catch (RuntimeException e) {
      log.warn("node {}: heartbeat not sent: {}", options.id, e.toString());
    } finally {
      if (live.getAsBoolean()) {
        next = clock.schedule(options.heartbeatInterval, this::beat);
      }
    }
  }

  /** Publishes a heartbeat that carries no sample; see {@link #publish(boolean, List)}. */
  void publish(boolean full) {
    publish(full, List.of());
  }

  /**
   * Publishes a heartbeat: a full one lists every instance, a light one only the change seq, and
   * costs the same whatever the node runs, but for the samples of usage it carries every few
   * seconds.
   */
  private void publish(boolean full, List<UsageReport> samples) {
    // The seq is read before the snapshot: an instance the snapshot misses was added after it,
    // and so takes a higher seq (see NodeAgent's admission).
    long seq = changeSeq.get();
    List<InstanceReport> reports = List.of();
    if (full) {
      reports = new ArrayList<>(instances.size());
      for (Instance i : instances) {
        reports.add(i.report);
      }
    }
    Json.publish(bus, Subjects.NODE_HEARTBEAT, new NodeHeartbeat(options.id, epoch, seq, full,
        reports, clock.now().toEpochMilli(), samples));
  }

  /** Advertises the node, running instances on a backend of this name. */
  void advertise(String backend) {
    NodeCapacity c = options.capacity;
    Json.publish(bus, Subjects.NODE_ADVERTISE, new NodeAdvertisement(options.id, epoch,
        options.zone, options.stack, options.tags, c.memory().bytes(), c.disk().bytes(),
        c.maxInstances(), backend, options.address, options.heartbeatInterval.toMillis(),
        options.cpuShares));
  }
}
