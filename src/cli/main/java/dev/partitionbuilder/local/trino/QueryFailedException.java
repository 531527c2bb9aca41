package dev.partitionbuilder.local.trino;

/** A statement the engine ran and refused or failed, with Trino's own message on one line. */
public final class QueryFailedException extends RuntimeException {
  public QueryFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
