package dev.partitionbuilder.lambda;

import dev.partitionbuilder.core.PartitionBuilder;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.Duration;

/** Lets tests in other packages build the handler over a builder of their own. */
public final class HandlerTestAccess {
  private HandlerTestAccess() {}

  public static Handler handler(
      TriggerParser parser, PartitionBuilder builder, Duration deadlineMargin, Clock clock) {
    return new Handler(parser, builder, deadlineMargin, clock);
  }
}
