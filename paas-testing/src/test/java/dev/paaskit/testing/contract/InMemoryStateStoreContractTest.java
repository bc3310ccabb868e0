package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.store.InMemoryStateStore;

class InMemoryStateStoreContractTest extends StateStoreContract {
  @Override
  protected StateStore newStore() {
    return new InMemoryStateStore();
  }
}
