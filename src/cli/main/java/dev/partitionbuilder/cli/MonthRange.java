package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.TriggerParser;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Months given on a command line, held to the same rules as a message (calendar months in UTC). */
final class MonthRange {
  private static final TriggerParser PARSER = new TriggerParser(ZoneOffset.UTC, Clock.systemUTC());

  private MonthRange() {}

  static YearMonth month(String text) {
    return PARSER.parseMonth(text);
  }

  /** Every month from {@code from} to {@code to}, both included. */
  static List<YearMonth> of(String from, String to) {
    YearMonth first = month(from);
    YearMonth last = month(to);
    if (last.isBefore(first)) {
      throw new ConfigException("--to " + last + " is before --from " + first);
    }
    List<YearMonth> months = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      months.add(m);
    }
    return months;
  }
}
