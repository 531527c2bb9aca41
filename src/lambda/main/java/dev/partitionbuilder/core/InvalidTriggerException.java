package dev.partitionbuilder.core;

/**
 * A message that does not name a month we can build. Nothing has been touched when it is thrown.
 */
public final class InvalidTriggerException extends PartitionBuilderException {
  public InvalidTriggerException(String message) {
    super(message);
  }

  public InvalidTriggerException(String message, Throwable cause) {
    super(message, cause);
  }
}
