package dev.paaskit.router.internal;

import java.io.IOException;

/**
 * Run in a child JVM by {@link RouterNoDelayTest}: starts and stops one router named
 * {@code probe}, so that the child's standard error shows what a router logs when it starts.
 */
final class NagleProbe {
  private NagleProbe() {}

  public static void main(String[] args) throws IOException {
    Router router = Router.builder().routeTable(new RouteTable()).name("probe").build();
    router.start();
    router.stop();
  }
}
