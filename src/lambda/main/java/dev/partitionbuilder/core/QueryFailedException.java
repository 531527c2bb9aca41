package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

/** The query engine ended the CTAS in FAILED or CANCELLED, or it ran past the deadline. */
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
