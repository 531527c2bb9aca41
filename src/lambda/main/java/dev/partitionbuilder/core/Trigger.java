package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.YearMonth;

/**
 * A month to build and how the message named it.
 *
 * @param origin {@code explicit}, or {@code schedule <time>} for a scheduled run
 */
public record Trigger(YearMonth month, String origin) {
  public Trigger {
    requireNonNull(month, "month is null");
    requireNonNull(origin, "origin is null");
  }
}
