package dev.partitionbuilder.local.fidelity;

import dev.partitionbuilder.local.trino.TrinoEngine;
import io.trino.testing.MaterializedRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a bucketed CTAS puts every row in the file of the bucket Hive v1 bucketing assigns
 * (what Athena engine v3 reads and writes for {@code bucketed_by}). The expected bucket is computed
 * here, independently of Trino, following Hive's {@code ObjectInspectorUtils.getBucketHashCode} and
 * {@code getBucketNumber}, which Trino mirrors in {@code
 * io.trino.plugin.hive.util.HiveBucketingV1}:
 *
 * <ul>
 *   <li>row hash = fold over the bucketing columns of {@code 31 * hash + fieldHash}, from 0;
 *   <li>NULL hashes to 0; int hashes to its value;
 *   <li>a Hive {@code string} (Trino's unbounded varchar) hashes as {@code 31 * h + byte} over its
 *       UTF-8 bytes, signed, from 0 (a Hive {@code varchar(n)} starts from 1 instead);
 *   <li>bucket = {@code (hash & Integer.MAX_VALUE) % bucketCount}.
 * </ul>
 *
 * The file a row is in is read from its {@code "$path"}: Trino names bucket files {@code <bucket, 6
 * digits>_<n>_<query id>}, which is also how it assigns {@code "$bucket"} on read.
 */
final class HiveBucketPlacement {

  static final int BUCKETS = 4;
  private static final Pattern BUCKET_FILE = Pattern.compile("^(\\d+)_\\d+_.*");

  record Result(
      int rows, int files, TreeMap<Integer, Integer> rowsPerBucket, List<String> misplaced) {}

  private HiveBucketPlacement() {}

  /** The rows the check writes: 500 generated and 7 edge cases. */
  static final int ROWS = 507;

  /**
   * Writes the table as a CTAS of local mode writes it: external, at {@code location}, on the local
   * file system.
   */
  static Result check(TrinoEngine trino, Path location) {
    trino.execute("CREATE SCHEMA IF NOT EXISTS fidelity");
    trino.execute("DROP TABLE IF EXISTS fidelity.bucketed");
    // Unbounded varchar, so the Hive column type is string; ints from negative to positive; some
    // multi-byte UTF-8 (signed bytes matter) and NULLs in each column.
    trino.execute(
        """
        CREATE TABLE fidelity.bucketed
        WITH (format = 'PARQUET', bucketed_by = ARRAY['s', 'i'], bucket_count = 4,
          external_location = '%s') AS
        SELECT CAST(s AS varchar) AS s, CAST(i AS integer) AS i FROM (
          SELECT 'key-' || CAST(n AS varchar) AS s, n * 7919 - 2000000 AS i
          FROM UNNEST(sequence(1, 500)) AS u(n)
          UNION ALL VALUES ('é', 1), ('日本語', -1), ('Ünïcødé 🚀', 2147483647), (NULL, 5),
                           ('null-int', NULL), (NULL, NULL), ('', 0))"""
            .formatted("local://" + location.toAbsolutePath()));
    List<MaterializedRow> rows =
        trino
            .execute("SELECT s, i, \"$path\", \"$bucket\" FROM fidelity.bucketed")
            .getMaterializedRows();
    if (rows.size() != ROWS) {
      // Reading back fewer rows would make "none misplaced" say nothing.
      throw new IllegalStateException(
          "The bucketed table reads back " + rows.size() + " row(s), not the " + ROWS + " written");
    }
    TreeMap<Integer, Integer> perBucket = new TreeMap<>();
    List<String> files = new ArrayList<>();
    List<String> misplaced = new ArrayList<>();
    for (MaterializedRow row : rows) {
      String s = (String) row.getField(0);
      Integer i = (Integer) row.getField(1);
      String path = (String) row.getField(2);
      int trinoBucket = ((Number) row.getField(3)).intValue();
      int expected = bucket(s, i, BUCKETS);
      int fileBucket = fileBucket(path);
      perBucket.merge(expected, 1, Integer::sum);
      if (!files.contains(path)) {
        files.add(path);
      }
      if (fileBucket != expected || trinoBucket != expected) {
        misplaced.add(
            "(%s, %s): Hive v1 bucket %d, file %s (bucket %d), $bucket %d"
                .formatted(
                    s,
                    i,
                    expected,
                    path.substring(path.lastIndexOf('/') + 1),
                    fileBucket,
                    trinoBucket));
      }
    }
    return new Result(rows.size(), files.size(), perBucket, misplaced);
  }

  static int bucket(String s, Integer i, int buckets) {
    int hash = 0;
    hash = 31 * hash + stringHash(s);
    hash = 31 * hash + (i == null ? 0 : i);
    return (hash & Integer.MAX_VALUE) % buckets;
  }

  private static int stringHash(String s) {
    if (s == null) {
      return 0;
    }
    int h = 0;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return h;
  }

  private static int fileBucket(String path) {
    Matcher m = BUCKET_FILE.matcher(path.substring(path.lastIndexOf('/') + 1));
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }
}
