package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.ObjectStoreContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

  @Test
  void twoStoresOnOneDirectoryRacingReplaceIfMatchWithOneVersionLetExactlyOneWin() throws Exception {
    String key = "warehouse/events/_locks/2024/03";
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        put(key, ("stale " + round).getBytes(StandardCharsets.UTF_8));
        List<LocalObjectStore> stores = List.of(new LocalObjectStore(root), new LocalObjectStore(root));
        String version = stores.get(0).readVersioned(key).orElseThrow().version();
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> replaces = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          LocalObjectStore store = stores.get(i);
          byte[] lease = ("lease " + i).getBytes(StandardCharsets.UTF_8);
          replaces.add(threads.submit(() -> {
            start.await(5, TimeUnit.SECONDS);
            return store.replaceIfMatch(key, lease, version);
          }));
        }
        boolean first = replaces.get(0).get(10, TimeUnit.SECONDS);
        boolean second = replaces.get(1).get(10, TimeUnit.SECONDS);

        assertThat(first ^ second).as("round %d: exactly one wins (%s, %s)", round, first, second).isTrue();
        assertThat(new String(Files.readAllBytes(root.resolve(key)), StandardCharsets.UTF_8))
            .isEqualTo(first ? "lease 0" : "lease 1");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theConditionalCallsLeaveNothingInTheDirectoryButTheKeys() throws IOException {
    String key = "warehouse/events/_locks/2024/03";
    put(key, new byte[] {1});
    LocalObjectStore store = new LocalObjectStore(root);
    String version = store.readVersioned(key).orElseThrow().version();

    assertThat(store.replaceIfMatch(key, new byte[] {2}, version)).isTrue();
    assertThat(store.deleteIfMatch(key, store.readVersioned(key).orElseThrow().version())).isTrue();

    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
