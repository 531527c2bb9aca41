package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.PartitionBuilder;
import org.slf4j.MDC;

/**
 * The MDC entries a shell sets around one month's build, as the Lambda's handler does, so that
 * every core log line about the month names it: CliLogProvider prints them at the start of the
 * line.
 */
final class MonthLogContext implements AutoCloseable {
  private final MDC.MDCCloseable messageId;
  private final MDC.MDCCloseable month;

  private MonthLogContext(BuildRequest request) {
    messageId = MDC.putCloseable(PartitionBuilder.MESSAGE_ID, request.requestKey());
    month = MDC.putCloseable(PartitionBuilder.MONTH, request.month().toString());
  }

  static MonthLogContext of(BuildRequest request) {
    return new MonthLogContext(request);
  }

  @Override
  public void close() {
    month.close();
    messageId.close();
  }
}
