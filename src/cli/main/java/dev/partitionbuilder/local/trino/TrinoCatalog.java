package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import io.trino.testing.MaterializedResult;

/**
 * The Catalog port on embedded Trino's file metastore. Trino's DROP TABLE keeps an external
 * table's files, as Glue DeleteTable does; a managed table (whose files DROP would delete) is
 * refused.
 */
public final class TrinoCatalog implements Catalog {
  private final TrinoEngine engine;

  public TrinoCatalog(TrinoEngine engine) {
    this.engine = requireNonNull(engine, "engine is null");
  }

  @Override
  public synchronized boolean dropTableIfExists(String database, String table) {
    try {
      return drop(database, table);
    } catch (PartitionBuilderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PartitionBuilderException("Cannot drop " + database + "." + table + " from the local catalog: "
          + TrinoEngine.message(e), e);
    }
  }

  private boolean drop(String database, String table) {
    String name = TrinoEngine.CATALOG + "." + HiveDdlTranslation.quote(database) + "." + HiveDdlTranslation.quote(table);
    MaterializedResult exists = engine.execute(
        "SELECT count(*) FROM " + TrinoEngine.CATALOG + ".information_schema.tables WHERE table_schema = '"
            + database.replace("'", "''") + "' AND table_name = '" + table.replace("'", "''") + "'");
    if (((Number) exists.getOnlyValue()).longValue() == 0) {
      return false;
    }
    // "$properties" has one column per table parameter; Hive marks external tables EXTERNAL=TRUE.
    MaterializedResult properties = engine.execute("SELECT * FROM " + TrinoEngine.CATALOG + "."
        + HiveDdlTranslation.quote(database) + "." + HiveDdlTranslation.quote(table + "$properties"));
    int column = properties.getColumnNames().stream().map(String::toLowerCase).toList().indexOf("external");
    if (column < 0 || !"TRUE".equalsIgnoreCase(String.valueOf(properties.getMaterializedRows().get(0).getField(column)))) {
      throw new PartitionBuilderException("Cannot drop " + database + "." + table
          + " from the local catalog: it is not an external table, and dropping it would delete its files");
    }
    engine.execute("DROP TABLE " + name);
    return true;
  }
}
