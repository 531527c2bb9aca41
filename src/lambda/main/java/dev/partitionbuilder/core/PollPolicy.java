package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long to wait between two looks at a running query: {@code initial}, doubling each time, up to
 * {@code max}. Athena's own examples poll every second; a CTAS over a month runs for minutes, so
 * backing off saves GetQueryExecution calls (and their throttling quota) without adding much delay.
 */
public record PollPolicy(Duration initial, Duration max) {
  public PollPolicy {
    requireNonNull(initial, "initial is null");
    requireNonNull(max, "max is null");
  }

  public Duration delay(int attempt) {
    Duration delay = initial;
    for (int i = 0; i < attempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
