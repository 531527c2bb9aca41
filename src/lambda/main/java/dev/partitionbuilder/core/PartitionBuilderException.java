package dev.partitionbuilder.core;

/**
 * A rebuild step could not be done. The message says what and why, with the value at fault, on one
 * line; adapters translate their SDK's exceptions into this one at the edge.
 */
public class PartitionBuilderException extends RuntimeException {
  public PartitionBuilderException(String message) {
    super(SafeText.of(message));
  }

  public PartitionBuilderException(String message, Throwable cause) {
    super(SafeText.of(message), cause);
  }
}
