package dev.partitionbuilder.core;

import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a rebuild did.
 *
 * @param rowsWritten rows the CTAS wrote (Athena's UpdateCount), or empty if the engine did not say
 * @param bytesScanned bytes the query engine scanned (what Athena bills)
 * @param objectsDeleted old objects removed from the partition before the query
 * @param filesWritten objects in the partition after the query
 * @param bytesWritten their total size
 * @param steps how long each step took, in the order they ran
 */
public record BuildResult(
    YearMonth month,
    String queryExecutionId,
    OptionalLong rowsWritten,
    long bytesScanned,
    long engineMillis,
    int objectsDeleted,
    int filesWritten,
    long bytesWritten,
    Map<Step, Duration> steps) {

  public BuildResult {
    steps = Map.copyOf(steps);
  }

  public enum Step {
    DROP_TEMP_TABLE("drop-temp-table"),
    CLEAR_PARTITION("clear-partition"),
    QUERY("query"),
    CLEANUP("cleanup");

    private final String label;

    Step(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
