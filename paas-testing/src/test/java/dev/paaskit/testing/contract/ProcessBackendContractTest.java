package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.node.process.ProcessBackend;

/** Real shells, sleeps and signals: the process backend with its defaults and its own clock. */
class ProcessBackendContractTest extends ContainerBackendContract {
  @Override
  protected ContainerBackend newBackend() {
    return ProcessBackend.builder().build();
  }

  /** It watches the resident memory of every tree. */
  @Override
  protected boolean enforcesMemory() {
    return true;
  }
}
