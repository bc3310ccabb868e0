package dev.paaskit.core.scheduler;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.NodeCandidate;
import java.util.Set;

/** Node candidates for tests: 8 GiB, 8 cores, 100 GiB of disk, 100 slots, zone z1, empty. */
final class Nodes {
  static final long GB = 1L << 30;
  static final long MB = 1L << 20;

  private Nodes() {}

  static NodeCandidate node(String id) {
    return new NodeCandidate(id, NodeState.ALIVE, "z1", "cflinuxfs4", Set.of(), 8 * GB,
        100 * GB, 8192, 100, 8 * GB, 8192, 0);
  }

  static NodeCandidate withMemory(NodeCandidate n, long free, long total) {
    return new NodeCandidate(n.nodeId(), n.state(), n.zone(), n.stack(), n.tags(), free,
        n.diskFreeBytes(), n.cpuFreeShares(), n.slotsFree(), total, n.cpuTotalShares(),
        n.instancesOfApp());
  }

  static NodeCandidate withCpu(NodeCandidate n, long free, long total) {
    return new NodeCandidate(n.nodeId(), n.state(), n.zone(), n.stack(), n.tags(),
        n.memoryFreeBytes(), n.diskFreeBytes(), free, n.slotsFree(), n.memoryTotalBytes(), total,
        n.instancesOfApp());
  }

  static NodeCandidate withDisk(NodeCandidate n, long free) {
    return new NodeCandidate(n.nodeId(), n.state(), n.zone(), n.stack(), n.tags(),
        n.memoryFreeBytes(), free, n.cpuFreeShares(), n.slotsFree(), n.memoryTotalBytes(),
        n.cpuTotalShares(), n.instancesOfApp());
  }

  static NodeCandidate withSlots(NodeCandidate n, int slots) {
    return new NodeCandidate(n.nodeId(), n.state(), n.zone(), n.stack(), n.tags(),
        n.memoryFreeBytes(), n.diskFreeBytes(), n.cpuFreeShares(), slots, n.memoryTotalBytes(),
        n.cpuTotalShares(), n.instancesOfApp());
  }

  static NodeCandidate withState(NodeCandidate n, NodeState state) {
    return new NodeCandidate(n.nodeId(), state, n.zone(), n.stack(), n.tags(),
        n.memoryFreeBytes(), n.diskFreeBytes(), n.cpuFreeShares(), n.slotsFree(),
        n.memoryTotalBytes(), n.cpuTotalShares(), n.instancesOfApp());
  }

  static NodeCandidate withPlace(NodeCandidate n, String zone, String stack, Set<String> tags) {
    return new NodeCandidate(n.nodeId(), n.state(), zone, stack, tags, n.memoryFreeBytes(),
        n.diskFreeBytes(), n.cpuFreeShares(), n.slotsFree(), n.memoryTotalBytes(),
        n.cpuTotalShares(), n.instancesOfApp());
  }
}
