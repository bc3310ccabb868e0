package dev.paaskit.core.scheduler;

import dev.paaskit.api.spi.NodeCandidate;
import dev.paaskit.api.spi.NodeScorer;
import dev.paaskit.api.spi.PlacementRequest;

/**
 * The built-in scorers. Their scales make them act in order, as Diego's auction does: one
 * instance fewer of the app in a node's zone outweighs any difference on the node, one instance
 * fewer of the app on the node outweighs any difference in resources, and resources, scored
 * from 0 to 1, decide among the rest.
 */
enum StandardScorer implements NodeScorer {
  /** Prefers the zone that runs the fewest instances of the app. */
  ZONE_BALANCE,
  /** Prefers the node that runs the fewest instances of the app, as the CF DEA pool does. */
  FEWEST_OF_APP,
  /** Prefers the node left most used by the instance, so nodes fill one by one. */
  BIN_PACK,
  /** Prefers the node left least used by the instance, so load spreads. */
  SPREAD;

  private static final double ZONE_WEIGHT = 1_000_000;
  private static final double APP_WEIGHT = 1;

  private static final double LN_10 = Math.log(10);

  @Override
  public double score(PlacementRequest r, NodeCandidate n) {
    switch (this) {
      case ZONE_BALANCE:
        if (r.instancesByZone().isEmpty()) {
          return 0;
        }
        Integer inZone = r.instancesByZone().get(n.zone());
        return inZone == null ? 0 : -ZONE_WEIGHT * inZone;
      case FEWEST_OF_APP:
        return -APP_WEIGHT * n.instancesOfApp();
      case BIN_PACK:
        return fit(r, n);
      case SPREAD:
        return 1 - fit(r, n);
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * How full the node would be with the instance on it, from 0 (empty) to 1 (full): Nomad's
   * bin-packing score, {@code 20 - (10^freeCpu + 10^freeMemory)} scaled to 0..1, which favours a
   * node used evenly in both over one full in one and empty in the other. Memory alone counts
   * when the node does not meter CPU.
   */
  static double fit(PlacementRequest r, NodeCandidate n) {
    double memoryFree = freeFraction(n.memoryFreeBytes() - r.memoryBytes(), n.memoryTotalBytes());
    if (!n.metersCpu()) {
      return (10 - Math.exp(memoryFree * LN_10)) / 9;
    }
    double cpuFree = freeFraction(n.cpuFreeShares() - r.cpuShares(), n.cpuTotalShares());
    return (20 - Math.exp(memoryFree * LN_10) - Math.exp(cpuFree * LN_10)) / 18;
  }

  private static double freeFraction(long free, long total) {
    if (total <= 0 || free <= 0) {
      return 0;
    }
    return free >= total ? 1 : (double) free / total;
  }
}
