package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.CatalogContractTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LocalCatalog on an embedded DuckDB, where a CTAS registers its table as a view over its files. */
class LocalCatalogContractTest extends CatalogContractTest {
  private Connection duckdb;
  private LocalCatalog catalog;

  @BeforeEach
  void open() throws SQLException {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    execute("CREATE SCHEMA \"" + DATABASE + "\"");
    catalog = new LocalCatalog(duckdb);
  }

  @AfterEach
  void close() throws SQLException {
    duckdb.close();
  }

  @Override
  protected Catalog catalog() {
    return catalog;
  }

  @Override
  protected void createTable(String table) {
    execute("CREATE VIEW \"" + DATABASE + "\".\"" + table + "\" AS SELECT 1 AS n");
  }

  /** A CTAS over no rows registers a real (empty) table instead of a view. */
  @Test
  void droppingTheEmptyTableOfAMonthWithoutDataSaysSoAndTheTableIsGone() {
    execute("CREATE TABLE \"" + DATABASE + "\".\"cloudtrail_monthly_temp_202402\" (n INTEGER)");

    assertThat(catalog.dropTableIfExists(DATABASE, "cloudtrail_monthly_temp_202402")).isTrue();

    assertThat(catalog.dropTableIfExists(DATABASE, "cloudtrail_monthly_temp_202402")).isFalse();
  }

  private void execute(String sql) {
    try (Statement statement = duckdb.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
