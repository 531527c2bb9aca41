package dev.partitionbuilder.local.trino;

import io.trino.execution.QueryStats;

/**
 * How far a running query has got, as Trino counts it (what its own CLI shows): splits are its
 * drivers, the units of work it schedules; rows and bytes are what the query has read from its
 * files so far (its physical input: each source row once, however many stages pass it on).
 *
 * @param totalSplits splits known so far: it grows while the source is still being listed
 * @param bytesRead the files' bytes as stored (compressed), Trino's physical input
 */
public record QueryProgress(int completedSplits, int totalSplits, long rowsRead, long bytesRead) {
  static QueryProgress of(QueryStats stats) {
    return new QueryProgress(
        stats.getCompletedDrivers(),
        stats.getTotalDrivers(),
        stats.getPhysicalInputPositions(),
        stats.getPhysicalInputDataSize().toBytes());
  }
}
