package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.ObjectStore;
import dev.partitionbuilder.core.ObjectStoreContractTest;
import dev.partitionbuilder.core.PartitionBuilderException;
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

  /**
   * A directory has no pages: a few hundred files show what 2,500 would, in a tenth of the time.
   */
  @Override
  protected int manyKeys() {
    return 300;
  }

  @Override
  protected boolean isHierarchical() {
    return true;
  }

  @Test
  void twoStoresOnOneDirectoryRacingReplaceIfMatchWithOneVersionLetExactlyOneWin()
      throws Exception {
    String key = "warehouse/events/_locks/2024/03";
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        put(key, ("stale " + round).getBytes(StandardCharsets.UTF_8));
        List<LocalObjectStore> stores =
            List.of(new LocalObjectStore(root), new LocalObjectStore(root));
        String version = stores.get(0).readVersioned(key).orElseThrow().version();
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> replaces = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          LocalObjectStore store = stores.get(i);
          byte[] lease = ("lease " + i).getBytes(StandardCharsets.UTF_8);
          replaces.add(
              threads.submit(
                  () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return store.replaceIfMatch(key, lease, version);
                  }));
        }
        boolean first = replaces.get(0).get(10, TimeUnit.SECONDS);
        boolean second = replaces.get(1).get(10, TimeUnit.SECONDS);

        assertThat(first ^ second)
            .as("round %d: exactly one wins (%s, %s)", round, first, second)
            .isTrue();
        assertThat(new String(Files.readAllBytes(root.resolve(key)), StandardCharsets.UTF_8))
            .isEqualTo(first ? "lease 0" : "lease 1");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theConditionalCallsLeaveOnlyTheirHiddenLockFileAtTheRootAndNothingInTheTemporaryDirectory()
      throws IOException {
    String key = "warehouse/events/_locks/2024/03";
    put(key, new byte[] {1});
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> tmpBefore;
    try (Stream<Path> files = Files.list(tmp)) {
      tmpBefore = files.toList();
    }
    LocalObjectStore store = new LocalObjectStore(root);
    String version = store.readVersioned(key).orElseThrow().version();

    assertThat(store.replaceIfMatch(key, new byte[] {2}, version)).isTrue();
    assertThat(store.deleteIfMatch(key, store.readVersioned(key).orElseThrow().version())).isTrue();

    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile))
          .containsExactly(root.resolve(LocalObjectStore.CONDITION_LOCK));
    }
    assertThat(store.list("")).isEmpty();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.filter(f -> !tmpBefore.contains(f)).map(f -> f.getFileName().toString()))
          .noneMatch(name -> name.startsWith("partition-builder-"));
    }
  }

  private static final String MONTH_DIR = "warehouse/events/2024/03/";
  private static final String LOCK_KEY = "warehouse/events/_locks/2024/03";

  @Test
  void temporaryFilesAreNeverListedAndDeleteAllRemovesTheStraysUnderItsPrefix() throws IOException {
    put(MONTH_DIR + "000000_0", new byte[] {1});
    put(MONTH_DIR + ".000001_0.copy-0123456789abcdef", new byte[] {2});
    put(MONTH_DIR + "sub/.x.write-fedcba9876543210", new byte[] {3});
    put("warehouse/events/2024/04/.000000_0.copy-0123456789abcdef", new byte[] {4});
    LocalObjectStore store = new LocalObjectStore(root);

    assertThat(store.list(""))
        .extracting(ObjectStore.StoredObject::key)
        .containsExactly(MONTH_DIR + "000000_0");
    assertThat(store.deleteAll(MONTH_DIR)).isEqualTo(1);

    assertThat(Files.exists(root.resolve(MONTH_DIR))).isFalse();
    assertThat(regularFiles())
        .containsExactly(root.resolve("warehouse/events/2024/04/.000000_0.copy-0123456789abcdef"));
  }

  @Test
  void aFinishedCopyRemovesTheUnfinishedCopiesOfItsKeyThatAKilledProcessLeftButNotANewerOne()
      throws IOException {
    put("t/_staging/2024/03/part-0", new byte[] {1, 2, 3});
    Path dir = root.resolve("t/2024/03");
    Files.createDirectories(dir);
    Path killed = dir.resolve(".part-0.copy-00000000000000aa");
    Files.write(killed, new byte[] {1});
    Files.setLastModifiedTime(
        killed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
    Path running = dir.resolve(".part-0.copy-00000000000000bb");
    Files.write(running, new byte[] {1});
    Files.setLastModifiedTime(
        running, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
    Path otherKeys = dir.resolve(".part-1.copy-00000000000000cc");
    Files.write(otherKeys, new byte[] {1});
    Files.setLastModifiedTime(
        otherKeys, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));

    new LocalObjectStore(root).copy("t/_staging/2024/03/part-0", "t/2024/03/part-0");

    assertThat(killed).doesNotExist();
    assertThat(running).exists();
    assertThat(otherKeys).exists();
    assertThat(Files.readAllBytes(dir.resolve("part-0"))).containsExactly(1, 2, 3);
  }

  @Test
  void deleteKeysRemovesTheStrayTemporaryFilesOfTheKeysItDeletesAndNoOthers() throws IOException {
    put(MONTH_DIR + "old-0", new byte[] {1});
    put(MONTH_DIR + ".old-0.copy-0123456789abcdef", new byte[] {2});
    put(MONTH_DIR + ".old-0.create-0123456789abcdef", new byte[] {2});
    put(MONTH_DIR + ".new-0.copy-0123456789abcdef", new byte[] {3});
    LocalObjectStore store = new LocalObjectStore(root);

    assertThat(store.deleteKeys(MONTH_DIR, List.of(MONTH_DIR + "old-0"))).isEqualTo(1);

    assertThat(regularFiles())
        .containsExactly(root.resolve(MONTH_DIR + ".new-0.copy-0123456789abcdef"));
  }

  @Test
  void releasingTheLastLockOfAYearLeavesNoEmptyDirectoryBehindButKeepsTheRoot() throws IOException {
    put("warehouse/events/2024/03/part-0", new byte[] {9});
    LocalObjectStore store = new LocalObjectStore(root);
    assertThat(store.createIfAbsent(LOCK_KEY, new byte[] {1})).isTrue();

    assertThat(store.deleteIfMatch(LOCK_KEY, store.readVersioned(LOCK_KEY).orElseThrow().version()))
        .isTrue();

    assertThat(Files.exists(root.resolve("warehouse/events/_locks"))).isFalse();
    assertThat(Files.isDirectory(root.resolve("warehouse/events/2024/03"))).isTrue();
    store.deleteKeys(MONTH_DIR, List.of(MONTH_DIR + "part-0"));
    assertThat(Files.exists(root.resolve("warehouse"))).isFalse();
    assertThat(Files.isDirectory(root)).isTrue();
  }

  @Test
  void aCreateWhoseLastStepFailsLeavesNoFileUnderTheKeyAndNoTemporaryFile() throws IOException {
    LocalObjectStore store =
        new LocalObjectStore(
            root,
            (target, temporary) -> {
              throw new IOException("No space left on device");
            });

    assertThatThrownBy(() -> store.createIfAbsent(LOCK_KEY, new byte[] {1}))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot create "
                + root.resolve(LOCK_KEY)
                + ": java.io.IOException: No space left on device");

    assertThat(regularFiles()).isEmpty();
    assertThat(new LocalObjectStore(root).createIfAbsent(LOCK_KEY, new byte[] {2})).isTrue();
  }

  @Test
  void aCreateOnAFullDiskLeavesNoFileUnderTheKeySoTheMonthIsNotBlocked(@TempDir Path scratch)
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(scratch.resolve("disk"))) {
      LocalObjectStore store = new LocalObjectStore(disk.dir());
      Path filler = disk.fill("filler");

      assertThatThrownBy(
              () ->
                  store.createIfAbsent(
                      LOCK_KEY, "{\"owner\":\"message-1\"}".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(PartitionBuilderException.class)
          .hasMessageStartingWith("Cannot create " + disk.dir().resolve(LOCK_KEY) + ": ")
          .hasMessageContaining("No space left on device");

      assertThat(regularFilesUnder(disk.dir())).containsExactly(filler);
      Files.delete(filler);
      assertThat(store.createIfAbsent(LOCK_KEY, new byte[] {1})).isTrue();
    }
  }

  @Test
  void aCopyOnAFullDiskLeavesTheOldTargetWholeAndNoTemporaryFile(@TempDir Path scratch)
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(scratch.resolve("disk"))) {
      LocalObjectStore store = new LocalObjectStore(disk.dir());
      String staged = "warehouse/events/_staging/2024/03/000000_0";
      byte[] old = bytes(300 << 10, 1);
      writeFile(disk.dir().resolve(staged), bytes(400 << 10, 2));
      writeFile(disk.dir().resolve(MONTH_DIR + "000000_0"), old);
      Path filler = disk.fill("filler");

      assertThatThrownBy(() -> store.copy(staged, MONTH_DIR + "000000_0"))
          .isInstanceOf(PartitionBuilderException.class)
          .hasMessageStartingWith(
              "Cannot copy "
                  + disk.dir().resolve(staged)
                  + " to "
                  + disk.dir().resolve(MONTH_DIR + "000000_0"))
          .hasMessageContaining("No space left on device");

      assertThat(Files.readAllBytes(disk.dir().resolve(MONTH_DIR + "000000_0"))).isEqualTo(old);
      assertThat(regularFilesUnder(disk.dir()))
          .containsExactlyInAnyOrder(
              filler, disk.dir().resolve(staged), disk.dir().resolve(MONTH_DIR + "000000_0"));
    }
  }

  @Test
  void aWriteOnAFullDiskLeavesTheOldBytesAndNoTemporaryFile(@TempDir Path scratch)
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(scratch.resolve("disk"))) {
      LocalObjectStore store = new LocalObjectStore(disk.dir());
      String state = "warehouse/events/_state/2024/03.json";
      store.write(state, "{\"phase\":\"QUERY\"}".getBytes(StandardCharsets.UTF_8));
      Path filler = disk.fill("filler");

      assertThatThrownBy(() -> store.write(state, bytes(64 << 10, 3)))
          .isInstanceOf(PartitionBuilderException.class)
          .hasMessageContaining("No space left on device");

      assertThat(store.read(state))
          .hasValueSatisfying(
              read ->
                  assertThat(new String(read, StandardCharsets.UTF_8))
                      .isEqualTo("{\"phase\":\"QUERY\"}"));
      assertThat(regularFilesUnder(disk.dir()))
          .containsExactlyInAnyOrder(filler, disk.dir().resolve(state));
    }
  }

  private List<Path> regularFiles() throws IOException {
    return regularFilesUnder(root);
  }

  private static List<Path> regularFilesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void writeFile(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }
}
