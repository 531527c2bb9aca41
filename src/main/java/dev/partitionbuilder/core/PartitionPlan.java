package dev.partitionbuilder.core;

import java.time.YearMonth;

/**
 * What a rebuild of {@code month} will touch, computed from the layout alone: no template, no call
 * to any service.
 */
public record PartitionPlan(
    YearMonth month, String database, String tempTable, String partitionPrefix, String location) {

  public static PartitionPlan of(TableLayout layout, YearMonth month) {
    String prefix = layout.partitionPrefix(month);
    return new PartitionPlan(month, layout.database(), layout.tempTable(month), prefix, layout.location(prefix));
  }

  /** One line: the steps in order, for {@code partition-builder plan}. */
  public String describe() {
    String table = '"' + database + "\".\"" + tempTable + '"';
    return "drop table " + table + " if it exists; delete every object under " + location
        + "; run the CTAS creating " + table + " at that location; drop " + table;
  }
}
