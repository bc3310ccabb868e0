package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.core.internal.container.HostProcessBackend;

/**
 * The backend stagings and gear scripts run on where none is configured: real shells and
 * signals, a daemon thread per task.
 */
class HostProcessBackendContractTest extends ContainerBackendContract {
  @Override
  protected ContainerBackend newBackend() {
    return HostProcessBackend.create();
  }
}
