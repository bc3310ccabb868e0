package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.testing.StubCartridge;
import java.io.IOException;
import java.nio.file.Path;

class StubCartridgeContractTest extends CartridgeSourceContract {
  @Override
  protected CartridgeSource newSource() {
    return StubCartridge.source();
  }

  @Override
  protected Path appItDetects(Path parent) throws IOException {
    return StubCartridge.appFolder(parent, "stub-app");
  }
}
