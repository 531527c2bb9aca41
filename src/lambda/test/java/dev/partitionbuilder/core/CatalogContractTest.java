package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What every {@link Catalog} must do, run against each of them (Glue on the wire, local DuckDB, the
 * fake the other tests use). A subclass gives the catalog and a way to make a table exist.
 */
public abstract class CatalogContractTest {
  protected static final String DATABASE = "cloudtrail";
  private static final String MARCH = "cloudtrail_monthly_temp_202403";
  private static final String APRIL = "cloudtrail_monthly_temp_202404";

  protected abstract Catalog catalog();

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
}
