package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.testing.FakeBackend;

/** The in-memory fake: it runs no command, so a test ends its containers with a crash. */
class FakeBackendContractTest extends ContainerBackendContract {
  private FakeBackend fake;

  @Override
  protected ContainerBackend newBackend() {
    fake = FakeBackend.create();
    return fake;
  }

  @Override
  protected boolean runsCommands() {
    return false;
  }

  @Override
  protected void makeExit(String id, int code) {
    fake.crash(id, code);
  }
}
