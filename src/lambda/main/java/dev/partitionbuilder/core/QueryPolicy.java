package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.QueryExecution.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a build waits on its query: it looks with {@link PollPolicy} backoff until the query is done,
 * leaves it running when the next look would pass the deadline, and starts a FAILED query that the
 * engine marks retryable again, up to {@code retries} times, when the next attempt can likely end
 * before the deadline. With a cap on the bytes a query may scan, a running query found past it is
 * stopped and fails.
 */
final class QueryPolicy {
  private static final Logger log = LoggerFactory.getLogger(QueryPolicy.class);

  /** Starts the query again, after whatever the failed attempt left was cleared; returns its id. */
  @FunctionalInterface
  interface Restart {
    String attempt(int number);
  }

  private final QueryEngine engine;
  private final PollPolicy poll;
  private final int retries;
  private final long maxScanBytes;
  private final String rerun;
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * @param maxScanBytes most bytes a query may scan while it runs; 0 sets no cap
   * @param rerun what starts the month's next build ({@link BuildSettings#rerun})
   */
  QueryPolicy(
      QueryEngine engine,
      PollPolicy poll,
      int retries,
      long maxScanBytes,
      String rerun,
      Clock clock,
      Sleeper sleeper) {
    this.engine = requireNonNull(engine, "engine is null");
    this.poll = requireNonNull(poll, "poll is null");
    this.retries = retries;
    this.maxScanBytes = maxScanBytes;
    this.rerun = requireNonNull(rerun, "rerun is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  /**
   * Waits for query {@code id} to succeed, restarting a retryable failure through {@code restart}.
   *
   * @param resumeHint where the next attempt finds the query when it is left running, for the
   *     message
   * @throws QueryFailedException when it ends otherwise, or scans more than the cap (stopped if it
   *     still runs; its output unused if it had already succeeded)
   * @throws QueryStillRunningException when it is still running at the deadline (left running)
   * @throws Interrupted when the waiting thread is interrupted
   */
  QueryExecution run(
      String id, YearMonth month, Instant deadline, String resumeHint, Restart restart) {
    for (int attempt = 1; ; attempt++) {
      Instant started = clock.instant();
      QueryExecution done = await(id, month, deadline, resumeHint);
      if (done.state() == State.SUCCEEDED && pastScanCap(done)) {
        // Ended between two looks: the bytes are paid for, but a query that reads more than the cap
        // allows (a template that lost its month's filter) is not trusted to replace the month.
        throw new QueryFailedException(
            "Cannot build "
                + month
                + ": query "
                + id
                + " ended SUCCEEDED having scanned "
                + done.bytesScanned()
                + " bytes, more than "
                + Config.MAX_SCAN_BYTES
                + "="
                + maxScanBytes
                + ", so its output is not used; the partition is as it was",
            done);
      }
      if (done.state() == State.SUCCEEDED) {
        return done;
      }
      String failure = "Cannot build " + month + ": query " + id + " " + done.describe();
      if (done.state() != State.FAILED || !done.retryable()) {
        throw new QueryFailedException(failure, done);
      }
      if (attempt > retries) {
        throw new QueryFailedException(
            failure
                + "; gave up after "
                + attempt
                + " attempt(s) (ATHENA_QUERY_RETRIES="
                + retries
                + ")",
            done);
      }
      Duration backoff = poll.delay(attempt - 1);
      // The failed attempt's own run time is the best guess of what the next one needs.
      Instant estimatedEnd =
          clock.instant().plus(backoff).plus(Duration.between(started, clock.instant()));
      if (estimatedEnd.isAfter(deadline)) {
        throw new QueryFailedException(
            failure
                + "; not retried: attempt "
                + (attempt + 1)
                + " would likely end after the "
                + "deadline "
                + deadline,
            done);
      }
      log.warn(
          "queryExecutionId={} FAILED and Athena marks it retryable: {}; starting attempt {} of {} in {} ms",
          id,
          done.describe(),
          attempt + 1,
          retries + 1,
          backoff.toMillis());
      sleep(backoff, id);
      id = restart.attempt(attempt + 1);
    }
  }

  /**
   * Looks with backoff until the query ends; leaves it running when the next look would pass the
   * deadline, and stops it once it has scanned more than the cap.
   *
   * @throws QueryFailedException when it scanned more than the cap
   */
  QueryExecution await(String id, YearMonth month, Instant deadline, String resumeHint) {
    for (int attempt = 0; ; attempt++) {
      QueryExecution execution = engine.get(id);
      if (execution.state().isDone()) {
        return execution;
      }
      if (pastScanCap(execution)) {
        throw stopPastScanCap(execution, month);
      }
      Duration delay = poll.delay(attempt);
      if (clock.instant().plus(delay).isAfter(deadline)) {
        // Stopping it would throw away the work done so far; the next attempt waits on it instead.
        throw new QueryStillRunningException(
            "Cannot finish "
                + month
                + " before the deadline "
                + deadline
                + ": query "
                + id
                + " is still "
                + execution.state()
                + "; it was left running and "
                + rerun
                + " resumes it "
                + "(state in "
                + resumeHint
                + ")",
            id);
      }
      log.debug(
          "queryExecutionId={} {}; next look in {} ms", id, execution.state(), delay.toMillis());
      sleep(delay, id);
    }
  }

  private boolean pastScanCap(QueryExecution execution) {
    return maxScanBytes > 0 && execution.bytesScanned() > maxScanBytes;
  }

  /**
   * Stops a query that scanned past the cap and waits for it to end, so the next build's query
   * meets nothing of it.
   */
  private QueryFailedException stopPastScanCap(QueryExecution running, YearMonth month) {
    String id = running.id();
    log.warn(
        "queryExecutionId={} has scanned {} bytes, more than {}={}: stopping it",
        id,
        running.bytesScanned(),
        Config.MAX_SCAN_BYTES,
        maxScanBytes);
    boolean ended;
    try {
      ended = stopAndWait(id, PartitionBuilder.STOP_WAIT);
    } catch (RuntimeException e) {
      QueryFailedException failure =
          new QueryFailedException(
              "Cannot build "
                  + month
                  + ": query "
                  + id
                  + " has scanned "
                  + running.bytesScanned()
                  + " bytes, more than "
                  + Config.MAX_SCAN_BYTES
                  + "="
                  + maxScanBytes
                  + ", and could not "
                  + "be stopped: "
                  + e.getMessage()
                  + "; the partition is as it was",
              running);
      failure.addSuppressed(e);
      return failure;
    }
    return new QueryFailedException(
        "Cannot build "
            + month
            + ": query "
            + id
            + " has scanned "
            + running.bytesScanned()
            + " bytes, more than "
            + Config.MAX_SCAN_BYTES
            + "="
            + maxScanBytes
            + ", so it was stopped"
            + (ended
                ? ""
                : " (it had not ended after " + PartitionBuilder.STOP_WAIT.toSeconds() + " s)")
            + "; the partition is as it was",
        running);
  }

  /**
   * Stops the query and waits up to {@code limit} for the engine to say it ended, so that nothing
   * it still writes meets the next query's output.
   *
   * @return true when it ended in time; false when it may still be running (or the wait was
   *     interrupted)
   */
  boolean stopAndWait(String id, Duration limit) {
    engine.stop(id);
    Instant giveUp = clock.instant().plus(limit);
    for (int attempt = 0; ; attempt++) {
      if (engine.get(id).state().isDone()) {
        return true;
      }
      Duration delay = poll.delay(attempt);
      if (clock.instant().plus(delay).isAfter(giveUp)) {
        return false;
      }
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        // A second interrupt while stopping: stop waiting, but let the caller finish its cleanup.
        return false;
      }
    }
  }

  private void sleep(Duration delay, String id) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      // The interrupt is answered by the caller (it stops the query), not passed on: its cleanup
      // calls must not be interrupted in turn.
      throw new Interrupted(id);
    }
  }

  /** The thread waiting on query {@code id} was interrupted. */
  static final class Interrupted extends RuntimeException {
    final String queryExecutionId;

    Interrupted(String queryExecutionId) {
      super("interrupted while waiting for query " + queryExecutionId, null, false, false);
      this.queryExecutionId = queryExecutionId;
    }
  }
}
