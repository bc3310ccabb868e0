package dev.paaskit.api.spi;

import java.io.IOException;
import java.util.Optional;

/**
 * Turns an instance whose droplet was staged by a cartridge that runs in the gear (an OpenShift
 * cartridge) into that gear: fetches the cartridge's files onto the node if missing, lays out
 * the gear, runs the cartridge's setup and install, and says what to run. A node calls it after
 * unpacking the droplet and before starting the instance. Thread-safe.
 */
@FunctionalInterface
public interface GearSetup {
  /** Runs every instance as staged. */
  GearSetup NONE = request -> Optional.empty();

  /**
   * The gear for the instance, or empty when its droplet is not a cartridge gear and the node
   * runs it as staged. Called on a node's thread, where it may block while it fetches files and
   * runs the cartridge's setup.
   *
   * @param request the instance: its folder, command, environment, ports and log
   * @return the gear whose command and environment replace the request's, or empty
   * @throws IOException when the cartridge cannot be fetched or its setup fails; the instance
   *     then fails to start with this message
   */
  Optional<Gear> prepare(GearRequest request) throws IOException;
}
