package dev.partitionbuilder.core;

/**
 * The month's lock no longer holds this build's lease (it ran out and another build took the month
 * over, or someone removed the lock): the build stopped before its next destructive step and left
 * the partition to whoever holds the month now.
 */
public final class LockLostException extends PartitionBuilderException {
  public LockLostException(String message) {
    super(message);
  }
}
