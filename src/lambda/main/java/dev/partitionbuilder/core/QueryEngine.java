package dev.partitionbuilder.core;

import java.util.OptionalLong;

/** Runs SQL asynchronously (Athena on AWS): start, then look at the execution until it ends. */
public interface QueryEngine {
  /**
   * Starts {@code sql}. Starting twice with the same {@code idempotencyToken} must not run the
   * query twice: the engine returns the execution of the first start.
   *
   * @return the query execution id
   */
  String start(String sql, String idempotencyToken);

  /**
   * One look at a query.
   *
   * @throws QueryNotFoundException when the engine has no query with this id (never started there,
   *     or its history expired); any other failure to look is a different exception
   */
  QueryExecution get(String queryExecutionId);

  /** Asks the engine to stop a query; a query that already ended is left as it is. */
  void stop(String queryExecutionId);

  /** Rows a succeeded CTAS wrote, or empty when the engine does not say. */
  OptionalLong rowsWritten(String queryExecutionId);

  /**
   * The one value a succeeded query returned, as a whole number: the single row of a single column
   * of, say, {@code SELECT count(*) ...}.
   *
   * @throws PartitionBuilderException when the engine cannot give it, or the result is not one
   *     whole number (the message says what it found)
   */
  long numberResult(String queryExecutionId);
}
