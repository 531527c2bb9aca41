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
 * @param stagingLocation the same prefix as the query engine names it: the template's {@code {{location}}}
 * @param lockLocation the object that holds the month for one build at a time
 * @param stateLocation the object that tells the next attempt what an unfinished build did
 * @param values the month's partition values, in the order of the table's partition keys
 * @param projected whether Athena finds the month by partition projection (the files are copied
 *     into {@code partitionPrefix}) or by its Glue partition (pointed at a location of the build's
 *     own below {@code partitionPrefix})
 */
public record PartitionPlan(
    YearMonth month, String database, String tempTable, String partitionPrefix, String location,
    String stagingPrefix, String stagingLocation, String lockLocation, String stateLocation, List<String> values,
    boolean projected, String destinationTable) {

  public PartitionPlan {
    values = List.copyOf(values);
  }

  public static PartitionPlan of(TableLayout layout, YearMonth month) {
    String prefix = layout.partitionPrefix(month);
    String staging = layout.stagingPrefix(month);
    return new PartitionPlan(month, layout.database(), layout.tempTable(month), prefix, layout.location(prefix),
        staging, layout.location(staging), layout.location(layout.lockKey(month)), layout.location(layout.stateKey(month)),
        layout.partitioning().values(month), layout.partitioning().projected(), layout.destinationTable());
  }

  /** One line: the steps in order, for {@code partition-builder plan}. */
  public String describe() {
    String table = '"' + database + "\".\"" + tempTable + '"';
    if (!projected) {
      return "take the lock " + lockLocation + "; finish the build saved in " + stateLocation + " if there is one, else "
          + "drop table " + table + " if it exists; delete what failed builds and expired retired builds left under "
          + location + "; run the CTAS creating " + table + " at a new location " + location + "build-<time>-<id>/; drop "
          + table + "; if it succeeded with at least MIN_ROWS row(s), point the partition " + values + " of \"" + database
          + "\".\"" + destinationTable + "\" at it in one catalog call, and retire the location it pointed at before "
          + "(deleted by a later build once PARTITION_GRACE_SECONDS have passed); release the lock";
    }
    return "take the lock " + lockLocation + "; finish the build saved in " + stateLocation + " if there is one, else "
        + "drop table " + table + " if it exists; delete every object under " + stagingLocation
        + "; run the CTAS creating " + table + " at that location; drop " + table
        + "; if it succeeded with at least MIN_ROWS row(s), copy its files into " + location
        + ", then delete the objects that were there before and clear " + stagingLocation + "; release the lock";
  }
}
