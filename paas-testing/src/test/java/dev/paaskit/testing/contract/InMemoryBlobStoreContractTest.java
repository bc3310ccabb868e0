package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.core.blob.InMemoryBlobStore;

class InMemoryBlobStoreContractTest extends BlobStoreContract {
  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }
}
