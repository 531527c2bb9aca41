package dev.partitionbuilder.core;

/** The table catalog (Glue Data Catalog on AWS). */
public interface Catalog {
  /**
   * Drops the table's catalog entry only, never its data (Glue DeleteTable does not touch S3).
   *
   * @return true if a table was dropped, false if there was none
   */
  boolean dropTableIfExists(String database, String table);
}
