package dev.partitionbuilder.core;

import java.time.YearMonth;

/**
 * Another build holds the month's lock, so this one did nothing. Not a failure of the month: the
 * message is retried after the queue's visibility timeout, by when the holder has usually finished.
 * The error names the command that removes a lock that no build holds any more ({@link
 * #unlockCommand}).
 */
public final class MonthBusyException extends PartitionBuilderException {
  public MonthBusyException(String message) {
    super(message);
  }

  /** The command line that removes the month's lock, as busy errors name it. */
  public static String unlockCommand(YearMonth month) {
    return "partition-builder unlock --month " + month;
  }
}
