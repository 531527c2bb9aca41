package dev.partitionbuilder.local.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.CatalogContractTest;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrinoCatalog on one embedded Trino for the class, where a CTAS makes an external table. */
class TrinoCatalogContractTest extends CatalogContractTest {
  @TempDir static Path engineDir;
  private static TrinoEngine trino;
  @TempDir Path warehouse;

  @BeforeAll
  static void startTrino() {
    trino =
        TrinoEngine.start(
            new TrinoEngine.Settings(
                engineDir.resolve("metastore"), OptionalLong.empty(), 2, false));
    trino.execute("CREATE SCHEMA " + TrinoEngine.CATALOG + "." + DATABASE);
  }

  @AfterAll
  static void stopTrino() {
    if (trino != null) {
      trino.close();
    }
  }

  /** Each test starts from an empty database, as the engine is shared. */
  @AfterEach
  void dropAll() {
    trino
        .execute(
            "SELECT table_name FROM "
                + TrinoEngine.CATALOG
                + ".information_schema.tables WHERE table_schema = '"
                + DATABASE
                + "'")
        .getMaterializedRows()
        .forEach(row -> trino.execute("DROP TABLE " + DATABASE + "." + row.getField(0)));
  }

  @Override
  protected Catalog catalog() {
    return new TrinoCatalog(trino, warehouse.resolve("_catalog"));
  }

  @Override
  protected void createTable(String table) {
    trino.execute(
        "CREATE TABLE "
            + DATABASE
            + "."
            + table
            + " WITH (format = 'PARQUET', external_location = 'local://"
            + warehouse.resolve(table).toAbsolutePath().toUri().getPath()
            + "') AS SELECT 1 AS n");
  }

  @Test
  void droppingAnExternalTableKeepsItsFilesAsGlueDeleteTableDoes() {
    createTable("cloudtrail_monthly_temp_202402");

    assertThat(catalog().dropTableIfExists(DATABASE, "cloudtrail_monthly_temp_202402")).isTrue();

    assertThat(warehouse.resolve("cloudtrail_monthly_temp_202402")).isNotEmptyDirectory();
  }

  @Test
  void refusesToDropAManagedTableWhoseFilesDroppingWouldDelete() {
    trino.execute(
        "CREATE TABLE " + DATABASE + ".managed WITH (format = 'PARQUET') AS SELECT 1 AS n");

    assertThatThrownBy(() -> catalog().dropTableIfExists(DATABASE, "managed"))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot drop cloudtrail.managed from the local catalog: it is not an external table, and dropping it"
                + " would delete its files");
  }
}
