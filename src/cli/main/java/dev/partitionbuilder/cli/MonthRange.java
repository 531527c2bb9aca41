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

  /**
   * Ten years. More in one command is more likely a typo (--from 1900-01) than a backfill, so it
   * needs --yes.
   */
  static final int MAX_MONTHS = 120;

  /**
   * Every month from {@code from} to {@code to}, both included.
   *
   * @param yes whether a range of more than {@value #MAX_MONTHS} months was confirmed
   * @param action what the command does with the months, for the refusal: "rebuild each"
   */
  static List<YearMonth> of(String from, String to, boolean yes, String action) {
    YearMonth first = month(from);
    YearMonth last = month(to);
    if (last.isBefore(first)) {
      throw new ConfigException("--to " + last + " is before --from " + first);
    }
    long count = first.until(last, java.time.temporal.ChronoUnit.MONTHS) + 1;
    if (count > MAX_MONTHS && !yes) {
      throw new ConfigException(
          String.format(
              java.util.Locale.ROOT,
              "Refusing --from %s --to %s: that is %,d months, "
                  + "more than %d (ten years): check the range, or pass --yes to %s of them",
              first,
              last,
              count,
              MAX_MONTHS,
              action));
    }
    List<YearMonth> months = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      months.add(m);
    }
    return months;
  }

  /**
   * Months in order, for a message: {@code 2024-03}, {@code 2024-01 to 2024-06}, {@code 2023-11,
   * 2024-01 to 2024-02}.
   */
  static String describe(List<YearMonth> months) {
    List<String> runs = new ArrayList<>();
    int i = 0;
    while (i < months.size()) {
      int j = i;
      while (j + 1 < months.size() && months.get(j + 1).equals(months.get(j).plusMonths(1))) {
        j++;
      }
      runs.add(i == j ? months.get(i).toString() : months.get(i) + " to " + months.get(j));
      i = j + 1;
    }
    // A long list of scattered months says how many more instead of naming each.
    return runs.size() <= 5
        ? String.join(", ", runs)
        : String.join(", ", runs.subList(0, 5)) + " and " + (runs.size() - 5) + " more";
  }
}
