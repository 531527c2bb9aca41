package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one month of the long-lived table lives, read from the table itself ({@link
 * TableDefinition}): the partition values that name the month and the key prefix that holds its
 * files. Two kinds of table:
 *
 * <ul>
 *   <li><b>projected</b> ({@code projection.enabled=true}): the month's prefix is the table's
 *       {@code storage.location.template} with the month's values, or Hive-style {@code
 *       <LOCATION>key=value/...} when there is none, as Athena reads it. Any template below the
 *       table's LOCATION works: {@code ${year}/${month}/}, {@code year=${year}/month=${month}/},
 *       one date key ({@code ${dt}/} with a format such as {@code yyyy-MM} or {@code yyyy/MM});
 *   <li><b>registered</b> (no projection): each month is a Glue partition. Its prefix here is
 *       {@code <LOCATION>key=value/.../}, under which every build writes a location of its own that
 *       the partition is then pointed at.
 * </ul>
 *
 * A month is named by two keys (year then month; or keys named {@code year} and {@code month} in
 * either order) or by one date key whose format names the year and the month and nothing finer. Any
 * other table is refused when this is made, in one line, before anything runs.
 */
public final class MonthPartitioning {

  /**
   * One partition key: its name, the month's value for it, and whether the table covers the month.
   */
  private record Key(
      String name,
      Function<YearMonth, String> value,
      Predicate<YearMonth> covers,
      String range,
      boolean string) {
    Key(String name, Function<YearMonth, String> value, Predicate<YearMonth> covers, String range) {
      this(name, value, covers, range, true);
    }

    /**
     * This key's SQL literal for the month: quoted for a string key, a number for an integer one.
     */
    String literal(YearMonth month) {
      String v = value.apply(month);
      return string ? "'" + v.replace("'", "''") + "'" : v;
    }
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern S3_LOCATION = Pattern.compile("s3a?n?://([^/]+)/(.*)");
  private static final Pattern INTEGER_TYPE =
      Pattern.compile("(?i)tinyint|smallint|int|integer|bigint");
  private static final Pattern STRING_TYPE =
      Pattern.compile("(?i)string|varchar(\\(\\d+\\))?|char\\(\\d+\\)");

  /** The areas the builder keeps below the table's root: no month's prefix may lie in them. */
  private static final List<String> INTERNAL_AREAS =
      List.of(TableLayout.STAGING, TableLayout.LOCKS, TableLayout.STATE);

  private final String table;
  private final String bucket;
  private final String root;
  private final boolean projected;

  /** The month's prefix relative to the bucket, with {@code ${key}} for each key's value. */
  private final String template;

  private final List<Key> keys;

  private MonthPartitioning(
      String table,
      String bucket,
      String root,
      boolean projected,
      String template,
      List<Key> keys) {
    this.table = table;
    this.bucket = bucket;
    this.root = root;
    this.projected = projected;
    this.template = template;
    this.keys = List.copyOf(keys);
  }

  /**
   * The table's months as {@code table} lays them out.
   *
   * @throws ConfigException naming the table and what keeps it from holding a monthly partition
   */
  public static MonthPartitioning of(TableDefinition table) {
    requireNonNull(table, "table is null");
    Matcher location = S3_LOCATION.matcher(table.location());
    if (!location.matches() || location.group(1).isEmpty()) {
      throw cannot(
          table,
          "its LOCATION "
              + SafeText.quote(table.location())
              + " is not an s3://bucket/prefix/ location");
    }
    String bucket = location.group(1);
    String root =
        location.group(2).isEmpty() || location.group(2).endsWith("/")
            ? location.group(2)
            : location.group(2) + "/";
    if (root.isEmpty()) {
      throw cannot(
          table,
          "its LOCATION "
              + SafeText.quote(table.location())
              + " is a bucket's root: the builder keeps its _staging/, _locks/ and _state/ areas beside the partitions, "
              + "so the table needs a prefix of its own");
    }
    Map<String, String> p = table.parameters();
    boolean projected =
        "true".equalsIgnoreCase(p.getOrDefault("projection.enabled", "false").strip());
    List<TableDefinition.Column> columns = table.partitionKeys();
    List<Key> keys =
        switch (columns.size()) {
          case 0 ->
              throw cannot(
                  table,
                  "it has no partition keys (PARTITIONED BY), so it has no monthly partition to replace");
          case 1 -> List.of(dateKey(table, columns.get(0), projected));
          case 2 -> yearAndMonth(table, columns, projected);
          default ->
              throw cannot(
                  table,
                  "it is partitioned by "
                      + names(columns)
                      + ": a month must be named by "
                      + "(year, month) or by one date key, so one build cannot replace a month of every other key's value");
        };
    String template;
    if (projected && p.containsKey("storage.location.template")) {
      template =
          relativeTemplate(
              table, bucket, root, p.get("storage.location.template").strip(), columns);
    } else {
      StringBuilder hive = new StringBuilder(root);
      for (TableDefinition.Column key : columns) {
        hive.append(key.name()).append("=${").append(key.name()).append("}/");
      }
      template = hive.toString();
    }
    return new MonthPartitioning(table.name(), bucket, root, projected, template, keys);
  }

  /**
   * The layout of the bundled destination table, {@code <root>${year}/${month}/} with a four-digit
   * year and a two-digit month, projected.
   */
  public static MonthPartitioning yearMonth(String bucket, String root) {
    return new MonthPartitioning(
        "the destination table",
        bucket,
        root,
        true,
        root + "${year}/${month}/",
        List.of(
            new Key("year", MonthFormat::year, m -> true, "any year"),
            new Key("month", MonthFormat::month, m -> true, "1 to 12")));
  }

  /** The bucket the table's LOCATION names. */
  public String bucket() {
    return bucket;
  }

  /** The table's LOCATION as a key prefix relative to the bucket, ending in '/'. */
  public String root() {
    return root;
  }

  /** Whether Athena finds the months by partition projection (else they are Glue partitions). */
  public boolean projected() {
    return projected;
  }

  public List<String> keyNames() {
    return keys.stream().map(Key::name).toList();
  }

  /** The month's partition values, in the order of the table's partition keys. */
  public List<String> values(YearMonth month) {
    return keys.stream().map(k -> k.value().apply(month)).toList();
  }

  /**
   * The key prefix, relative to the bucket, that holds the month: the partition that projection
   * reads, or for registered partitions the prefix under which each build gets a location of its
   * own.
   *
   * @throws ConfigException if the table's projection does not cover the month (Athena would never
   *     read it)
   */
  public String prefix(YearMonth month) {
    for (Key key : keys) {
      if (!key.covers().test(month)) {
        throw new ConfigException(
            "Cannot build "
                + month
                + " of "
                + table
                + ": its partition key "
                + key.name()
                + " covers "
                + key.range()
                + ", so Athena would never read that month");
      }
    }
    String prefix = template;
    for (Key key : keys) {
      prefix = prefix.replace("${" + key.name() + "}", key.value().apply(month));
    }
    // Checked per month, not once: a date format's literal text could spell an internal area.
    if (!prefix.startsWith(root)
        || prefix.length() == root.length()
        || insideInternalArea(prefix)) {
      throw new ConfigException(
          "Cannot build "
              + month
              + " of "
              + table
              + ": its partition's prefix "
              + prefix
              + " is not a directory of its own below the table's root "
              + root
              + " and outside its "
              + String.join(", ", INTERNAL_AREAS)
              + " areas");
    }
    return prefix;
  }

  /**
   * The SQL condition that selects the month in the table, such as {@code "year" = '2024' AND
   * "month" = '03'}: each key's value quoted for a string key, a number for an integer key.
   */
  public String predicate(YearMonth month) {
    return String.join(
        " AND ",
        keys.stream()
            .map(k -> "\"" + k.name().replace("\"", "\"\"") + "\" = " + k.literal(month))
            .toList());
  }

  private boolean insideInternalArea(String prefix) {
    String below = prefix.substring(root.length());
    return INTERNAL_AREAS.stream().anyMatch(below::startsWith);
  }

  /** {@code storage.location.template} relative to the bucket, once it is known to be usable. */
  private static String relativeTemplate(
      TableDefinition table,
      String bucket,
      String root,
      String template,
      List<TableDefinition.Column> columns) {
    String base = "s3://" + bucket + "/";
    String quoted = SafeText.quote(template);
    if (!template.startsWith(base + root)) {
      throw cannot(
          table,
          "its storage.location.template "
              + quoted
              + " is not below its LOCATION "
              + base
              + root
              + ": the builder only writes below the table's LOCATION");
    }
    if (!template.endsWith("/")) {
      throw cannot(
          table,
          "its storage.location.template "
              + quoted
              + " does not end with '/': a month's prefix "
              + "would also match longer names, and replacing it could delete their files");
    }
    List<String> named = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      String name = m.group(1);
      if (columns.stream().noneMatch(c -> c.name().equals(name))) {
        throw cannot(
            table,
            "its storage.location.template "
                + quoted
                + " names ${"
                + name
                + "}, which is not one of its partition keys "
                + names(columns));
      }
      named.add(name);
    }
    for (TableDefinition.Column key : columns) {
      if (!named.contains(key.name())) {
        throw cannot(
            table,
            "its storage.location.template "
                + quoted
                + " does not use its partition key ${"
                + key.name()
                + "}");
      }
    }
    String relative = template.substring(base.length());
    String fixed = relative.substring(root.length(), relative.indexOf("${"));
    for (String area : INTERNAL_AREAS) {
      if (fixed.startsWith(area)) {
        throw cannot(
            table,
            "its storage.location.template "
                + quoted
                + " lies in the "
                + area
                + " area the builder keeps below the table's LOCATION");
      }
    }
    return relative;
  }

  /** The two keys of a (year, month) table, year first whatever their order of declaration. */
  private static List<Key> yearAndMonth(
      TableDefinition table, List<TableDefinition.Column> columns, boolean projected) {
    TableDefinition.Column year = columns.get(0);
    TableDefinition.Column month = columns.get(1);
    if (year.name().equalsIgnoreCase("month") && month.name().equalsIgnoreCase("year")) {
      year = columns.get(1);
      month = columns.get(0);
    }
    Key y =
        projected
            ? projectedKey(table, year, 1, 9999, YearMonth::getYear, "year")
            : registeredKey(table, year, YearMonth::getYear, 4);
    Key m =
        projected
            ? projectedKey(table, month, 1, 12, YearMonth::getMonthValue, "month")
            : registeredKey(table, month, YearMonth::getMonthValue, 2);
    // In the table's order, which is the order of the partition values.
    return columns.get(0).equals(year) ? List.of(y, m) : List.of(m, y);
  }

  /**
   * A Glue-registered key: a string key takes the zero-padded number ({@code 2024}, {@code 03}), as
   * CloudTrail and most Hive tables write it; an integer key takes the number ({@code 3}).
   */
  private static Key registeredKey(
      TableDefinition table,
      TableDefinition.Column column,
      java.util.function.ToIntFunction<YearMonth> part,
      int width) {
    boolean string = requireKeyType(table, column);
    return new Key(
        column.name(),
        m ->
            string
                ? String.format("%0" + width + "d", part.applyAsInt(m))
                : Integer.toString(part.applyAsInt(m)),
        m -> true,
        "every value",
        string);
  }

  /** An integer or enum projection of the year (1 to 9999) or the month (1 to 12). */
  private static Key projectedKey(
      TableDefinition table,
      TableDefinition.Column column,
      int min,
      int max,
      java.util.function.ToIntFunction<YearMonth> part,
      String what) {
    boolean string = requireKeyType(table, column);
    Map<String, String> p = table.parameters();
    String prefix = "projection." + column.name() + ".";
    String type = p.getOrDefault(prefix + "type", "").strip().toLowerCase(Locale.ROOT);
    switch (type) {
      case "integer" -> {
        String rangeText = p.getOrDefault(prefix + "range", "");
        long[] range = integerRange(table, prefix + "range", rangeText);
        if (range[0] < min || range[1] > max) {
          throw cannot(
              table,
              "its "
                  + what
                  + " key "
                  + column.name()
                  + " is projected over "
                  + rangeText.strip()
                  + " ("
                  + prefix
                  + "range), which is not a range of "
                  + what
                  + "s ("
                  + min
                  + " to "
                  + max
                  + ")");
        }
        long interval =
            integer(table, prefix + "interval", p.getOrDefault(prefix + "interval", "1"));
        int digits =
            (int) integer(table, prefix + "digits", p.getOrDefault(prefix + "digits", "1"));
        return new Key(
            column.name(),
            m -> String.format("%0" + Math.max(digits, 1) + "d", part.applyAsInt(m)),
            m ->
                part.applyAsInt(m) >= range[0]
                    && part.applyAsInt(m) <= range[1]
                    && (part.applyAsInt(m) - range[0]) % interval == 0,
            rangeText.strip() + " (" + prefix + "range)",
            string);
      }
      case "enum" -> {
        String values = p.getOrDefault(prefix + "values", "");
        List<String> listed =
            List.of(values.split(",")).stream()
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
        for (String v : listed) {
          if (!v.matches("\\d+") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            throw cannot(
                table,
                "its "
                    + what
                    + " key "
                    + column.name()
                    + " is projected over the values "
                    + values
                    + " ("
                    + prefix
                    + "values), and "
                    + SafeText.quote(v)
                    + " is not a "
                    + what
                    + " ("
                    + min
                    + " to "
                    + max
                    + ")");
          }
        }
        Function<YearMonth, Optional<String>> find =
            m -> listed.stream().filter(v -> Integer.parseInt(v) == part.applyAsInt(m)).findFirst();
        return new Key(
            column.name(),
            m -> find.apply(m).orElseThrow(),
            m -> find.apply(m).isPresent(),
            "the values " + values + " (" + prefix + "values)",
            string);
      }
      default ->
          throw cannot(
              table,
              "its "
                  + what
                  + " key "
                  + column.name()
                  + " is projected as "
                  + (type.isEmpty() ? "nothing (no " + prefix + "type)" : SafeText.quote(type))
                  + ": a (year, month) table needs integer or enum projections of both keys");
    }
  }

  /**
   * The one key of a table partitioned by month: projected as a date whose format names the year
   * and month and nothing finer ({@code yyyy-MM}, {@code yyyy/MM}), or, registered in Glue, a
   * string key valued {@code yyyy-MM}.
   */
  private static Key dateKey(
      TableDefinition table, TableDefinition.Column column, boolean projected) {
    if (!STRING_TYPE.matcher(column.type().strip()).matches()) {
      throw cannot(
          table,
          "its one partition key "
              + column.name()
              + " is of type "
              + column.type()
              + ": a table partitioned by month on one key needs a string key (such as dt = '2024-03')");
    }
    if (!projected) {
      DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT);
      return new Key(column.name(), format::format, m -> true, "every value");
    }
    Map<String, String> p = table.parameters();
    String prefix = "projection." + column.name() + ".";
    String type = p.getOrDefault(prefix + "type", "").strip().toLowerCase(Locale.ROOT);
    if (!type.equals("date")) {
      throw cannot(
          table,
          "its one partition key "
              + column.name()
              + " is projected as "
              + (type.isEmpty() ? "nothing (no " + prefix + "type)" : SafeText.quote(type))
              + ": a table partitioned by month on one key needs a date projection with a format such as yyyy-MM");
    }
    String pattern = p.getOrDefault(prefix + "format", "").strip();
    DateTimeFormatter format;
    try {
      format = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw cannot(
          table,
          "its "
              + prefix
              + "format "
              + SafeText.quote(pattern)
              + " is not a date format: "
              + e.getMessage());
    }
    try {
      if (!namesOneMonth(format)) {
        throw cannot(
            table,
            "its "
                + prefix
                + "format "
                + SafeText.quote(pattern)
                + " does not name exactly one month (it needs the year and the month and nothing finer, such as yyyy-MM)");
      }
    } catch (java.time.DateTimeException e) {
      throw cannot(
          table,
          "its "
              + prefix
              + "format "
              + SafeText.quote(pattern)
              + " cannot format a month (it needs the year and the month and nothing finer, such as yyyy-MM): "
              + e.getMessage());
    }
    String rangeText = p.getOrDefault(prefix + "range", "");
    Optional<YearMonth> from = dateBound(rangeText, 0, format);
    Optional<YearMonth> to = dateBound(rangeText, 1, format);
    return new Key(
        column.name(),
        m -> format.format(m.atDay(1)),
        m -> from.map(f -> !m.isBefore(f)).orElse(true) && to.map(t -> !m.isAfter(t)).orElse(true),
        rangeText.strip() + " (" + prefix + "range)");
  }

  /**
   * Whether {@code format} gives one value per month: the whole month formats alike, and the next
   * month and the next year differently ({@code yyyy-MM}, {@code yyyy/MM}; not {@code yyyy-MM-dd}).
   *
   * @throws java.time.DateTimeException when it cannot format a date and time at all (a zone, say)
   */
  public static boolean namesOneMonth(DateTimeFormatter format) {
    YearMonth probe = YearMonth.of(2024, 3);
    String first = format.format(probe.atDay(1));
    return first.equals(format.format(probe.atEndOfMonth().atTime(23, 59)))
        && !first.equals(format.format(probe.plusMonths(1).atDay(1)))
        && !first.equals(format.format(probe.plusYears(1).atDay(1)));
  }

  /**
   * An absolute end of a date projection's range as a month; empty for a relative one (NOW-1YEARS).
   */
  private static Optional<YearMonth> dateBound(String range, int index, DateTimeFormatter format) {
    String[] ends = range.split(",");
    if (ends.length != 2 || ends[index].strip().toUpperCase(Locale.ROOT).startsWith("NOW")) {
      return Optional.empty();
    }
    try {
      TemporalAccessor parsed = format.parse(ends[index].strip());
      return Optional.of(
          YearMonth.of(parsed.get(ChronoField.YEAR), parsed.get(ChronoField.MONTH_OF_YEAR)));
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  /** Whether the key is a string (else an integer); refuses other types. */
  private static boolean requireKeyType(TableDefinition table, TableDefinition.Column column) {
    String type = column.type().strip();
    if (STRING_TYPE.matcher(type).matches()) {
      return true;
    }
    if (INTEGER_TYPE.matcher(type).matches()) {
      return false;
    }
    throw cannot(
        table,
        "its partition key "
            + column.name()
            + " is of type "
            + type
            + ": a year or month key must be a string or an integer");
  }

  private static long[] integerRange(TableDefinition table, String property, String value) {
    String[] ends = value.split(",");
    if (ends.length != 2) {
      throw cannot(
          table,
          "its "
              + property
              + " "
              + SafeText.quote(value)
              + " is not two numbers such as 2013,2099");
    }
    return new long[] {integer(table, property, ends[0]), integer(table, property, ends[1])};
  }

  private static long integer(TableDefinition table, String property, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw cannot(
          table, "its " + property + " " + SafeText.quote(value) + " is not a whole number", e);
    }
  }

  private static String names(List<TableDefinition.Column> columns) {
    return "("
        + String.join(", ", columns.stream().map(TableDefinition.Column::name).toList())
        + ")";
  }

  private static ConfigException cannot(TableDefinition table, String why) {
    return new ConfigException("Cannot build monthly partitions of " + table.name() + ": " + why);
  }

  private static ConfigException cannot(TableDefinition table, String why, Throwable cause) {
    return new ConfigException(
        "Cannot build monthly partitions of " + table.name() + ": " + why, cause);
  }
}
