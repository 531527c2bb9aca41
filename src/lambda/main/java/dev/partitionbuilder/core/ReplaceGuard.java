package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check against the previous partition, before a query's files replace it: with {@value
 * Config#MIN_PREVIOUS_ROWS_PERCENT} set, the query must have written at least that share of the
 * rows the partition holds now, so that a broken template or a partial source month never replaces
 * a good month. The rows are counted with {@code SELECT count(*)} on the long-lived table, which
 * Athena answers from the Parquet footers. A month with no rows yet always passes.
 */
final class ReplaceGuard {
  private static final Logger log = LoggerFactory.getLogger(ReplaceGuard.class);

  private final TableLayout layout;
  private final QueryEngine engine;
  private final QueryPolicy queries;
  private final int minPreviousRowsPercent;

  /**
   * @param minPreviousRowsPercent 0 to 100; 0 turns the check off and counts nothing
   */
  ReplaceGuard(
      TableLayout layout, QueryEngine engine, QueryPolicy queries, int minPreviousRowsPercent) {
    this.layout = requireNonNull(layout, "layout is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.queries = requireNonNull(queries, "queries is null");
    Config.requirePercent(minPreviousRowsPercent);
    this.minPreviousRowsPercent = minPreviousRowsPercent;
  }

  /**
   * Refuses {@code rows}, what the query wrote, when it is fewer than the share of the partition's
   * current rows.
   *
   * @throws PartitionBuilderException when refused: the output is not worth resuming
   * @throws CountFailedException when the partition's rows could not be counted: the output may be
   *     good, and the next attempt checks it again
   */
  void requireEnoughOfThePrevious(
      PartitionPlan plan, OptionalLong rows, String requestKey, Instant deadline) {
    if (minPreviousRowsPercent == 0) {
      return;
    }
    String setting = Config.MIN_PREVIOUS_ROWS_PERCENT + "=" + minPreviousRowsPercent;
    long previous = countPrevious(plan, requestKey, deadline, setting);
    if (previous == 0) {
      log.info("the partition holds no rows yet: nothing to compare with ({})", setting);
      return;
    }
    if (rows.isEmpty()) {
      throw new PartitionBuilderException(
          "Cannot replace "
              + plan.month()
              + ": the query engine did not say how many "
              + "rows the query wrote, to compare with the "
              + previous
              + " rows the partition holds now ("
              + setting
              + "): leaving the previous partition as it was");
    }
    long written = rows.getAsLong();
    // Exact: written / previous < percent / 100, without rounding or overflow.
    if (BigInteger.valueOf(written)
            .multiply(BigInteger.valueOf(100))
            .compareTo(
                BigInteger.valueOf(previous).multiply(BigInteger.valueOf(minPreviousRowsPercent)))
        < 0) {
      throw new PartitionBuilderException(
          "Cannot replace "
              + plan.month()
              + ": the query wrote "
              + written
              + " rows, fewer than "
              + minPreviousRowsPercent
              + "% of the "
              + previous
              + " rows the partition holds now ("
              + setting
              + "): leaving the previous partition as it was");
    }
    log.info(
        "the query wrote {} rows; the partition holds {} now ({})", written, previous, setting);
  }

  /**
   * {@code SELECT count(*)} of the month on the long-lived table, as the engine's users read it.
   */
  String countSql(PartitionPlan plan) {
    return "SELECT count(*) FROM \""
        + layout.database()
        + "\".\""
        + layout.destinationTable()
        + "\" WHERE "
        + layout.monthPredicate(plan.month());
  }

  private long countPrevious(
      PartitionPlan plan, String requestKey, Instant deadline, String setting) {
    String sql = countSql(plan);
    String failure =
        "Cannot check "
            + plan.month()
            + " against the rows its partition holds now ("
            + setting
            + "): ";
    String id;
    try {
      // A token of this count alone: a reused one would hand back an earlier, older count.
      id =
          engine.start(
              sql, PartitionBuilder.token(requestKey + "@previous-rows@" + UUID.randomUUID(), sql));
    } catch (PartitionBuilderException e) {
      throw new CountFailedException(failure + e.getMessage(), e);
    }
    log.info("queryExecutionId={} counts the rows the partition holds now: {}", id, sql);
    QueryExecution done;
    try {
      done = queries.await(id, plan.month(), deadline, "no saved state: it only counts");
    } catch (QueryStillRunningException e) {
      throw new CountFailedException(
          failure + "query " + id + " still ran at the deadline " + deadline + "; " + stop(id, e),
          e);
    } catch (QueryPolicy.Interrupted e) {
      stop(id, e);
      throw e;
    } catch (PartitionBuilderException e) {
      throw new CountFailedException(failure + e.getMessage(), e);
    }
    if (done.state() != QueryExecution.State.SUCCEEDED) {
      throw new CountFailedException(failure + "query " + id + " " + done.describe(), null);
    }
    long count;
    try {
      count = engine.numberResult(id);
    } catch (PartitionBuilderException e) {
      throw new CountFailedException(failure + e.getMessage(), e);
    }
    if (count < 0) {
      throw new CountFailedException(failure + "query " + id + " counted " + count + " rows", null);
    }
    return count;
  }

  /** Stops the count, keeping a failure to stop it with {@code failure}; says what was done. */
  private String stop(String id, RuntimeException failure) {
    try {
      engine.stop(id);
      return "it was stopped";
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      return "stopping it failed too: " + e.getMessage();
    }
  }

  /**
   * The partition's rows could not be counted, so the check could not be made. Not a verdict on the
   * query's output: its saved state is kept, and the next attempt checks it again without running
   * the query anew.
   */
  static final class CountFailedException extends PartitionBuilderException {
    CountFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
