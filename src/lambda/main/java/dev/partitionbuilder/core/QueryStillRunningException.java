package dev.partitionbuilder.core;

/**
 * The query was still running when the attempt reached its deadline. It is left running, and its id
 * is saved next to the data, so the next build of the month (the retried message, or any other)
 * waits on the same execution instead of starting the query again. Not a failure of the month.
 */
public final class QueryStillRunningException extends PartitionBuilderException {
  private final String queryExecutionId;

  public QueryStillRunningException(String message, String queryExecutionId) {
    super(message);
    this.queryExecutionId = queryExecutionId;
  }

  public String queryExecutionId() {
    return queryExecutionId;
  }
}
