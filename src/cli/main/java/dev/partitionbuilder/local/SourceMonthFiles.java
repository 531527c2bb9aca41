package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.MonthFormat;
import dev.partitionbuilder.local.trino.HiveDdl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which files below a source table's local root hold a month, as the table's DDL lays them out: its
 * {@code storage.location.template} (else Hive-style {@code key=value/} directories), with a key
 * named {@code year} and one named {@code month}, or a date key ({@code projection.<key>.type =
 * date}), taking the month's values, and every other key (a day, a region) any value. The bundled
 * source table's month is {@code YYYY/MM/}; a table with {@code dt=yyyy-MM-dd} days has the month's
 * days. A table none of whose keys names the month cannot tell ({@link #known()}).
 *
 * <p>As Hive and Trino, a file or directory whose name starts with {@code .} or {@code _} is not
 * the table's.
 */
public final class SourceMonthFiles {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  /** A partition key: the month's values for it, or none for a key that takes any value. */
  private record Key(String name, Optional<DateTimeFormatter> date, boolean year, boolean month) {
    boolean namesTheMonth() {
      return date.isPresent() || year || month;
    }

    /** The month's values of this key, in order; empty for a key that takes any value. */
    List<String> values(YearMonth m) {
      if (year) {
        return List.of(MonthFormat.year(m));
      }
      if (month) {
        return List.of(MonthFormat.month(m));
      }
      if (date.isEmpty()) {
        return List.of();
      }
      DateTimeFormatter format = date.get();
      LocalDateTime start = m.atDay(1).atStartOfDay();
      // A format finer than a day (yyyy/MM/dd/HH) steps by hours; any other by days.
      boolean hourly = !format.format(start).equals(format.format(start.plusHours(1)));
      SequencedSet<String> values = new LinkedHashSet<>();
      for (LocalDateTime t = start;
          t.isBefore(m.plusMonths(1).atDay(1).atStartOfDay());
          t = hourly ? t.plusHours(1) : t.plusDays(1)) {
        values.add(format.format(t));
      }
      return List.copyOf(values);
    }

    /** A regular expression for this key's month values. */
    String regex(YearMonth m) {
      if (month) {
        // An integer projection without digits writes 3, with two digits 03.
        return "0?" + m.getMonthValue();
      }
      List<String> values = values(m);
      return values.isEmpty()
          ? "[^/]+"
          : values.stream().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
    }
  }

  private final String template;
  private final List<Key> keys;

  private SourceMonthFiles(String template, List<Key> keys) {
    this.template = template;
    this.keys = List.copyOf(keys);
  }

  /**
   * The month's files of the table {@code ddl} defines (its placeholders rendered).
   *
   * @throws IllegalArgumentException when its storage.location.template lies outside its LOCATION,
   *     which the local engine refuses too
   */
  public static SourceMonthFiles of(HiveDdl ddl) {
    requireNonNull(ddl, "ddl is null");
    Map<String, String> p = ddl.tableProperties();
    boolean projected =
        "true".equalsIgnoreCase(p.getOrDefault("projection.enabled", "false").strip());
    String template;
    String location = ddl.location().orElse("");
    String storage = p.get("storage.location.template");
    if (projected && storage != null) {
      String base = location.endsWith("/") ? location : location + "/";
      String t = storage.strip();
      if (!t.startsWith(base) && !(t + "/").equals(base)) {
        return new SourceMonthFiles("", List.of());
      }
      template = t.length() <= base.length() ? "" : t.substring(base.length());
    } else {
      StringBuilder hive = new StringBuilder();
      ddl.partitionColumns()
          .forEach(c -> hive.append(c.name()).append("=${").append(c.name()).append("}/"));
      template = hive.toString();
    }
    if (!template.isEmpty() && !template.endsWith("/")) {
      template += "/";
    }
    List<Key> keys = new ArrayList<>();
    for (HiveDdl.Column column : ddl.partitionColumns()) {
      String name = column.name();
      Optional<DateTimeFormatter> date = Optional.empty();
      if (projected
          && "date".equalsIgnoreCase(p.getOrDefault("projection." + name + ".type", "").strip())) {
        date = formatter(p.get("projection." + name + ".format"));
      }
      keys.add(
          new Key(
              name,
              date,
              date.isEmpty() && name.equalsIgnoreCase("year"),
              date.isEmpty() && name.equalsIgnoreCase("month")));
    }
    boolean known =
        keys.stream().anyMatch(Key::namesTheMonth)
            && PLACEHOLDER
                .matcher(template)
                .results()
                .allMatch(r -> keys.stream().anyMatch(k -> k.name().equals(r.group(1))));
    return new SourceMonthFiles(known ? template : "", known ? keys : List.of());
  }

  private static Optional<DateTimeFormatter> formatter(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      return Optional.empty();
    }
    try {
      DateTimeFormatter format = DateTimeFormatter.ofPattern(pattern.strip(), Locale.ROOT);
      // Printing a date is the test: a pattern asking for a field a date lacks throws here.
      var unused = format.format(LocalDateTime.of(2024, 3, 1, 0, 0));
      return Optional.of(format);
    } catch (IllegalArgumentException | DateTimeException e) {
      // Not a format this can follow: the local engine says what is wrong with it when it reads the
      // table.
      return Optional.empty();
    }
  }

  /**
   * Whether the table's layout says where a month's files are; if not, only the whole root can be
   * looked at.
   */
  public boolean known() {
    return !keys.isEmpty();
  }

  /**
   * Where the month's files are below {@code root}, for a message: {@code root/2024/03/}, or {@code
   * root/dt=2024-03-01/ to root/dt=2024-03-31/}; the root itself when the layout does not say.
   */
  public String describe(Path root, YearMonth month) {
    String base = root.toString().endsWith("/") ? root.toString() : root + "/";
    if (!known()) {
      return base;
    }
    String first = fill(month, true);
    String last = fill(month, false);
    return first.equals(last) ? base + first : base + first + " to " + base + last;
  }

  /**
   * The template with the month's first (or last) value of each key, cut before the first key that
   * takes any value.
   */
  private String fill(YearMonth month, boolean first) {
    return filled(
        month,
        (key, values) -> values.isEmpty() ? null : first ? values.getFirst() : values.getLast());
  }

  /**
   * The directory below the root that holds every file of the month: the template up to the first
   * key with more than one value for the month (or a month, written 03 or 3).
   */
  private String directory(YearMonth month) {
    return filled(
        month, (key, values) -> values.size() != 1 || key.month() ? null : values.getFirst());
  }

  /**
   * The template with the value {@code pick} takes from each key's values for the month; where it
   * takes none, cut at the last '/' before that key.
   */
  private String filled(YearMonth month, BiFunction<Key, List<String>, String> pick) {
    StringBuilder out = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      Key key = key(m.group(1));
      String value = pick.apply(key, key.values(month));
      out.append(template, at, m.start());
      if (value == null) {
        return out.substring(0, out.lastIndexOf("/") + 1);
      }
      out.append(value);
      at = m.end();
    }
    return out.append(template.substring(at)).toString();
  }

  private Key key(String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  private Pattern pattern(YearMonth month) {
    StringBuilder regex = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      regex
          .append(Pattern.quote(template.substring(at, m.start())))
          .append(key(m.group(1)).regex(month));
      at = m.end();
    }
    return Pattern.compile(
        regex.append(Pattern.quote(template.substring(at))).append(".+").toString());
  }

  /**
   * Whether {@code root} holds a file of {@code month}: one the table reads for it, or, when the
   * layout does not say which, any file.
   */
  public boolean hasFiles(Path root, YearMonth month) {
    if (!known()) {
      return hasAnyFile(root, "", null);
    }
    return hasAnyFile(root, directory(month), pattern(month));
  }

  /** Whether {@code root} holds any file of the table at all. */
  public static boolean hasAnyFile(Path root) {
    return hasAnyFile(root, "", null);
  }

  private static boolean hasAnyFile(Path root, String below, Pattern pattern) {
    Path start = root.resolve(below);
    if (!Files.isDirectory(start)) {
      return false;
    }
    try (Stream<Path> paths = Files.walk(start)) {
      return paths
          .filter(Files::isRegularFile)
          .map(path -> relative(root, path))
          .anyMatch(path -> !hidden(path) && (pattern == null || pattern.matcher(path).matches()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + start + ": " + e.getMessage(), e);
    }
  }

  private static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
  }

  /** As Hive's and Trino's listing: a name starting with '.' or '_' is not the table's. */
  private static boolean hidden(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.startsWith(".") || segment.startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}
