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
 * @param objectsCopied objects the query wrote to staging and the builder copied into the partition
 * @param bytesWritten their total size
 * @param oldObjectsDeleted objects that were in the partition before and were deleted once every
 *     copy succeeded
 * @param steps how long each step took, in the order they ran
 */
public record BuildResult(
    YearMonth month,
    String queryExecutionId,
    OptionalLong rowsWritten,
    long bytesScanned,
    long engineMillis,
    int objectsCopied,
    long bytesWritten,
    int oldObjectsDeleted,
    Map<Step, Duration> steps) {

  public BuildResult {
    steps = Map.copyOf(steps);
  }

  public enum Step {
    DROP_TEMP_TABLE("drop-temp-table"),
    CLEAR_STAGING("clear-staging"),
    QUERY("query"),
    CLEANUP("cleanup"),
    /** Copy the staged files into the partition, delete the old objects, clear staging. */
    REPLACE("replace");

    private final String label;

    Step(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
