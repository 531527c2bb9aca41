package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

/**
 * The CTAS ended FAILED or CANCELLED (a retryable failure once its retries are spent, or when
 * another attempt would likely end after the deadline), or scanned more than MAX_SCAN_BYTES and was
 * stopped or its output refused. A query still running at the deadline is not one: it is left
 * running ({@link QueryStillRunningException}).
 */
public final class QueryFailedException extends PartitionBuilderException {
  private final QueryExecution execution;

  public QueryFailedException(String message, QueryExecution execution) {
    super(message);
    this.execution = requireNonNull(execution, "execution is null");
  }

  public QueryExecution execution() {
    return execution;
  }
}
