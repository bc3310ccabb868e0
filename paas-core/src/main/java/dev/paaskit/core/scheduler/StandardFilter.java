package dev.paaskit.core.scheduler;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.PlacementRequest;

/**
 * The built-in filters, in the order they run. One class for all of them keeps the call in the
 * placement loop monomorphic when no plugin filter is added.
 */
enum StandardFilter implements NodeFilter {
  ALIVE("not accepting instances"),
  SLOTS("at their instance limit"),
  MEMORY("short of memory"),
  DISK("short of disk"),
  CPU("short of CPU"),
  STACK("on another stack"),
  ZONE("in the wrong zone"),
  TAGS("missing placement tags"),
  APP_LIMIT("at this app's per-node limit");

  private final String reason;

  StandardFilter(String reason) {
    this.reason = reason;
  }

  @Override
  public String reason() {
    return reason;
  }

  @Override
  public boolean accepts(PlacementRequest r, NodeCandidate n) {
    switch (this) {
      case ALIVE:
        return n.state() == NodeState.ALIVE;
      case SLOTS:
        return n.slotsFree() > 0;
      case MEMORY:
        return n.memoryFreeBytes() >= r.memoryBytes();
      case DISK:
        return n.diskFreeBytes() >= r.diskBytes();
      case CPU:
        return r.cpuShares() == 0 || !n.metersCpu() || n.cpuFreeShares() >= r.cpuShares();
      case STACK:
        return r.stack().isEmpty() || r.stack().equals(n.stack());
      case ZONE:
        return r.zones().isEmpty() || r.zones().contains(n.zone());
      case TAGS:
        return r.tags().isEmpty() || n.tags().containsAll(r.tags());
      case APP_LIMIT:
        return r.maxPerNode() == 0 || n.instancesOfApp() < r.maxPerNode();
      default:
        throw new AssertionError(this);
    }
  }
}
