package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Catalog} must do, run against each of them (Glue on the wire, local DuckDB, the
 * fake the other tests use). A subclass gives the catalog and a way to make a table exist.
 */
public abstract class CatalogContractTest {
  protected static final String DATABASE = "cloudtrail";
  private static final String MARCH = "cloudtrail_monthly_temp_202403";
  private static final String APRIL = "cloudtrail_monthly_temp_202404";

  protected static final String TABLE = "cloudtrail_monthly";
  protected static final List<String> MARCH_VALUES = List.of("2024", "03");
  protected static final String FIRST =
      "s3://bucket/cloudtrail_monthly/year=2024/month=03/build-20240401T003100Z-0a1b2c3d/";
  protected static final String SECOND =
      "s3://bucket/cloudtrail_monthly/year=2024/month=03/build-20240402T003100Z-4e5f6a7b/";

  protected abstract Catalog catalog();

  /**
   * Makes the partition {@link #MARCH_VALUES} of {@link #TABLE} answer as it would when pointed at
   * {@code locations} in turn, for a catalog that is scripted; a real one needs nothing.
   */
  protected void expectPointings(String... locations) {}

  /** Makes {@code table} exist in {@link #DATABASE}, as a CTAS would. */
  protected abstract void createTable(String table);

  @Test
  void droppingATableThatDoesNotExistSaysSoWithoutFailing() {
    assertThat(catalog().dropTableIfExists(DATABASE, MARCH)).isFalse();
  }

  @Test
  void droppingATableThatExistsSaysSoAndTheTableIsGone() {
    createTable(MARCH);

    assertThat(catalog().dropTableIfExists(DATABASE, MARCH)).isTrue();

    assertThat(catalog().dropTableIfExists(DATABASE, MARCH)).isFalse();
  }

  @Test
  void droppingOneMonthsTableLeavesAnotherMonthsTable() {
    createTable(MARCH);
    createTable(APRIL);

    catalog().dropTableIfExists(DATABASE, MARCH);

    assertThat(catalog().dropTableIfExists(DATABASE, APRIL)).isTrue();
  }

  @Test
  void aPartitionNeverPointedAtHasNoLocation() {
    assertThat(catalog().partitionLocation(DATABASE, TABLE, MARCH_VALUES)).isEmpty();
  }

  @Test
  void pointingCreatesThePartitionAndPointingAgainMovesIt() {
    expectPointings(FIRST, SECOND);

    catalog().pointPartition(DATABASE, TABLE, MARCH_VALUES, FIRST);
    assertThat(catalog().partitionLocation(DATABASE, TABLE, MARCH_VALUES)).hasValue(FIRST);

    catalog().pointPartition(DATABASE, TABLE, MARCH_VALUES, SECOND);
    assertThat(catalog().partitionLocation(DATABASE, TABLE, MARCH_VALUES)).hasValue(SECOND);
  }
}
