package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The long-lived table as its catalog entry (Glue {@code GetTable}) or its DDL file describes it:
 * what it takes to place one month of it. Adapters build it; {@link MonthPartitioning} reads it.
 *
 * @param name {@code database.table}, for messages
 * @param location the table's LOCATION, such as {@code s3://bucket/cloudtrail_monthly/}
 * @param partitionKeys in declaration order
 * @param parameters the table's properties (TBLPROPERTIES; Glue's Parameters), projection included
 */
public record TableDefinition(
    String name, String location, List<Column> partitionKeys, Map<String, String> parameters) {

  /** A column and its Hive type as Glue stores it ({@code string}, {@code int}). */
  public record Column(String name, String type) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  public TableDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(location, "location is null");
    partitionKeys = List.copyOf(partitionKeys);
    parameters = Map.copyOf(parameters);
  }
}
