package dev.partitionbuilder.local.trino;

import dev.partitionbuilder.core.MonthPartitioning;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Partition projection as Athena documents it, against what Trino 483 implements (plugin/trino-hive
 * {@code io.trino.plugin.hive.projection}): where Trino would project other partitions than Athena,
 * or fail only when queried, the table is refused when it is defined. Whitespace that Athena's
 * documentation allows around a property is trimmed, as Trino would otherwise fail to parse it.
 */
final class ProjectionCheck {
  /** Trino's DateProjection accepts only these range expressions, case-sensitive. */
  private static final Pattern TRINO_NOW =
      Pattern.compile("^\\s*NOW\\s*(([+-])\\s*([0-9]+)\\s*(DAY|HOUR|MINUTE|SECOND)S?\\s*)?$");

  /**
   * Trino's DateProjection steps only by these; Athena also by YEARS, MONTHS, WEEKS and
   * MILLISECONDS.
   */
  private static final Set<String> TRINO_DATE_UNITS = Set.of("DAYS", "HOURS", "MINUTES", "SECONDS");

  /** What Athena documents for a range bound relative to now (its docs write NOW-3YEARS). */
  private static final Pattern ATHENA_NOW =
      Pattern.compile(
          "^\\s*NOW\\s*([+-])\\s*([0-9]+)\\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?\\s*$");

  private ProjectionCheck() {}

  /**
   * The DDL's table properties as the local engine gets them, or why they cannot be.
   *
   * @param clock the now of a date range such as {@code NOW-3YEARS}, which Trino 483 cannot parse:
   *     it becomes the date it stands for, formatted with the projection's format, when the table
   *     is defined (Athena works it out when the query runs; the same partitions unless a run spans
   *     a step of the projection)
   */
  static Map<String, String> check(HiveDdl ddl, Clock clock) {
    Map<String, String> properties = new LinkedHashMap<>(ddl.tableProperties());
    String enabled = properties.get("projection.enabled");
    if (enabled == null || !enabled.strip().equalsIgnoreCase("true")) {
      return properties;
    }
    properties.put("projection.enabled", "true");
    for (HiveDdl.Column column : ddl.partitionColumns()) {
      String name = column.name();
      trim(properties, name, "type");
      trim(properties, name, "interval");
      trim(properties, name, "digits");
      String type = properties.getOrDefault(key(name, "type"), "").toLowerCase(Locale.ROOT);
      switch (type) {
        case "integer" -> checkInteger(properties, name);
        case "enum" -> checkEnum(properties, name);
        case "date" -> checkDate(properties, name, clock);
        default -> {}
      }
    }
    return properties;
  }

  private static void checkInteger(Map<String, String> properties, String column) {
    String range = properties.get(key(column, "range"));
    if (range == null) {
      return;
    }
    for (String bound : range.split(",")) {
      try {
        long value = Long.parseLong(bound.strip());
        if (value != (int) value) {
          throw refused(
              column,
              "range",
              range,
              "Trino 483 projects integers only between -2147483648 and"
                  + " 2147483647, Athena any long");
        }
      } catch (NumberFormatException e) {
        return; // Not a number in Athena either: Trino says so when the table is read.
      }
    }
  }

  private static void checkEnum(Map<String, String> properties, String column) {
    String values = properties.get(key(column, "values"));
    if (values == null) {
      return;
    }
    for (String value : values.split(",", -1)) {
      if (value.isEmpty() || !value.equals(value.strip())) {
        throw refused(
            column,
            "values",
            values,
            "Athena keeps white space and empty values in an enum,"
                + " the local engine drops them");
      }
    }
  }

  private static void checkDate(Map<String, String> properties, String column, Clock clock) {
    if (monthsAsEnum(properties, column, clock)) {
      return;
    }
    String range = properties.get(key(column, "range"));
    if (range != null) {
      List<String> bounds = new ArrayList<>();
      for (String bound : range.split(",", -1)) {
        bounds.add(dateBound(properties, column, range, bound, clock));
      }
      properties.put(key(column, "range"), String.join(",", bounds));
    }
    String format = properties.get(key(column, "format"));
    if (format != null && !format.replaceAll("'.*?'", "").contains("d")) {
      // Trino 483 parses a bound with no day (yyyy/MM) into a LocalDateTime and fails; Athena
      // steps such a format by months, which Trino's DateProjection cannot either.
      throw refused(
          column,
          "format",
          format,
          "Trino 483 cannot project a date format without a day; Athena" + " steps it by months");
    }
    String unit = properties.get(key(column, "interval.unit"));
    if (unit != null) {
      String upper = unit.strip().toUpperCase(Locale.ROOT);
      if (!TRINO_DATE_UNITS.contains(upper)) {
        throw refused(
            column,
            "interval.unit",
            unit,
            "Trino 483 steps dates only by DAYS, HOURS, MINUTES or SECONDS");
      }
      properties.put(key(column, "interval.unit"), upper);
    }
  }

  /**
   * A date projection by months ({@code yyyy-MM}, {@code yyyy/MM}: a format naming the year and the
   * month and nothing finer, stepped by MONTHS), which Trino 483 cannot project, becomes the enum
   * of the very values Athena projects: every month of the range, {@code interval} months apart,
   * formatted with the format. A bound relative to NOW is the month it is now. False for any other
   * date projection.
   */
  private static boolean monthsAsEnum(Map<String, String> properties, String column, Clock clock) {
    String format = properties.get(key(column, "format"));
    String range = properties.get(key(column, "range"));
    String unit =
        properties
            .getOrDefault(key(column, "interval.unit"), "MONTHS")
            .strip()
            .toUpperCase(Locale.ROOT);
    if (format == null || range == null || !unit.equals("MONTHS")) {
      return false;
    }
    DateTimeFormatter formatter;
    try {
      formatter = DateTimeFormatter.ofPattern(format.strip(), Locale.ROOT);
      if (!MonthPartitioning.namesOneMonth(formatter)) {
        return false;
      }
    } catch (java.time.DateTimeException | IllegalArgumentException e) {
      return false;
    }
    String[] bounds = range.split(",", -1);
    if (bounds.length != 2) {
      return false;
    }
    java.time.YearMonth from = monthBound(bounds[0], formatter, clock, column, range);
    java.time.YearMonth to = monthBound(bounds[1], formatter, clock, column, range);
    long interval;
    try {
      interval = Long.parseLong(properties.getOrDefault(key(column, "interval"), "1").strip());
    } catch (NumberFormatException e) {
      return false;
    }
    if (interval < 1
        || from.isAfter(to)
        || from.until(to, ChronoUnit.MONTHS) / interval > 100_000) {
      throw refused(
          column, "range", range, "no month, or more than 100,000 months, between its bounds");
    }
    List<String> values = new ArrayList<>();
    for (java.time.YearMonth m = from; !m.isAfter(to); m = m.plusMonths(interval)) {
      values.add(formatter.format(m.atDay(1)));
    }
    properties.put(key(column, "type"), "enum");
    properties.put(key(column, "values"), String.join(",", values));
    properties.remove(key(column, "format"));
    properties.remove(key(column, "range"));
    properties.remove(key(column, "interval"));
    properties.remove(key(column, "interval.unit"));
    return true;
  }

  private static java.time.YearMonth monthBound(
      String bound, DateTimeFormatter format, Clock clock, String column, String range) {
    java.time.YearMonth now = java.time.YearMonth.now(clock.withZone(ZoneOffset.UTC));
    String b = bound.strip();
    if (b.equals("NOW")) {
      return now;
    }
    java.util.regex.Matcher relative = ATHENA_NOW.matcher(b);
    if (relative.matches()
        && (relative.group(3).equals("YEAR") || relative.group(3).equals("MONTH"))) {
      long amount = Long.parseLong(relative.group(2)) * (relative.group(1).equals("-") ? -1 : 1);
      return relative.group(3).equals("YEAR") ? now.plusYears(amount) : now.plusMonths(amount);
    }
    try {
      var parsed = format.parse(b);
      return java.time.YearMonth.of(
          parsed.get(java.time.temporal.ChronoField.YEAR),
          parsed.get(java.time.temporal.ChronoField.MONTH_OF_YEAR));
    } catch (java.time.DateTimeException e) {
      throw refused(
          column,
          "range",
          range,
          "the bound "
              + b
              + " is neither NOW, NOW-nMONTHS/YEARS nor a month in the"
              + " projection's format",
          e);
    }
  }

  /**
   * A range bound Trino 483 reads as Athena does: a date, NOW, or NOW±n in DAYS, HOURS, MINUTES or
   * SECONDS, as written; NOW±n WEEKS as that many days; NOW±n YEARS or MONTHS as the date it is
   * now.
   */
  private static String dateBound(
      Map<String, String> properties, String column, String range, String bound, Clock clock) {
    if (!bound.strip().toUpperCase(Locale.ROOT).startsWith("NOW")
        || TRINO_NOW.matcher(bound).matches()) {
      return bound;
    }
    java.util.regex.Matcher relative = ATHENA_NOW.matcher(bound);
    if (!relative.matches()) {
      throw refused(
          column,
          "range",
          range,
          "Trino 483 takes only NOW, NOW+nUNIT or NOW-nUNIT with"
              + " UNIT one of DAYS, HOURS, MINUTES, SECONDS, in capitals; YEARS, MONTHS and WEEKS are worked out here");
    }
    long amount = Long.parseLong(relative.group(2)) * (relative.group(1).equals("-") ? -1 : 1);
    return switch (relative.group(3)) {
      case "WEEK" -> "NOW" + relative.group(1) + (Math.abs(amount) * 7) + "DAYS";
      case "YEAR", "MONTH" -> {
        String format = properties.get(key(column, "format"));
        if (format == null) {
          throw refused(
              column,
              "range",
              range,
              "a range relative to NOW in "
                  + relative.group(3)
                  + "S needs"
                  + " projection."
                  + column
                  + ".format");
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        yield now.plus(
                amount, relative.group(3).equals("YEAR") ? ChronoUnit.YEARS : ChronoUnit.MONTHS)
            .format(DateTimeFormatter.ofPattern(format.strip(), Locale.ROOT));
      }
      default -> bound;
    };
  }

  private static void trim(Map<String, String> properties, String column, String suffix) {
    properties.computeIfPresent(key(column, suffix), (k, v) -> v.strip());
  }

  private static String key(String column, String suffix) {
    return "projection." + column + "." + suffix;
  }

  private static IllegalArgumentException refused(
      String column, String suffix, String value, String why) {
    return refused(column, suffix, value, why, null);
  }

  private static IllegalArgumentException refused(
      String column, String suffix, String value, String why, Throwable cause) {
    return new IllegalArgumentException(
        "not supported locally: " + key(column, suffix) + " '" + value + "' (" + why + ")", cause);
  }
}
