package dev.partitionbuilder.core;

import java.util.List;
import java.util.Optional;

/** The table catalog (Glue Data Catalog on AWS). */
public interface Catalog {
  /**
   * Drops the table's catalog entry only, never its data (Glue DeleteTable does not touch S3).
   *
   * @return true if a table was dropped, false if there was none
   */
  boolean dropTableIfExists(String database, String table);

  /**
   * The location the table's partition of {@code values} points at, as the catalog stores it; empty
   * when the table has no such partition.
   */
  Optional<String> partitionLocation(String database, String table, List<String> values);

  /**
   * Points the table's partition of {@code values} at {@code location}, creating the partition if
   * there is none: one catalog change, so readers see the old location or the new one, never
   * neither. The files at either location are not touched. Safe to repeat.
   */
  void pointPartition(String database, String table, List<String> values, String location);
}
