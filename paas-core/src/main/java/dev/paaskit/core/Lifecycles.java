package dev.paaskit.core;

import com.google.common.util.concurrent.Service;

/** Guava's service states as PaaSKit's. */
final class Lifecycles {
  private Lifecycles() {}

  static Lifecycle of(Service.State state) {
    return switch (state) {
      case NEW -> Lifecycle.NEW;
      case STARTING -> Lifecycle.STARTING;
      case RUNNING -> Lifecycle.RUNNING;
      case STOPPING -> Lifecycle.STOPPING;
      case TERMINATED -> Lifecycle.TERMINATED;
      case FAILED -> Lifecycle.FAILED;
    };
  }
}
