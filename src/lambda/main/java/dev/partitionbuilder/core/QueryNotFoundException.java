package dev.partitionbuilder.core;

/**
 * The engine has no query with this id: it was never started there, or its history is gone (Athena
 * keeps 45 days of it; a local engine forgets its queries when the process ends).
 */
public final class QueryNotFoundException extends PartitionBuilderException {
  public QueryNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
