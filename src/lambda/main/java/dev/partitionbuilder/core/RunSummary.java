package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildResult.Step;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one monthly run did and what it cost, for success and failure alike: the shells turn it into
 * metrics, a summary log line and the CLI's table or JSON.
 *
 * @param queryExecutionId the query's id, when a query ran (for a failure: the query that failed)
 * @param bytesScanned what the query scanned; for a failed or stopped query, what it had scanned
 * @param billedMegabytes what Athena bills for it ({@link AthenaCost}); 0 when no query was billed
 * @param steps how long each step took; empty for a failure, whose steps are logged one by one
 * @param duration the whole run, as the shell measured it (lock and release included)
 * @param error the failure's message on one line, for FAILED and BUSY
 */
public record RunSummary(
    YearMonth month,
    String requestKey,
    Outcome outcome,
    Optional<String> queryExecutionId,
    OptionalLong rowsWritten,
    long bytesScanned,
    long engineMillis,
    long billedMegabytes,
    int filesCopied,
    long bytesWritten,
    int oldObjectsDeleted,
    Map<Step, Duration> steps,
    Duration duration,
    Optional<String> error) {

  public RunSummary {
    requireNonNull(month, "month is null");
    requireNonNull(requestKey, "requestKey is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(queryExecutionId, "queryExecutionId is null");
    requireNonNull(rowsWritten, "rowsWritten is null");
    steps = Map.copyOf(steps);
    requireNonNull(duration, "duration is null");
    requireNonNull(error, "error is null");
  }

  public enum Outcome {
    SUCCEEDED("succeeded"),
    /** The build failed; the message is retried. */
    FAILED("failed"),
    /** Another build held the month's lock: nothing was done, the message is retried. */
    BUSY("busy"),
    /**
     * The query was still running at the deadline: left running, the retried message resumes it.
     */
    RUNNING("running");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static RunSummary succeeded(String requestKey, BuildResult result, Duration duration) {
    return new RunSummary(
        result.month(),
        requestKey,
        Outcome.SUCCEEDED,
        Optional.of(result.queryExecutionId()),
        result.rowsWritten(),
        result.bytesScanned(),
        result.engineMillis(),
        AthenaCost.billedMegabytes(QueryExecution.State.SUCCEEDED, result.bytesScanned()),
        result.objectsCopied(),
        result.bytesWritten(),
        result.oldObjectsDeleted(),
        result.steps(),
        duration,
        Optional.empty());
  }

  /**
   * A run that threw: what is known is the time it took and, if its query ended badly, that query.
   */
  public static RunSummary failed(
      YearMonth month, String requestKey, RuntimeException failure, Duration duration) {
    Outcome outcome =
        failure instanceof MonthBusyException
            ? Outcome.BUSY
            : failure instanceof QueryStillRunningException ? Outcome.RUNNING : Outcome.FAILED;
    String error =
        SafeText.of(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    if (failure instanceof QueryFailedException queryFailure) {
      QueryExecution query = queryFailure.execution();
      return new RunSummary(
          month,
          requestKey,
          outcome,
          Optional.of(query.id()),
          OptionalLong.empty(),
          query.bytesScanned(),
          query.engineMillis(),
          AthenaCost.billedMegabytes(query.state(), query.bytesScanned()),
          0,
          0,
          0,
          Map.of(),
          duration,
          Optional.of(error));
    }
    if (failure instanceof QueryStillRunningException running) {
      // Billed when it ends, to whichever run sees it end: counted there, not here.
      return new RunSummary(
          month,
          requestKey,
          outcome,
          Optional.of(running.queryExecutionId()),
          OptionalLong.empty(),
          0,
          0,
          0,
          0,
          0,
          0,
          Map.of(),
          duration,
          Optional.of(error));
    }
    return new RunSummary(
        month,
        requestKey,
        outcome,
        Optional.empty(),
        OptionalLong.empty(),
        0,
        0,
        0,
        0,
        0,
        0,
        Map.of(),
        duration,
        Optional.of(error));
  }

  /**
   * Each step's milliseconds under its label ("query", "replace", ...), in the order the steps run.
   */
  public Map<String, Long> stepMillis() {
    Map<String, Long> millis = new LinkedHashMap<>();
    for (Step step : Step.values()) {
      Duration took = steps.get(step);
      if (took != null) {
        millis.put(step.label(), took.toMillis());
      }
    }
    return millis;
  }

  public BigDecimal estimatedCostUsd() {
    return AthenaCost.usd(billedMegabytes);
  }
}
