package dev.partitionbuilder.core;

import java.time.YearMonth;
import java.util.List;

/**
 * What a rebuild of {@code month} will touch, computed from the layout alone: no template, no call
 * to any service.
 *
 * @param partitionPrefix the key prefix the long-lived table reads for the month
 * @param location the same prefix as the query engine names it
 * @param stagingPrefix where the CTAS writes, outside every projected partition
 * @param stagingLocation the same prefix as the query engine names it: the template's {@code
 *     {{location}}}
 * @param lockLocation the object that holds the month for one build at a time
 * @param stateLocation the object that tells the next attempt what an unfinished build did
 * @param values the month's partition values, in the order of the table's partition keys
 * @param projected whether Athena finds the month by partition projection (the files are copied
 *     into {@code partitionPrefix}) or by its Glue partition (pointed at a location of the build's
 *     own below {@code partitionPrefix})
 */
public record PartitionPlan(
    YearMonth month,
    String database,
    String tempTable,
    String partitionPrefix,
    String location,
    String stagingPrefix,
    String stagingLocation,
    String lockLocation,
    String stateLocation,
    List<String> values,
    boolean projected,
    String destinationTable) {

  public PartitionPlan {
    values = List.copyOf(values);
  }

  public static PartitionPlan of(TableLayout layout, YearMonth month) {
    String prefix = layout.partitionPrefix(month);
    String staging = layout.stagingPrefix(month);
    return new PartitionPlan(
        month,
        layout.database(),
        layout.tempTable(month),
        prefix,
        layout.location(prefix),
        staging,
        layout.location(staging),
        layout.location(layout.lockKey(month)),
        layout.location(layout.stateKey(month)),
        layout.partitioning().values(month),
        layout.partitioning().projected(),
        layout.destinationTable());
  }
}
