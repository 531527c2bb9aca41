package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.QueryEngine;
import dev.partitionbuilder.core.QueryEngineContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** DuckDbQueryEngine on an embedded DuckDB, writing each CTAS into its own warehouse directory. */
class DuckDbQueryEngineContractTest extends QueryEngineContractTest {
  private static final long ROWS = 1_000;

  @TempDir Path warehouse;
  private DuckDBConnection duckdb;
  private DuckDbQueryEngine engine;
  private int tables;

  @BeforeEach
  void open() throws SQLException {
    duckdb = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    engine = new DuckDbQueryEngine(duckdb, connection -> {}, UnaryOperator.identity(), Clock.systemUTC());
  }

  /**
   * The engine reports a query done before it has removed the query's staging directory: wait for
   * that too, so the engine is not closed (nor the directory deleted) under a query still tidying up.
   */
  @AfterEach
  void leavesNoStagingDirectoryBehind() throws Exception {
    Instant giveUp = Instant.now().plusSeconds(10);
    while (!stagingDirectories().isEmpty() && Instant.now().isBefore(giveUp)) {
      Thread.sleep(5);
    }
    engine.close();
    duckdb.close();
    assertThat(stagingDirectories()).isEmpty();
  }

  private List<String> stagingDirectories() throws IOException {
    try (Stream<Path> entries = Files.list(warehouse)) {
      return entries.map(p -> p.getFileName().toString()).filter(name -> name.contains(".tmp-")).toList();
    }
  }

  @Override
  protected QueryEngine engine() {
    return engine;
  }

  @Override
  protected String aCtas() {
    String table = "ctas_" + (++tables);
    return "CREATE TABLE \"main\".\"" + table + "\" WITH (format = 'PARQUET', external_location = '"
        + warehouse.resolve(table).toUri() + "') AS SELECT range AS n FROM range(" + ROWS + ")";
  }

  @Override
  protected long rowsOfTheCtas() {
    return ROWS;
  }

  @Override
  protected String aFailingQuery() {
    return "CREATE TABLE \"main\".\"broken\" WITH (format = 'PARQUET', external_location = '"
        + warehouse.resolve("broken").toUri() + "') AS SELECT * FROM no_such_table";
  }
}
