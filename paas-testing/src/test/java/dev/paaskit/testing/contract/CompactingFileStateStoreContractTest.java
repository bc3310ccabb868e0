package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.store.FileStateStore;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file store compacting its log whenever any of it is garbage, so every test crosses it. */
class CompactingFileStateStoreContractTest extends StateStoreContract {
  @TempDir Path dir;

  @Override
  protected StateStore newStore() throws IOException {
    return FileStateStore.open(dir, FileStateStore.Options.DEFAULTS
        .withCompactionThresholdBytes(0)
        .withCompactionGarbageFraction(0));
  }
}
