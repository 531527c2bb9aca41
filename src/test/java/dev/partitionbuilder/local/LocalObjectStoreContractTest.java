package dev.partitionbuilder.local;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.ObjectStoreContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The local directory standing in for the bucket, held to the same contract as S3. */
class LocalObjectStoreContractTest extends ObjectStoreContractTest {
  @TempDir Path root;

  @Override
  protected ObjectStore createStore() {
    return new LocalObjectStore(root);
  }

  @Override
  protected void put(String key, byte[] data) {
    Path file = root.resolve(key);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory has no pages: a few hundred files show what 2,500 would, in a tenth of the time. */
  @Override
  protected int manyKeys() {
    return 300;
  }

  @Override
  protected boolean isHierarchical() {
    return true;
  }
}
