package dev.paaskit.node;

import dev.paaskit.api.InstanceState;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearRequest;
import dev.paaskit.api.spi.GearSetup;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.internal.protocol.StartInstance;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The node's side of cartridge gears (OpenShift cartridges): turns an instance into a gear
 * before it starts, passes control actions to running gears, and tears a gear down once its
 * instance has ended. Thread-safe.
 */
final class Gears {
  private final GearSetup setup;
  private final BlobStore blobs;
  private final PortAllocator ports;
  private final String address;
  private final InstanceLogs logs;
  private final GearRequest.PortSource portSource;

  Gears(GearSetup setup, BlobStore blobs, PortAllocator ports, String address,
      InstanceLogs logs) {
    this.setup = setup;
    this.blobs = blobs;
    this.ports = ports;
    this.address = address;
    this.logs = logs;
    this.portSource = new GearRequest.PortSource() {
      @Override
      public int allocate() {
        return Gears.this.ports.allocate();
      }

      @Override
      public void release(int port) {
        Gears.this.ports.release(port);
      }
    };
  }

  /**
   * Prepares the instance as a gear when its droplet is one, remembering the gear on it; its
   * droplet is unpacked in its folder.
   *
   * @param command the command the node would run
   * @param env the environment the node would give it
   * @param backend the node's backend, which the gear's scripts run on as the instance does
   * @param limits the instance's limits, which its scripts get too
   * @return the gear, whose command and environment replace those given; empty to run as staged
   * @throws IOException when the cartridge cannot be fetched or set up
   */
  Optional<Gear> prepare(Instance inst, String command, Map<String, String> env,
      ContainerBackend backend, ResourceLimits limits) throws IOException {
    StartInstance cmd = inst.command;
    Optional<Gear> gear = setup.prepare(new GearRequest(inst.dir, cmd.appName(), cmd.appId(),
        cmd.instanceId(), cmd.index(), address, inst.report.port(), command, env, blobs,
        portSource, line -> logs.append(inst, ContainerListener.Stream.STDOUT, line),
        Optional.of(backend), limits));
    gear.ifPresent(g -> inst.gear = g);
    return gear;
  }

  /** Passes a control action to every running gear of the app among {@code instances}. */
  void control(Gear.ControlRequest request, Iterable<Instance> instances) {
    for (Instance inst : instances) {
      Gear gear = inst.gear;
      if (gear != null && inst.command.appName().equals(request.appName())
          && inst.report.state() == InstanceState.RUNNING) {
        gear.control().accept(request.action());
      }
    }
  }

  /** Runs the gear's teardown, if the instance became one; once it has ended for good. */
  static void teardown(Instance inst) {
    Gear gear = inst.gear;
    if (gear != null) {
      gear.teardown().run();
    }
  }
}
