package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link PartitionBuilder} waits, retries, locks and copies: one validated record instead of
 * positional constructor arguments. Both backends' values come from {@link Config#buildSettings()}.
 *
 * @param poll how long to wait between two looks at a running query
 * @param minRows fewest rows a query must write to replace the partition; 0 accepts an empty month
 * @param queryRetries how many times a FAILED query the engine marks retryable is started again; 0
 *     never
 * @param lockLease how long the month's lock holds against other builds if this one never releases
 *     it; a build renews it while it replaces a partition
 * @param copyThreads how many staged files are copied into the partition at once
 * @param holders names this process in the month's lock and tells which holders are gone, so a lock
 *     whose process died is taken over at once (local mode); {@link LockHolders#NONE} where a lock
 *     only runs out (the Lambda)
 * @param partitionGrace how long a Glue-registered month's previous location is kept after the
 *     swap, for queries still reading it ({@link Config#PARTITION_GRACE_SECONDS})
 * @param minPreviousRowsPercent least share, in percent, of the rows the partition holds now that a
 *     query must write to replace it; 0 never counts them ({@link ReplaceGuard})
 * @param maxScanBytes most bytes a query may scan before it is stopped; 0 sets no cap
 * @param rerun what starts the month's next build, as an error that leaves work to it says (such as
 *     "the next attempt resumes it"): {@value #NEXT_ATTEMPT} where the message is delivered again
 *     (the Lambda), what to run where a person starts it (the CLI)
 */
public record BuildSettings(
    PollPolicy poll,
    long minRows,
    int queryRetries,
    Duration lockLease,
    int copyThreads,
    LockHolders holders,
    Duration partitionGrace,
    int minPreviousRowsPercent,
    long maxScanBytes,
    String rerun) {
  /**
   * The Lambda's next build of a month: SQS delivers the message again once its visibility timeout
   * ends.
   */
  public static final String NEXT_ATTEMPT = "the next attempt";

  /**
   * Copies are server-side on S3, so a thread mostly waits on one request: eight keep a month of
   * hundreds of files short (the window in which readers see old and new files) without nearing
   * S3's request rates per prefix.
   */
  public static final int DEFAULT_COPY_THREADS = 8;

  /** Enough for any bounded pool; more only adds threads that wait on the same store. */
  public static final int MAX_COPY_THREADS = 64;

  public BuildSettings {
    requireNonNull(poll, "poll is null");
    requireNonNull(lockLease, "lockLease is null");
    requireNonNull(holders, "holders is null");
    requireNonNull(partitionGrace, "partitionGrace is null");
    requireNonNull(rerun, "rerun is null");
    // The values that are settings of their own obey the rules of Config, their one home.
    Config.requireMinRows(minRows);
    Config.requireQueryRetries(queryRetries);
    Config.requireLockLease(lockLease);
    Config.requirePartitionGrace(partitionGrace);
    Config.requirePercent(minPreviousRowsPercent);
    Config.requireScanCap(maxScanBytes);
    if (copyThreads < 1 || copyThreads > MAX_COPY_THREADS) {
      throw new IllegalArgumentException(
          "copyThreads must be 1 to " + MAX_COPY_THREADS + ", got " + copyThreads);
    }
  }

  /** The defaults of {@link Config} with {@code poll}. */
  public static BuildSettings defaults(PollPolicy poll) {
    return new BuildSettings(
        poll,
        Config.DEFAULT_MIN_ROWS,
        Config.DEFAULT_ATHENA_QUERY_RETRIES,
        Duration.ofSeconds(Config.DEFAULT_LOCK_LEASE_SECONDS),
        DEFAULT_COPY_THREADS,
        LockHolders.NONE,
        Duration.ofSeconds(Config.DEFAULT_PARTITION_GRACE_SECONDS),
        Config.DEFAULT_MIN_PREVIOUS_ROWS_PERCENT,
        Config.DEFAULT_MAX_SCAN_BYTES,
        NEXT_ATTEMPT);
  }

  public BuildSettings withPoll(PollPolicy poll) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withMinRows(long minRows) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withQueryRetries(int queryRetries) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withLockLease(Duration lockLease) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withCopyThreads(int copyThreads) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withPartitionGrace(Duration partitionGrace) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withHolders(LockHolders holders) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withMinPreviousRowsPercent(int minPreviousRowsPercent) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withMaxScanBytes(long maxScanBytes) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }

  public BuildSettings withRerun(String rerun) {
    return new BuildSettings(
        poll,
        minRows,
        queryRetries,
        lockLease,
        copyThreads,
        holders,
        partitionGrace,
        minPreviousRowsPercent,
        maxScanBytes,
        rerun);
  }
}
