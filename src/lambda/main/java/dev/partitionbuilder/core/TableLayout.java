package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.YearMonth;

/**
 * Where a table's monthly partitions live, matching a partition projection whose
 * {@code storage.location.template} is {@code <storageRoot><prefix>${year}/${month}/}.
 *
 * @param storageRoot the object store's root as the query engine names it: {@code s3://bucket/}
 * @param prefix the table's root key prefix, ending in '/'
 */
public record TableLayout(
    String database, String sourceTable, String destinationTable, String storageRoot, String prefix) {

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
  }

  /** {@code <destination>_temp_YYYYMM}: one name per month, so months never collide. */
  public String tempTable(YearMonth month) {
    return destinationTable + "_temp_" + String.format("%04d%02d", month.getYear(), month.getMonthValue());
  }

  /** {@code <prefix>YYYY/MM/}: always below the table's root, never the root itself. */
  public String partitionPrefix(YearMonth month) {
    return prefix + String.format("%04d/%02d/", month.getYear(), month.getMonthValue());
  }

  /**
   * The SQL condition that selects {@code month}'s partition of the long-lived table, on its
   * partition columns: {@code "year" = '2024' AND "month" = '03'}.
   */
  public String monthPredicate(YearMonth month) {
    return String.format("\"year\" = '%04d' AND \"month\" = '%02d'", month.getYear(), month.getMonthValue());
  }

  /**
   * {@code <prefix>_staging/YYYY/MM/}: where the CTAS writes before the builder moves its files into
   * the partition. Below the table's root (so the function's S3 grants on {@code <prefix>*} cover
   * it) but outside every projected partition: {@code ${year}/${month}/} never matches
   * {@code _staging/}.
   */
  public String stagingPrefix(YearMonth month) {
    return prefix + STAGING + String.format("%04d/%02d/", month.getYear(), month.getMonthValue());
  }

  /**
   * {@code <prefix>_locks/YYYY/MM}: the object whose existence means a build of the month is
   * running (see {@link MonthLock}). Below the table's root, outside every projected partition and
   * every staging prefix, so no delete of a build reaches it.
   */
  public String lockKey(YearMonth month) {
    return prefix + LOCKS + String.format("%04d/%02d", month.getYear(), month.getMonthValue());
  }

  /**
   * {@code <prefix>_state/YYYY/MM.json}: what an unfinished build of the month has done so far (its
   * query execution, then the files it is moving), so that the next attempt picks it up instead of
   * starting over (see {@link BuildCheckpoint}). Outside every projected partition, staging prefix
   * and lock.
   */
  public String stateKey(YearMonth month) {
    return prefix + STATE + String.format("%04d/%02d.json", month.getYear(), month.getMonthValue());
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
