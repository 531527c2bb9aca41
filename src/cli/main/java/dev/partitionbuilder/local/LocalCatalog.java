package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.Catalog;
import dev.partitionbuilder.core.PartitionBuilderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The catalog of the embedded DuckDB database: a table is a view over its Parquet files. */
final class LocalCatalog implements Catalog {
  private final Connection duckdb;

  LocalCatalog(Connection duckdb) {
    this.duckdb = requireNonNull(duckdb, "duckdb is null");
  }

  @Override
  public synchronized boolean dropTableIfExists(String database, String table) {
    try (PreparedStatement find = duckdb.prepareStatement(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
      find.setString(1, database);
      find.setString(2, table);
      String type;
      try (ResultSet rs = find.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        type = rs.getString(1);
      }
      try (Statement drop = duckdb.createStatement()) {
        // Like Glue's DeleteTable: the entry goes, the files stay.
        drop.execute("DROP " + ("VIEW".equals(type) ? "VIEW" : "TABLE") + " \"" + database + "\".\"" + table + '"');
      }
      return true;
    } catch (SQLException e) {
      throw new PartitionBuilderException("Cannot drop local table " + database + "." + table + ": "
          + e.getMessage(), e);
    }
  }
}
