package dev.partitionbuilder.core;

/**
 * Another build holds the month's lock, so this one did nothing. Not a failure of the month: the
 * message is retried after the queue's visibility timeout, by when the holder has usually finished.
 */
public final class MonthBusyException extends PartitionBuilderException {
  public MonthBusyException(String message) {
    super(message);
  }
}
