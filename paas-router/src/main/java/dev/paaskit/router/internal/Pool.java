package dev.paaskit.router.internal;

import dev.paaskit.router.Backend;
import dev.paaskit.router.Route;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One host's route with its round-robin cursor. The route is immutable; a change to the host
 * makes a new pool that keeps the cursor, so readers never lock and rotation carries on.
 */
final class Pool {
  private final Route route;
  private final AtomicInteger cursor;

  Pool(Route route, AtomicInteger cursor) {
    this.route = route;
    this.cursor = cursor;
  }

  Route route() {
    return route;
  }

  AtomicInteger cursor() {
    return cursor;
  }

  List<Backend> backends() {
    return route.backends();
  }

  /** The index, below {@code size}, of the next backend in rotation. */
  int nextIndex(int size) {
    return Math.floorMod(cursor.getAndIncrement(), size);
  }
}
