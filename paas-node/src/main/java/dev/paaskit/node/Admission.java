package dev.paaskit.node;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.StartInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Decides whether a start fits the node: memory, disk, CPU shares, the instance count and a free
 * port, all reserved at once for an instance admitted and released once it is cleaned up. It also
 * remembers the ids of the most recent admissions, so that a start replayed after its instance was
 * forgotten starts nothing. Thread-safe.
 */
final class Admission {
  /** How many admitted ids are remembered for replays. */
  static final int REMEMBERED_IDS = 100_000;

  /**
   * What {@link #admit} decided.
   *
   * @param ack the answer to the start's sender
   * @param port the port reserved for the instance, or {@link #NONE} when nothing is to start: a
   *     refusal, or a replay of a start seen before
   */
  record Decision(Ack ack, int port) {
    static final int NONE = -1;

    boolean admitted() {
      return port != NONE;
    }
  }

  private static final Decision REPLAY = new Decision(Ack.accepted(), Decision.NONE);

  private final String nodeId;
  private final NodeCapacity capacity;
  private final long cpuShares;
  private final PortAllocator ports;

  // Guarded by this.
  private long memory;
  private long disk;
  private int count;
  private long cpu;
  private final Map<String, Boolean> admitted = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_IDS;
    }
  };

  Admission(String nodeId, NodeCapacity capacity, long cpuShares, PortAllocator ports) {
    this.nodeId = nodeId;
    this.capacity = capacity;
    this.cpuShares = cpuShares;
    this.ports = ports;
  }

  /**
   * Reserves room and a port for {@code cmd} when it fits, and remembers its id.
   *
   * @param present whether the node still has an instance of this id, admitted longer ago than
   *     the ids remembered
   */
  synchronized Decision admit(StartInstance cmd, Predicate<String> present) {
    if (admitted.containsKey(cmd.instanceId()) || present.test(cmd.instanceId())) {
      // Instance ids are never reused: a start seen before, even one whose instance has ended
      // and been forgotten, is a replay (a message held through a reconnect, say).
      return REPLAY;
    }
    if (cpuShares > 0 && cpu + cmd.cpuShares() > cpuShares) {
      return refused("node " + nodeId + " is short of CPU: " + (cpuShares - cpu)
          + " shares free, " + cmd.cpuShares() + " asked");
    }
    if (memory + cmd.memoryBytes() > capacity.memory().bytes()) {
      return refused("node " + nodeId + " is short of memory: "
          + (capacity.memory().bytes() - memory) + " bytes free, " + cmd.memoryBytes() + " asked");
    }
    if (disk + cmd.diskBytes() > capacity.disk().bytes()) {
      return refused("node " + nodeId + " is short of disk");
    }
    if (count >= capacity.maxInstances()) {
      return refused("node " + nodeId + " runs its maximum of " + capacity.maxInstances()
          + " instances");
    }
    int port;
    try {
      port = ports.allocate();
    } catch (IllegalStateException e) {
      return refused("node " + nodeId + " has no free port: " + e.getMessage());
    }
    memory += cmd.memoryBytes();
    disk += cmd.diskBytes();
    count++;
    cpu += cmd.cpuShares();
    admitted.put(cmd.instanceId(), Boolean.TRUE);
    return new Decision(Ack.accepted(), port);
  }

  /** Gives back what {@link #admit} reserved for {@code cmd}, and its port. */
  void release(StartInstance cmd, int port) {
    synchronized (this) {
      memory -= cmd.memoryBytes();
      disk -= cmd.diskBytes();
      count--;
      cpu -= cmd.cpuShares();
    }
    ports.release(port);
  }

  private static Decision refused(String reason) {
    return new Decision(Ack.refused(reason), Decision.NONE);
  }
}
