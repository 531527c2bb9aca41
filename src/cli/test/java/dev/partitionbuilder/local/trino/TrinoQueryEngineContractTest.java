package dev.partitionbuilder.local.trino;

import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryEngineContractTest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** TrinoQueryEngine on one embedded Trino for the class, each CTAS into its own directory. */
class TrinoQueryEngineContractTest extends QueryEngineContractTest {
  private static final long ROWS = 1_000;

  @TempDir static Path engineDir;
  private static TrinoEngine trino;
  @TempDir Path warehouse;
  private TrinoQueryEngine engine;
  private static int tables;

  @BeforeAll
  static void startTrino() {
    trino =
        TrinoEngine.start(
            new TrinoEngine.Settings(
                engineDir.resolve("metastore"), OptionalLong.empty(), 2, false));
    trino.execute("CREATE SCHEMA " + TrinoEngine.CATALOG + ".contract");
  }

  @AfterAll
  static void stopTrino() {
    if (trino != null) {
      trino.close();
    }
  }

  @BeforeEach
  void open() {
    engine = new TrinoQueryEngine(trino, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Override
  protected QueryEngine engine() {
    return engine;
  }

  @Override
  protected String aCtas() {
    String table = "ctas_" + (++tables);
    return "CREATE TABLE contract."
        + table
        + " WITH (format = 'PARQUET', external_location = '"
        + warehouse.resolve(table).toUri()
        + "') AS SELECT n FROM UNNEST(sequence(1, "
        + ROWS
        + ")) AS t (n)";
  }

  @Override
  protected long rowsOfTheCtas() {
    return ROWS;
  }

  @Override
  protected String aFailingQuery() {
    return "CREATE TABLE contract.broken WITH (format = 'PARQUET', external_location = '"
        + warehouse.resolve("broken").toUri()
        + "') AS SELECT * FROM contract.no_such_table";
  }

  @Override
  protected String aCountQuery() {
    return "SELECT count(*) FROM UNNEST(sequence(1, 321)) AS t (n)";
  }

  @Override
  protected long countOfTheQuery() {
    return 321;
  }
}
