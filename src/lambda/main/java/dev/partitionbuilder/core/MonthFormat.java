package dev.partitionbuilder.core;

import java.time.YearMonth;
import java.util.Locale;

/**
 * How a month is spelled wherever the builder names it in a key, a path, a table name or SQL: a
 * four-digit year and a two-digit month, in ASCII digits whatever the default locale.
 */
public final class MonthFormat {
  private MonthFormat() {}

  /** {@code 2024} */
  public static String year(YearMonth month) {
    return String.format(Locale.ROOT, "%04d", month.getYear());
  }

  /** {@code 03} */
  public static String month(YearMonth month) {
    return String.format(Locale.ROOT, "%02d", month.getMonthValue());
  }

  /** {@code 2024/03}: the month's directory below a table's root or a CloudTrail-style source. */
  public static String path(YearMonth month) {
    return year(month) + "/" + month(month);
  }

  /** {@code 202403}: the month in a name that allows no '/'. */
  public static String compact(YearMonth month) {
    return year(month) + month(month);
  }
}
