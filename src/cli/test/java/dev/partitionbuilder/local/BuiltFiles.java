package dev.partitionbuilder.local;

import dev.partitionbuilder.local.trino.TrinoEngine;
import io.trino.testing.MaterializedResult;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/** Tests' view of what a build wrote, read by the embedded Trino that wrote it. */
final class BuiltFiles {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private BuiltFiles() {}

  /** An engine for one test class, its metastore under {@code dir}. */
  static TrinoEngine startEngine(Path dir) {
    return TrinoEngine.start(
        new TrinoEngine.Settings(
            dir.toAbsolutePath().resolve("metastore"), OptionalLong.empty(), 2, false));
  }

  /**
   * Runs {@code select}, where {@code {files}} names a table over the Parquet files in {@code
   * directory} with only the given {@code columns} (such as {@code event_id varchar}).
   */
  static MaterializedResult query(
      TrinoEngine trino, Path directory, String columns, String select) {
    String table = TrinoEngine.CATALOG + ".built_files.t" + TABLES.incrementAndGet();
    trino.execute("CREATE SCHEMA IF NOT EXISTS " + TrinoEngine.CATALOG + ".built_files");
    trino.execute(
        "CREATE TABLE "
            + table
            + " ("
            + columns
            + ") WITH (format = 'PARQUET', external_location = 'local://"
            + directory.toAbsolutePath().toUri().getPath()
            + "')");
    try {
      return trino.execute(select.replace("{files}", table));
    } finally {
      trino.execute("DROP TABLE " + table);
    }
  }
}
