package dev.partitionbuilder.core;

/** Lets tests in other packages compute the idempotency token the builder sends. */
public final class PartitionBuilderTestAccess {
  private PartitionBuilderTestAccess() {}

  public static String token(String requestKey, String sql) {
    return PartitionBuilder.token(requestKey, sql);
  }
}
