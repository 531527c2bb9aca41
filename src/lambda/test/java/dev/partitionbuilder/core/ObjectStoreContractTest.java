package dev.partitionbuilder.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.partitionbuilder.core.ObjectStore.StoredObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ObjectStore} must do, written once and extended by each implementation (S3 on
 * an in-JVM S3 server, the local directory, the in-memory fake), so that local mode and the tests
 * built on the fake rely on nothing S3 would not do.
 */
public abstract class ObjectStoreContractTest {
  protected static final String TABLE = "warehouse/events/";
  protected static final String MONTH = TABLE + "2024/03/";
  private static final String LOCK = TABLE + "_locks/2024/03";

  /** S3 lists and orders keys by their UTF-8 bytes. */
  private static final Comparator<String> KEY_ORDER =
      Comparator.comparing((String key) -> key.getBytes(UTF_8), Arrays::compareUnsigned);

  private ObjectStore store;

  /** A new, empty store; called before each test. */
  protected abstract ObjectStore createStore();

  /**
   * Writes an object into the store {@link #createStore()} made last (the port itself never writes
   * new bytes).
   */
  protected abstract void put(String key, byte[] data);

  /**
   * How many keys the paging test writes. S3 lists at most 1,000 keys a page and deletes at most
   * 1,000 a call, so an S3 store needs more than 2,000 to show a middle page and a last, short one.
   */
  protected int manyKeys() {
    return 2_500;
  }

  /**
   * True for a file system, where {@code 2024/03} cannot be a file while {@code 2024/03/} holds
   * files: the tests then leave out that one neighbour, and check it on its own.
   */
  protected boolean isHierarchical() {
    return false;
  }

  /**
   * False where two conditional writes racing with one version may both win. The cases that race
   * them are then skipped with this reason; the sequential cases still run.
   */
  protected boolean conditionalWritesAreAtomicHere() {
    return true;
  }

  /** False where a conditional delete of a key that is gone reports success (S3 answers 404). */
  protected boolean conditionalDeleteOfAGoneKeyFailsHere() {
    return true;
  }

  @BeforeEach
  final void createTheStore() {
    store = createStore();
  }

  @Test
  void listReturnsEveryKeyUnderThePrefixWithItsSizeInKeyOrderAndNothingElse() {
    List<String> month =
        List.of(
            MONTH + "part-2.parquet",
            MONTH + "part-10.parquet",
            MONTH + "empty",
            MONTH + "sub/part-0.parquet",
            MONTH + "Z-upper.parquet",
            MONTH + "_SUCCESS");
    List<StoredObject> written = new ArrayList<>();
    for (int i = 0; i < month.size(); i++) {
      byte[] data = new byte[i * 7];
      put(month.get(i), data);
      written.add(new StoredObject(month.get(i), data.length));
    }
    putAll(neighbours());

    List<StoredObject> listed = store.list(MONTH);

    written.sort(Comparator.comparing(StoredObject::key, KEY_ORDER));
    assertThat(listed).containsExactlyElementsOf(written);
  }

  @Test
  void listAndDeleteAllGoThroughEveryPageWhenThePrefixHoldsMoreKeysThanOnePage() {
    List<StoredObject> many =
        IntStream.range(0, manyKeys())
            .mapToObj(
                i ->
                    new StoredObject(
                        String.format(Locale.ROOT, "%spart-%05d.parquet", MONTH, i), i % 5))
            .toList();
    List<StoredObject> putOrder = new ArrayList<>(many);
    Collections.shuffle(putOrder, new Random(42));
    for (StoredObject object : putOrder) {
      put(object.key(), new byte[(int) object.size()]);
    }
    putAll(neighbours());

    List<StoredObject> listed = store.list(MONTH);
    int deleted = store.deleteAll(MONTH);

    assertThat(listed).containsExactlyElementsOf(many);
    assertThat(deleted).isEqualTo(manyKeys());
    assertThat(store.list(MONTH)).isEmpty();
    assertThat(keys("")).containsExactlyElementsOf(sorted(neighbours()));
  }

  @Test
  void deleteAllDeletesExactlyTheKeysUnderThePrefixAndReturnsHowMany() {
    List<String> month =
        List.of(
            MONTH + "part-0.parquet", MONTH + "part-1.parquet", MONTH + "sub/dir/part-2.parquet");
    putAll(month);
    putAll(neighbours());

    int deleted = store.deleteAll(MONTH);

    assertThat(deleted).isEqualTo(3);
    assertThat(store.list(MONTH)).isEmpty();
    assertThat(keys("")).containsExactlyElementsOf(sorted(neighbours()));
  }

  @Test
  void theKeyThatIsThePrefixWithoutItsSlashIsNeitherListedNorDeletedWithIt() {
    String parent = TABLE + "2024/03";
    put(parent, new byte[3]);

    assertThat(store.list(MONTH)).isEmpty();
    assertThat(store.deleteAll(MONTH)).isZero();
    assertThat(store.list(TABLE)).containsExactly(new StoredObject(parent, 3));
  }

  @Test
  void listOfAPrefixWithoutTrailingSlashMatchesKeysAsStringsAsS3Does() {
    putAll(
        List.of(
            MONTH + "a",
            TABLE + "2024/030/a",
            TABLE + "2024/03x",
            TABLE + "2024/04/a",
            TABLE + "2024/0"));

    assertThat(keys(TABLE + "2024/03"))
        .containsExactly(MONTH + "a", TABLE + "2024/030/a", TABLE + "2024/03x");
  }

  @Test
  void keysWithSpacesUnicodePlusPercentAndEqualsAreListedAndDeletedExactlyAsWritten() {
    List<String> odd =
        List.of(
            MONTH + "a file with spaces.parquet",
            MONTH + "größe ü-日本.parquet",
            MONTH + "a+b.parquet",
            MONTH + "100%.parquet",
            MONTH + "%20stays-encoded%2F.parquet",
            MONTH + "year=2024/month=03/part=0.parquet",
            MONTH + "sub dir+ü/x=1 %.parquet");
    // Neighbours that an encoding slip would bring under the prefix: "%2F" is an encoded '/'.
    List<String> oddNeighbours =
        List.of(
            TABLE + "2024/03%2Fpart-0.parquet",
            TABLE + "2024/03 /part-0.parquet",
            TABLE + "2024/03+/part-0.parquet",
            TABLE + "2024/03=/part-0.parquet",
            TABLE + "2024/03ü/part-0.parquet");
    for (int i = 0; i < odd.size(); i++) {
      put(odd.get(i), new byte[i + 1]);
    }
    putAll(oddNeighbours);

    List<StoredObject> listed = store.list(MONTH);
    int deleted = store.deleteAll(MONTH);

    assertThat(listed).extracting(StoredObject::key).containsExactlyElementsOf(sorted(odd));
    assertThat(listed)
        .extracting(StoredObject::size)
        .containsExactlyElementsOf(
            sorted(odd).stream().map(k -> (long) odd.indexOf(k) + 1).toList());
    assertThat(deleted).isEqualTo(odd.size());
    assertThat(keys("")).containsExactlyElementsOf(sorted(oddNeighbours));
  }

  @Test
  void deleteAllOfAPrefixWithNothingUnderItReturnsZeroAndIsSafeToRunTwice() {
    putAll(neighbours());

    assertThat(store.deleteAll(MONTH)).isZero();
    assertThat(store.deleteAll(MONTH)).isZero();
    assertThat(store.deleteAll(TABLE + "1999/12/")).isZero();

    assertThat(store.list(MONTH)).isEmpty();
    assertThat(keys("")).containsExactlyElementsOf(sorted(neighbours()));
  }

  @Test
  void aSecondDeleteAllFindsNothingLeftAndReturnsZero() {
    putAll(List.of(MONTH + "part-0.parquet", MONTH + "part-1.parquet"));

    assertThat(store.deleteAll(MONTH)).isEqualTo(2);
    assertThat(store.deleteAll(MONTH)).isZero();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {"warehouse/events/2024/03", "/warehouse/events/2024/03/", "/", "warehouse"})
  void deleteAllRefusesAPrefixThatIsEmptyAbsoluteOrWithoutTrailingSlashAndDeletesNothing(
      String prefix) {
    putAll(List.of(MONTH + "part-0.parquet", MONTH + "sub/part-1.parquet"));
    putAll(neighbours());
    List<StoredObject> before = store.list("");

    assertThatIllegalArgumentException().isThrownBy(() -> store.deleteAll(prefix));

    assertThat(store.list("")).isEqualTo(before).hasSize(2 + neighbours().size());
  }

  @Test
  void copyWritesTheSourcesBytesUnderTheTargetKeyAndKeepsTheSource() {
    String staged = TABLE + "_staging/2024/03/000000_0";
    put(staged, new byte[123]);
    putAll(neighbours());

    store.copy(staged, MONTH + "000000_0");

    assertThat(store.list(MONTH)).containsExactly(new StoredObject(MONTH + "000000_0", 123));
    assertThat(store.list(TABLE + "_staging/")).containsExactly(new StoredObject(staged, 123));
    assertThat(keys(""))
        .containsExactlyElementsOf(sorted(withKeys(neighbours(), staged, MONTH + "000000_0")));
  }

  @Test
  void copyReplacesAnObjectAlreadyAtTheTargetKey() {
    put(TABLE + "_staging/2024/03/part-0", new byte[7]);
    put(MONTH + "part-0", new byte[99]);

    store.copy(TABLE + "_staging/2024/03/part-0", MONTH + "part-0");

    assertThat(store.list(MONTH)).containsExactly(new StoredObject(MONTH + "part-0", 7));
  }

  @Test
  void copyKeepsKeysWithSpacesUnicodeAndPlusExactlyAsWritten() {
    String source = TABLE + "_staging/2024/03/a file+größe 日本.parquet";
    put(source, new byte[5]);

    store.copy(source, MONTH + "a file+größe 日本.parquet");

    assertThat(store.list(MONTH))
        .containsExactly(new StoredObject(MONTH + "a file+größe 日本.parquet", 5));
  }

  @Test
  void copyOfAMissingSourceFailsNamingItAndWritesNothing() {
    putAll(neighbours());

    assertThatThrownBy(() -> store.copy(TABLE + "_staging/2024/03/missing", MONTH + "missing"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("_staging/2024/03/missing");

    assertThat(keys("")).containsExactlyElementsOf(sorted(neighbours()));
  }

  @Test
  void aCopyMadeByCopyIsCopyOfItsSource() {
    String staged = TABLE + "_staging/2024/03/000000_0";
    put(staged, bytes(4096, 1));

    store.copy(staged, MONTH + "000000_0");

    assertThat(store.isCopyOf(MONTH + "000000_0", staged)).isTrue();
  }

  @Test
  void aTruncatedTargetIsNotCopyOfItsSource() {
    String staged = TABLE + "_staging/2024/03/000000_0";
    put(staged, bytes(4096, 1));
    put(MONTH + "000000_0", Arrays.copyOf(bytes(4096, 1), 1000));

    assertThat(store.isCopyOf(MONTH + "000000_0", staged)).isFalse();
  }

  @Test
  void aTargetOfTheSameSizeWithOtherBytesIsNotCopyOfTheSource() {
    String staged = TABLE + "_staging/2024/03/000000_0";
    put(staged, bytes(4096, 1));
    byte[] other = bytes(4096, 1);
    other[2048] ^= 1;
    put(MONTH + "000000_0", other);

    assertThat(store.isCopyOf(MONTH + "000000_0", staged)).isFalse();
  }

  @Test
  void isCopyOfIsFalseRatherThanAnErrorWhenEitherSideIsMissing() {
    String staged = TABLE + "_staging/2024/03/000000_0";
    String other = TABLE + "_staging/2024/03/000001_0";
    put(staged, bytes(10, 1));
    put(MONTH + "000001_0", bytes(10, 1));

    assertThat(store.isCopyOf(MONTH + "000000_0", staged)).as("target missing").isFalse();
    assertThat(store.isCopyOf(MONTH + "000001_0", other)).as("source missing").isFalse();
    assertThat(store.isCopyOf(MONTH + "000002_0", TABLE + "_staging/2024/03/000002_0"))
        .as("both missing")
        .isFalse();
  }

  @Test
  void fiftyCopiesFromEightThreadsAtOnceEachLandWhole() throws Exception {
    List<String> staged =
        IntStream.range(0, 50)
            .mapToObj(i -> String.format(Locale.ROOT, "%s_staging/2024/03/%06d_0", TABLE, i))
            .toList();
    for (int i = 0; i < staged.size(); i++) {
      put(staged.get(i), bytes(1000 + i * 37, i));
    }
    putAll(neighbours());
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      CyclicBarrier start = new CyclicBarrier(8);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        workers.add(
            threads.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  for (int i = first; i < staged.size(); i += 8) {
                    store.copy(
                        staged.get(i),
                        MONTH + staged.get(i).substring(staged.get(i).lastIndexOf('/') + 1));
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    List<StoredObject> month = store.list(MONTH);
    assertThat(month).hasSize(50);
    for (int i = 0; i < staged.size(); i++) {
      String target = MONTH + staged.get(i).substring(staged.get(i).lastIndexOf('/') + 1);
      assertThat(month.get(i)).isEqualTo(new StoredObject(target, 1000 + i * 37L));
      assertThat(store.isCopyOf(target, staged.get(i))).as(target).isTrue();
    }
    assertThat(keys("")).containsAll(neighbours());
  }

  /** {@code size} bytes that differ with {@code seed}, so a copy of the wrong source shows. */
  protected static byte[] bytes(int size, int seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void deleteKeysDeletesExactlyTheGivenKeysAndReturnsHowMany() {
    List<String> month =
        List.of(MONTH + "old-0", MONTH + "old-1", MONTH + "new-0", MONTH + "sub/old-2");
    putAll(month);
    putAll(neighbours());

    int deleted =
        store.deleteKeys(MONTH, List.of(MONTH + "old-0", MONTH + "sub/old-2", MONTH + "old-1"));

    assertThat(deleted).isEqualTo(3);
    assertThat(keys("")).containsExactlyElementsOf(sorted(withKeys(neighbours(), MONTH + "new-0")));
  }

  @Test
  void deleteKeysCountsAKeyAlreadyGoneAsDeletedSoItIsSafeToRunTwice() {
    putAll(List.of(MONTH + "old-0", MONTH + "old-1"));

    assertThat(store.deleteKeys(MONTH, List.of(MONTH + "old-0", MONTH + "old-1"))).isEqualTo(2);
    assertThat(store.deleteKeys(MONTH, List.of(MONTH + "old-0", MONTH + "old-1"))).isEqualTo(2);
    assertThat(store.deleteKeys(MONTH, List.of())).isZero();
    assertThat(store.list(MONTH)).isEmpty();
  }

  @Test
  void deleteKeysGoesThroughEveryBatchWhenGivenMoreKeysThanOneCallTakes() {
    List<String> many =
        IntStream.range(0, manyKeys())
            .mapToObj(i -> String.format(Locale.ROOT, "%spart-%05d.parquet", MONTH, i))
            .toList();
    for (String key : many) {
      put(key, new byte[1]);
    }
    put(MONTH + "kept", new byte[1]);
    putAll(neighbours());

    int deleted = store.deleteKeys(MONTH, many);

    assertThat(deleted).isEqualTo(manyKeys());
    assertThat(keys("")).containsExactlyElementsOf(sorted(withKeys(neighbours(), MONTH + "kept")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "warehouse/events/2024/030/part-0.parquet",
        "warehouse/events/2024/03",
        "warehouse/events/2024/03/",
        "warehouse/events/_table-root-file",
        "warehouse/events/2024/04/part-0.parquet",
        "warehouse/other/2024/03/part-0.parquet",
        "/warehouse/events/2024/03/part-0.parquet"
      })
  void deleteKeysRefusesAKeyOutsideThePrefixAndDeletesNothing(String outside) {
    putAll(List.of(MONTH + "part-0.parquet", MONTH + "sub/part-1.parquet"));
    putAll(neighbours());
    List<StoredObject> before = store.list("");

    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                store.deleteKeys(
                    MONTH,
                    List.of(MONTH + "part-0.parquet", outside, MONTH + "sub/part-1.parquet")))
        .withMessageContaining(outside);

    assertThat(store.list("")).isEqualTo(before);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"warehouse/events/2024/03", "/warehouse/events/2024/03/"})
  void deleteKeysRefusesAPrefixThatIsEmptyAbsoluteOrWithoutTrailingSlashAndDeletesNothing(
      String prefix) {
    putAll(List.of(MONTH + "part-0.parquet"));
    putAll(neighbours());
    List<StoredObject> before = store.list("");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.deleteKeys(prefix, List.of(MONTH + "part-0.parquet")));

    assertThat(store.list("")).isEqualTo(before);
  }

  private static List<String> withKeys(List<String> keys, String... more) {
    List<String> all = new ArrayList<>(keys);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void createIfAbsentCreatesAMissingObjectThatReadGivesBack() {
    byte[] lease = "{\"owner\":\"message-1\"}".getBytes(UTF_8);

    assertThat(store.createIfAbsent(LOCK, lease)).isTrue();

    assertThat(store.read(LOCK)).hasValueSatisfying(read -> assertThat(read).isEqualTo(lease));
    assertThat(store.list(TABLE + "_locks/")).containsExactly(new StoredObject(LOCK, lease.length));
  }

  @Test
  void aSecondCreateIfAbsentOfTheSameKeyReturnsFalseAndKeepsTheFirstContent() {
    byte[] first = "first".getBytes(UTF_8);
    assertThat(store.createIfAbsent(LOCK, first)).isTrue();

    assertThat(store.createIfAbsent(LOCK, "second".getBytes(UTF_8))).isFalse();

    assertThat(store.read(LOCK)).hasValueSatisfying(read -> assertThat(read).isEqualTo(first));
  }

  @Test
  void createIfAbsentOfAKeyAnotherWriterPutReturnsFalseAndLeavesItAlone() {
    put(LOCK, new byte[] {7});

    assertThat(store.createIfAbsent(LOCK, new byte[] {1, 2})).isFalse();

    assertThat(store.read(LOCK)).hasValueSatisfying(read -> assertThat(read).containsExactly(7));
  }

  @Test
  void createIfAbsentWorksAgainOnceTheObjectIsDeleted() {
    assertThat(store.createIfAbsent(LOCK, new byte[] {1})).isTrue();
    store.deleteKeys(TABLE + "_locks/", List.of(LOCK));

    assertThat(store.read(LOCK)).isEmpty();
    assertThat(store.createIfAbsent(LOCK, new byte[] {2})).isTrue();
    assertThat(store.read(LOCK)).hasValueSatisfying(read -> assertThat(read).containsExactly(2));
  }

  @Test
  void writeCreatesAnObjectAndASecondWriteReplacesItsBytes() {
    String state = TABLE + "_state/2024/03.json";

    store.write(state, "{\"phase\":\"QUERY\"}".getBytes(UTF_8));
    store.write(state, "{\"phase\":\"REPLACE\"}".getBytes(UTF_8));

    assertThat(store.read(state))
        .hasValueSatisfying(
            read -> assertThat(new String(read, UTF_8)).isEqualTo("{\"phase\":\"REPLACE\"}"));
    assertThat(store.list(TABLE + "_state/"))
        .containsExactly(new StoredObject(state, "{\"phase\":\"REPLACE\"}".length()));
  }

  @Test
  void readVersionedGivesTheBytesAndAVersionThatChangesWhenOtherBytesAreWritten() {
    put(LOCK, "first".getBytes(UTF_8));

    ObjectStore.Versioned first = store.readVersioned(LOCK).orElseThrow();
    put(LOCK, "second".getBytes(UTF_8));
    ObjectStore.Versioned second = store.readVersioned(LOCK).orElseThrow();

    assertThat(first.content()).isEqualTo("first".getBytes(UTF_8));
    assertThat(second.content()).isEqualTo("second".getBytes(UTF_8));
    assertThat(first.version()).isNotBlank().isNotEqualTo(second.version());
    assertThat(store.readVersioned(LOCK))
        .hasValueSatisfying(again -> assertThat(again.version()).isEqualTo(second.version()));
  }

  @Test
  void readVersionedOfAMissingKeyIsEmptyRatherThanAnError() {
    putAll(neighbours());

    assertThat(store.readVersioned(LOCK)).isEmpty();
  }

  @Test
  void replaceIfMatchWithTheCurrentVersionReplacesTheBytes() {
    put(LOCK, "stale lease".getBytes(UTF_8));
    String version = store.readVersioned(LOCK).orElseThrow().version();

    assertThat(store.replaceIfMatch(LOCK, "my lease".getBytes(UTF_8), version)).isTrue();

    ObjectStore.Versioned now = store.readVersioned(LOCK).orElseThrow();
    assertThat(now.content()).isEqualTo("my lease".getBytes(UTF_8));
    assertThat(now.version()).isNotEqualTo(version);
    assertThat(store.list(TABLE + "_locks/"))
        .containsExactly(new StoredObject(LOCK, "my lease".length()));
  }

  @Test
  void replaceIfMatchWithAStaleVersionReturnsFalseAndLeavesTheObjectAsItIs() {
    put(LOCK, "stale lease".getBytes(UTF_8));
    String stale = store.readVersioned(LOCK).orElseThrow().version();
    put(LOCK, "their lease".getBytes(UTF_8));

    assertThat(store.replaceIfMatch(LOCK, "my lease".getBytes(UTF_8), stale)).isFalse();

    assertThat(store.read(LOCK))
        .hasValueSatisfying(read -> assertThat(read).isEqualTo("their lease".getBytes(UTF_8)));
  }

  @Test
  void replaceIfMatchOfAKeyThatIsGoneReturnsFalseAndCreatesNothing() {
    put(LOCK, "stale lease".getBytes(UTF_8));
    String version = store.readVersioned(LOCK).orElseThrow().version();
    store.deleteKeys(TABLE + "_locks/", List.of(LOCK));

    assertThat(store.replaceIfMatch(LOCK, "my lease".getBytes(UTF_8), version)).isFalse();

    assertThat(store.read(LOCK)).isEmpty();
  }

  @Test
  void ofTwoReplaceIfMatchRacingWithOneVersionExactlyOneWinsAndItsBytesStay() throws Exception {
    assumeTrue(
        conditionalWritesAreAtomicHere(),
        "this stand checks If-Match and then writes, so two racing replaces " + "may both win");
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String key = LOCK + "-" + round;
        put(key, "stale lease".getBytes(UTF_8));
        String version = store.readVersioned(key).orElseThrow().version();
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> replaces = new ArrayList<>();
        for (String lease : List.of("lease a", "lease b")) {
          replaces.add(
              threads.submit(
                  () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return store.replaceIfMatch(key, lease.getBytes(UTF_8), version);
                  }));
        }
        boolean a = replaces.get(0).get(10, TimeUnit.SECONDS);
        boolean b = replaces.get(1).get(10, TimeUnit.SECONDS);

        assertThat(a ^ b).as("round %d: exactly one wins (a %s, b %s)", round, a, b).isTrue();
        assertThat(store.read(key))
            .as("round %d", round)
            .hasValueSatisfying(
                read -> assertThat(new String(read, UTF_8)).isEqualTo(a ? "lease a" : "lease b"));
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void deleteIfMatchWithTheCurrentVersionDeletesTheObjectAndNothingElse() {
    put(LOCK, "my lease".getBytes(UTF_8));
    putAll(neighbours());
    String version = store.readVersioned(LOCK).orElseThrow().version();

    assertThat(store.deleteIfMatch(LOCK, version)).isTrue();

    assertThat(store.read(LOCK)).isEmpty();
    assertThat(keys("")).containsExactlyElementsOf(sorted(neighbours()));
  }

  @Test
  void deleteIfMatchWithAStaleVersionReturnsFalseAndLeavesTheObjectAsItIs() {
    put(LOCK, "my lease".getBytes(UTF_8));
    String mine = store.readVersioned(LOCK).orElseThrow().version();
    put(LOCK, "their lease".getBytes(UTF_8));

    assertThat(store.deleteIfMatch(LOCK, mine)).isFalse();

    assertThat(store.read(LOCK))
        .hasValueSatisfying(read -> assertThat(read).isEqualTo("their lease".getBytes(UTF_8)));
  }

  @Test
  void deleteIfMatchOfAKeyThatIsGoneReturnsFalse() {
    assumeTrue(
        conditionalDeleteOfAGoneKeyFailsHere(),
        "this stand answers a conditional delete of a missing key with "
            + "success, where S3 answers 404 NoSuchKey");
    put(LOCK, "my lease".getBytes(UTF_8));
    String version = store.readVersioned(LOCK).orElseThrow().version();
    assertThat(store.deleteIfMatch(LOCK, version)).isTrue();

    assertThat(store.deleteIfMatch(LOCK, version)).isFalse();

    assertThat(store.read(LOCK)).isEmpty();
  }

  @Test
  void readOfAMissingKeyIsEmptyRatherThanAnError() {
    putAll(neighbours());

    assertThat(store.read(LOCK)).isEmpty();
  }

  /**
   * Keys outside {@link #MONTH} that a careless delete would reach: the sibling whose name starts
   * with the month's, the month's own name as a key, a file at the table's root, other months.
   */
  private List<String> neighbours() {
    List<String> keys =
        new ArrayList<>(
            List.of(
                TABLE + "2024/030/part-0.parquet",
                TABLE + "2024/03.parquet",
                TABLE + "_table-root-file",
                TABLE + "2024/04/part-0.parquet",
                TABLE + "2023/03/part-0.parquet",
                "warehouse/other/2024/03/part-0.parquet"));
    if (!isHierarchical()) {
      keys.add(TABLE + "2024/03");
    }
    return keys;
  }

  private void putAll(List<String> keys) {
    for (String key : keys) {
      put(key, key.getBytes(UTF_8));
    }
  }

  private List<String> keys(String prefix) {
    return store.list(prefix).stream().map(StoredObject::key).toList();
  }

  private static List<String> sorted(List<String> keys) {
    return keys.stream().sorted(KEY_ORDER).toList();
  }
}
