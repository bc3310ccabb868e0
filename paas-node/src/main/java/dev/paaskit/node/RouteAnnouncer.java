package dev.paaskit.node;

import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.RouteRegistration;
import dev.paaskit.core.internal.protocol.Subjects;

/**
 * Tells routers which instances of a node serve: a registration once an instance passes its
 * health check, an unregistration when it stops serving, and every registration again when a
 * router starts or the bus comes back. Called under the instance's lock.
 */
final class RouteAnnouncer {
  private final MessageBus bus;
  private final String address;

  RouteAnnouncer(MessageBus bus, String address) {
    this.bus = bus;
    this.address = address;
  }

  void register(Instance inst) {
    inst.routed = true;
    Json.publish(bus, Subjects.ROUTER_REGISTER, registration(inst));
  }

  /** Takes the instance's routes away, if routers were told of them. */
  void unregister(Instance inst) {
    if (inst.routed) {
      inst.routed = false;
      Json.publish(bus, Subjects.ROUTER_UNREGISTER, registration(inst));
    }
  }

  /** Registers again every instance that serves: routers may have lost what they were told. */
  void reannounce(Iterable<Instance> instances) {
    for (Instance inst : instances) {
      synchronized (inst) {
        if (inst.routed) {
          Json.publish(bus, Subjects.ROUTER_REGISTER, registration(inst));
        }
      }
    }
  }

  private RouteRegistration registration(Instance inst) {
    return new RouteRegistration(inst.command.routes(), inst.command.appName(), inst.id(),
        inst.command.index(), address, inst.report.port());
  }
}
