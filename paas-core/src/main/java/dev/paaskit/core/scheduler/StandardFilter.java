package dev.paaskit.core.scheduler;

import dev.paaskit.api.NodeState;
import dev.paaskit.api.spi.FilterResult;
import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeFilter;
import dev.paaskit.api.spi.PlacementRequest;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The built-in filters, in the order they run. One class for all of them keeps the call in the
 * placement loop monomorphic when no plugin filter is added. Each refuses with one constant
 * result, so evaluating allocates nothing; its detail is worded only when asked for.
 */
enum StandardFilter implements NodeFilter {
  ALIVE("not accepting instances",
      (r, n) -> "not accepting instances: the node is " + n.state()),
  SLOTS("at their instance limit",
      (r, n) -> "at its instance limit: " + count(n.slotsFree()) + " slots free"),
  MEMORY("short of memory",
      (r, n) -> "short of memory: needs " + bytes(r.memoryBytes()) + ", "
          + bytes(n.memoryFreeBytes()) + " free"),
  DISK("short of disk",
      (r, n) -> "short of disk: needs " + bytes(r.diskBytes()) + ", "
          + bytes(n.diskFreeBytes()) + " free"),
  CPU("short of CPU",
      (r, n) -> "short of CPU: needs " + count(r.cpuShares()) + " shares, "
          + count(n.cpuFreeShares()) + " free"),
  STACK("on another stack",
      (r, n) -> "on another stack: " + orNone(n.stack()) + ", not " + r.stack()),
  ZONE("in the wrong zone",
      (r, n) -> "in the wrong zone: zone " + orNone(n.zone()) + " not in "
          + new TreeSet<>(r.zones())),
  TAGS("missing placement tags",
      (r, n) -> "missing placement tags: lacks " + missing(r.tags(), n.tags())),
  APP_LIMIT("at this app's per-node limit",
      (r, n) -> "at this app's per-node limit: runs " + count(n.instancesOfApp())
          + " of at most " + count(r.maxPerNode()));

  private static final long MIB = 1L << 20;

  private final FilterResult refusal;

  StandardFilter(String reason, FilterResult.Detail detail) {
    this.refusal = FilterResult.refused(reason, detail);
  }

  @Override
  public FilterResult evaluate(PlacementRequest r, NodeCandidate n) {
    return accepts(r, n) ? FilterResult.accepted() : refusal;
  }

  private boolean accepts(PlacementRequest r, NodeCandidate n) {
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

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Whole mebibytes as such, anything else in bytes, so that a byte short still shows. */
  private static String bytes(long n) {
    return n % MIB == 0 ? count(n / MIB) + " MiB" : count(n) + " bytes";
  }

  private static String orNone(String name) {
    return name.isEmpty() ? "(none)" : name;
  }

  private static Set<String> missing(Set<String> wanted, Set<String> has) {
    Set<String> missing = new TreeSet<>(wanted);
    missing.removeAll(has);
    return missing;
  }
}
