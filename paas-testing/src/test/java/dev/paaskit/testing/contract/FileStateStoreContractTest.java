package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.store.FileStateStore;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file store with its defaults, fsync included, so the contract runs as in production. */
class FileStateStoreContractTest extends StateStoreContract {
  @TempDir Path dir;

  @Override
  protected StateStore newStore() throws IOException {
    return FileStateStore.open(dir);
  }
}
