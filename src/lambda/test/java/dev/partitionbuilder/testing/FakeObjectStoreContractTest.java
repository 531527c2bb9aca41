package dev.partitionbuilder.testing;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.ObjectStoreContractTest;

/**
 * The fake the pipeline tests run on, held to the contract S3 meets, so they rely on nothing S3
 * would not do.
 */
class FakeObjectStoreContractTest extends ObjectStoreContractTest {
  private FakeObjectStore store;

  @Override
  protected ObjectStore createStore() {
    store = new FakeObjectStore(new Journal());
    return store;
  }

  @Override
  protected void put(String key, byte[] data) {
    store.put(key, data);
  }
}
