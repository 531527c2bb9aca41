package dev.partitionbuilder.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.partitionbuilder.core.ObjectStore.StoredObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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

  /** S3 lists and orders keys by their UTF-8 bytes. */
  private static final Comparator<String> KEY_ORDER =
      Comparator.comparing((String key) -> key.getBytes(UTF_8), Arrays::compareUnsigned);

  private ObjectStore store;

  /** A new, empty store; called before each test. */
  protected abstract ObjectStore createStore();

  /** Writes an object into the store {@link #createStore()} made last (the port itself only lists and deletes). */
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

  @BeforeEach
  final void createTheStore() {
    store = createStore();
  }

  @Test
  void listReturnsEveryKeyUnderThePrefixWithItsSizeInKeyOrderAndNothingElse() {
    List<String> month = List.of(MONTH + "part-2.parquet", MONTH + "part-10.parquet", MONTH + "empty",
        MONTH + "sub/part-0.parquet", MONTH + "Z-upper.parquet", MONTH + "_SUCCESS");
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
    List<StoredObject> many = IntStream.range(0, manyKeys())
        .mapToObj(i -> new StoredObject(String.format(Locale.ROOT, "%spart-%05d.parquet", MONTH, i), i % 5))
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
    List<String> month = List.of(MONTH + "part-0.parquet", MONTH + "part-1.parquet", MONTH + "sub/dir/part-2.parquet");
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
    putAll(List.of(MONTH + "a", TABLE + "2024/030/a", TABLE + "2024/03x", TABLE + "2024/04/a", TABLE + "2024/0"));

    assertThat(keys(TABLE + "2024/03")).containsExactly(MONTH + "a", TABLE + "2024/030/a", TABLE + "2024/03x");
  }

  @Test
  void keysWithSpacesUnicodePlusPercentAndEqualsAreListedAndDeletedExactlyAsWritten() {
    List<String> odd = List.of(
        MONTH + "a file with spaces.parquet",
        MONTH + "größe ü-日本.parquet",
        MONTH + "a+b.parquet",
        MONTH + "100%.parquet",
        MONTH + "%20stays-encoded%2F.parquet",
        MONTH + "year=2024/month=03/part=0.parquet",
        MONTH + "sub dir+ü/x=1 %.parquet");
    // Neighbours that an encoding slip would bring under the prefix: "%2F" is an encoded '/'.
    List<String> oddNeighbours = List.of(
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
    assertThat(listed).extracting(StoredObject::size)
        .containsExactlyElementsOf(sorted(odd).stream().map(k -> (long) odd.indexOf(k) + 1).toList());
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
  @ValueSource(strings = {"warehouse/events/2024/03", "/warehouse/events/2024/03/", "/", "warehouse"})
  void deleteAllRefusesAPrefixThatIsEmptyAbsoluteOrWithoutTrailingSlashAndDeletesNothing(String prefix) {
    putAll(List.of(MONTH + "part-0.parquet", MONTH + "sub/part-1.parquet"));
    putAll(neighbours());
    List<StoredObject> before = store.list("");

    assertThatIllegalArgumentException().isThrownBy(() -> store.deleteAll(prefix));

    assertThat(store.list("")).isEqualTo(before).hasSize(2 + neighbours().size());
  }

  /**
   * Keys outside {@link #MONTH} that a careless delete would reach: the sibling whose name starts
   * with the month's, the month's own name as a key, a file at the table's root, other months.
   */
  private List<String> neighbours() {
    List<String> keys = new ArrayList<>(List.of(
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
