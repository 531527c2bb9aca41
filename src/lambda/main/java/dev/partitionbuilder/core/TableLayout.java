package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.YearMonth;

/**
 * Where a table's monthly partitions live ({@link MonthPartitioning}, read from the long-lived
 * table), and the builder's own areas beside them: {@code _staging/}, {@code _locks/} and {@code
 * _state/} below the table's root, outside every month's prefix.
 *
 * @param storageRoot the object store's root as the query engine names it: {@code s3://bucket/}
 * @param prefix the table's root key prefix (its LOCATION), ending in '/'
 */
public record TableLayout(
    String database,
    String sourceTable,
    String destinationTable,
    String storageRoot,
    String prefix,
    MonthPartitioning partitioning) {

  /** The bundled table's layout, {@code <prefix>${year}/${month}/}, projected. */
  public TableLayout(
      String database,
      String sourceTable,
      String destinationTable,
      String storageRoot,
      String prefix) {
    this(
        database,
        sourceTable,
        destinationTable,
        storageRoot,
        prefix,
        MonthPartitioning.yearMonth(
            storageRoot.startsWith("s3://")
                ? storageRoot.substring(5, storageRoot.length() - 1)
                : "local",
            prefix));
  }

  public TableLayout {
    requireNonNull(database, "database is null");
    requireNonNull(sourceTable, "sourceTable is null");
    requireNonNull(destinationTable, "destinationTable is null");
    requireNonNull(storageRoot, "storageRoot is null");
    requireNonNull(prefix, "prefix is null");
    if (!storageRoot.endsWith("/")) {
      throw new IllegalArgumentException("storageRoot must end with '/': " + storageRoot);
    }
    Config.requirePrefix(prefix);
    requireNonNull(partitioning, "partitioning is null");
    if (!partitioning.root().equals(prefix)) {
      throw new IllegalArgumentException(
          "the table's partitions lie below "
              + partitioning.root()
              + ", not below its root "
              + prefix);
    }
  }

  /** {@code <destination>_temp_YYYYMM}: one name per month, so months never collide. */
  public String tempTable(YearMonth month) {
    return destinationTable + "_temp_" + MonthFormat.compact(month);
  }

  /**
   * The month's prefix as the table lays it out (for the bundled table {@code <prefix>YYYY/MM/}):
   * always below the table's root, never the root itself nor inside the builder's own areas.
   */
  public String partitionPrefix(YearMonth month) {
    return partitioning.prefix(month);
  }

  /**
   * The SQL condition that selects {@code month}'s partition of the long-lived table, on its
   * partition columns: {@code "year" = '2024' AND "month" = '03'}.
   */
  public String monthPredicate(YearMonth month) {
    return partitioning.predicate(month);
  }

  /**
   * {@code <prefix>_staging/YYYY/MM/}: where the CTAS writes before the builder moves its files
   * into the partition. Below the table's root (so the function's S3 grants on {@code <prefix>*}
   * cover it) but outside every projected partition: {@code ${year}/${month}/} never matches {@code
   * _staging/}.
   */
  public String stagingPrefix(YearMonth month) {
    return prefix + STAGING + MonthFormat.path(month) + "/";
  }

  /**
   * {@code <prefix>_locks/YYYY/MM}: the object whose existence means a build of the month is
   * running (see {@link MonthLock}). Below the table's root, outside every projected partition and
   * every staging prefix, so no delete of a build reaches it.
   */
  public String lockKey(YearMonth month) {
    return prefix + LOCKS + MonthFormat.path(month);
  }

  /**
   * {@code <prefix>_state/YYYY/MM.json}: what an unfinished build of the month has done so far (its
   * query execution, then the files it is moving), so that the next attempt picks it up instead of
   * starting over (see {@link BuildCheckpoint}). Outside every projected partition, staging prefix
   * and lock.
   */
  public String stateKey(YearMonth month) {
    return prefix + STATE + MonthFormat.path(month) + ".json";
  }

  /**
   * {@code <prefix>_state/YYYY/MM.retired.json}: the locations a Glue-registered month's partition
   * pointed at before, each deleted once its grace period is over (see {@link PartitionSwap}).
   */
  public String retiredKey(YearMonth month) {
    return prefix + STATE + MonthFormat.path(month) + ".retired.json";
  }

  /** The directory under the table's root that holds every month's build state. */
  public static final String STATE = "_state/";

  /** The directory under the table's root that holds every month's lock. */
  public static final String LOCKS = "_locks/";

  /** The directory under the table's root that holds every month's staging prefix. */
  public static final String STAGING = "_staging/";

  public String location(String key) {
    return storageRoot + key;
  }
}
