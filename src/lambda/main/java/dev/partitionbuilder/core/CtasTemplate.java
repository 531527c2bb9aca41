package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.SqlTokens.Kind;
import dev.partitionbuilder.core.SqlTokens.Token;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The CREATE TABLE AS SELECT, kept in a file so that the source table, columns and SQL are the
 * user's, not the code's. Placeholders are written {@code {{name}}} (not {@code ${name}}, which
 * partition projection's {@code storage.location.template} uses):
 *
 * <ul>
 *   <li>{@code {{database}}}, {@code {{source_table}}}, {@code {{destination_table}}}: from the
 *       configuration, already checked to be Glue names;
 *   <li>{@code {{temp_table}}}: {@code <destination>_temp_YYYYMM} (required);
 *   <li>{@code {{location}}}: where the CTAS writes (required), never the partition the table
 *       reads. For a projected table that is the month's staging location, {@code
 *       s3://bucket/prefix/_staging/YYYY/MM/}, whose files the builder copies into the partition
 *       only after the query succeeded; for a table whose months are Glue partitions, a location of
 *       the build's own below the month's, which the partition is pointed at then ({@link
 *       PartitionSwap}). Either way a failed query never touches the partition;
 *   <li>{@code {{year}}}, {@code {{month}}}: {@code 2024} and {@code 03};
 *   <li>{@code {{next_year}}}, {@code {{next_month}}}: the month after, {@code 2024} and {@code 04}
 *       ({@code 2025} and {@code 01} for 2024-12). Sources laid out by delivery date, such as raw
 *       CloudTrail, hold some of a month's events in the first days of the next: a template reads
 *       those days too ({@code '{{next_year}}/{{next_month}}/02'} as the last partition) and keeps
 *       the month's rows by their own time.
 * </ul>
 *
 * The template is checked when it is loaded: one statement, no unknown placeholder, no backticks
 * (Hive DDL quoting, which Athena's Trino engine rejects in a CTAS). Leading {@code --} comment
 * lines and one trailing semicolon are dropped from what is sent.
 */
public final class CtasTemplate {
  /** Classpath location of the bundled template, copied from {@code ddl/} at build time. */
  public static final String BUNDLED = "ddl/cloudtrail_monthly_ctas.sql";

  private static final List<String> PLACEHOLDERS =
      List.of(
          "database",
          "source_table",
          "destination_table",
          "temp_table",
          "location",
          "year",
          "month",
          "next_year",
          "next_month");
  private static final List<String> REQUIRED = List.of("temp_table", "location");

  private final String origin;
  private final String sql;

  private CtasTemplate(String origin, String sql) {
    this.origin = origin;
    this.sql = sql;
  }

  /**
   * Loads the template the configuration names: the bundled one when empty, an {@code s3://} URI
   * through {@code s3Reader}, or else a file path.
   */
  public static CtasTemplate load(Optional<String> location, Function<String, String> s3Reader) {
    if (location.isEmpty()) {
      return bundled();
    }
    String where = location.get().strip();
    if (where.startsWith("s3://")) {
      return parse(s3Reader.apply(where), where);
    }
    try {
      return parse(Files.readString(Path.of(where), StandardCharsets.UTF_8), where);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          Config.CTAS_TEMPLATE + "=" + SafeText.quote(where) + ": no such file", e);
    } catch (IOException e) {
      throw new ConfigException(
          Config.CTAS_TEMPLATE
              + "="
              + SafeText.quote(where)
              + ": cannot read it: "
              + e.getMessage(),
          e);
    }
  }

  public static CtasTemplate bundled() {
    try (InputStream in = CtasTemplate.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(
            "The bundled template " + BUNDLED + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the bundled template " + BUNDLED, e);
    }
  }

  /** Checks {@code text} and keeps it ready to render; {@code origin} names it in errors. */
  public static CtasTemplate parse(String text, String origin) {
    requireNonNull(text, "text is null");
    requireNonNull(origin, "origin is null");
    Body body = stripEnds(text);
    String sql = body.sql();
    if (sql.isEmpty()) {
      throw invalid(origin, "is empty");
    }
    String code = withoutComments(sql, body.linesBefore(), origin);
    TreeSet<String> unknown = Placeholders.names(sql);
    unknown.removeAll(PLACEHOLDERS);
    // A placeholder only in a comment does not count as used: the statement itself needs it.
    TreeSet<String> used = Placeholders.names(code);
    if (!unknown.isEmpty()) {
      throw invalid(
          origin,
          "uses unknown placeholder(s) "
              + unknown.stream().map(n -> "{{" + n + "}}").toList()
              + "; known are "
              + PLACEHOLDERS.stream().map(n -> "{{" + n + "}}").toList());
    }
    for (String name : REQUIRED) {
      if (!used.contains(name)) {
        throw invalid(
            origin,
            "never uses {{"
                + name
                + "}}: the CTAS must create {{temp_table}} "
                + "with external_location = '{{location}}'");
      }
    }
    requireCtasIntoLocation(code.replaceAll("\\{\\{\\s*(\\w+)\\s*}}", "{{$1}}"), origin);
    return new CtasTemplate(origin, sql);
  }

  public String origin() {
    return origin;
  }

  /**
   * The SQL for one month of {@code layout}, written to its staging prefix: every value in it has
   * been validated.
   */
  public String render(TableLayout layout, YearMonth month) {
    return render(layout, month, layout.stagingPrefix(month));
  }

  /**
   * The SQL for one month of {@code layout}, written below {@code output}, a key prefix of the
   * layout's storage.
   */
  public String render(TableLayout layout, YearMonth month, String output) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("database", layout.database());
    values.put("source_table", layout.sourceTable());
    values.put("destination_table", layout.destinationTable());
    values.put("temp_table", layout.tempTable(month));
    values.put("location", layout.location(output));
    values.put("year", MonthFormat.year(month));
    values.put("month", MonthFormat.month(month));
    YearMonth next = month.plusMonths(1);
    values.put("next_year", MonthFormat.year(next));
    values.put("next_month", MonthFormat.month(next));
    return Placeholders.render(sql, values);
  }

  /** A value for a message, cut to {@value SafeText#QUOTE_LIMIT} characters. */
  private static String shorten(String value) {
    return value.length() <= SafeText.QUOTE_LIMIT
        ? value
        : value.substring(0, SafeText.QUOTE_LIMIT - 3) + "...";
  }

  /**
   * The output must land where the builder looks for it: a {@code CREATE TABLE {{temp_table}} WITH
   * (..., external_location = '{{location}}', ...) AS ...}. Anything else (a plain SELECT or
   * INSERT, another table, another location) would leave the staging prefix empty while the query
   * reports success, and replacing the partition with that would empty it.
   */
  private static void requireCtasIntoLocation(String code, String origin) {
    String needed =
        ": the builder needs CREATE TABLE {{temp_table}} WITH (..., external_location = '{{location}}', ...) "
            + "AS SELECT ..., so that the query's files land in the month's staging location";
    List<Token> tokens = SqlTokens.significant(code, SqlTokens.Dialect.TRINO);
    int at = isWord(tokens, 0, "CREATE") && isWord(tokens, 1, "TABLE") ? 2 : 0;
    if (at == 2
        && isWord(tokens, 2, "IF")
        && isWord(tokens, 3, "NOT")
        && isWord(tokens, 4, "EXISTS")) {
      at = 5;
    }
    if (at == 0 || !isNamePart(tokens, at)) {
      String start = code.strip();
      throw invalid(
          origin,
          "is not a CREATE TABLE ... AS statement (it starts with "
              + SafeText.quote(start.substring(0, Math.min(start.length(), 30)))
              + ")"
              + needed);
    }
    int first = at++;
    while (at + 1 < tokens.size() && tokens.get(at).is('.') && isNamePart(tokens, at + 1)) {
      at += 2;
    }
    String last = tokens.get(at - 1).text();
    if (!last.equals("{{temp_table}}") && !last.equals("\"{{temp_table}}\"")) {
      String name = code.substring(tokens.get(first).start(), tokens.get(at - 1).end());
      throw invalid(origin, "creates " + SafeText.quote(name) + ", not {{temp_table}}" + needed);
    }
    if (!isWord(tokens, at, "WITH") || at + 1 >= tokens.size() || !tokens.get(at + 1).is('(')) {
      throw invalid(origin, "has no WITH (...) properties after the table name" + needed);
    }
    int open = at + 1;
    int close = SqlTokens.closingParenthesis(tokens, open);
    if (close < 0 || !isWord(tokens, close + 1, "AS")) {
      throw invalid(
          origin,
          "is not a CREATE TABLE ... AS statement (no AS after its WITH (...) properties)"
              + needed);
    }
    List<String> values = externalLocations(code, tokens.subList(open + 1, close));
    if (values.isEmpty()) {
      throw invalid(origin, "never sets external_location in its WITH (...) properties" + needed);
    }
    if (values.size() > 1 || !values.get(0).equals("'{{location}}'")) {
      throw invalid(
          origin,
          "sets external_location = "
              + String.join(", ", values.stream().map(CtasTemplate::shorten).toList())
              + ", not exactly '{{location}}'"
              + needed);
    }
  }

  private static boolean isWord(List<Token> tokens, int at, String keyword) {
    return at < tokens.size() && tokens.get(at).isWord(keyword);
  }

  /** A part of a table name: a quoted identifier, or a word that does not start with a digit. */
  private static boolean isNamePart(List<Token> tokens, int at) {
    if (at >= tokens.size()) {
      return false;
    }
    Token token = tokens.get(at);
    char first = token.text().charAt(0);
    return token.kind() == Kind.QUOTED_IDENTIFIER
        || (token.kind() == Kind.WORD
            && (Character.isLetter(first) || first == '_' || first == '{'));
  }

  /**
   * The value of each {@code external_location = value} among {@code properties}, as written: a
   * string literal, or else everything up to the next comma.
   */
  private static List<String> externalLocations(String code, List<Token> properties) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i + 1 < properties.size(); i++) {
      Token name = properties.get(i);
      char before = code.charAt(name.start() - 1);
      if (!isExternalLocation(name)
          || !properties.get(i + 1).is('=')
          || !(before == ',' || before == '(' || Character.isWhitespace(before))) {
        continue;
      }
      int first = i + 2;
      int end = first;
      while (end < properties.size() && !properties.get(end).is(',')) {
        end++;
      }
      if (first < end && properties.get(first).kind() == Kind.STRING) {
        end = first + 1;
      }
      values.add(
          first == end
              ? ""
              : code.substring(properties.get(first).start(), properties.get(end - 1).end()));
    }
    return values;
  }

  private static boolean isExternalLocation(Token name) {
    return name.isWord("external_location")
        || (name.kind() == Kind.QUOTED_IDENTIFIER
            && name.text().equalsIgnoreCase("\"external_location\""));
  }

  /**
   * The statement to send, and how many lines of the file come before it (the dropped comment and
   * blank lines), so that errors give line numbers as an editor shows them.
   */
  private record Body(String sql, int linesBefore) {}

  private static Body stripEnds(String text) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int first = 0;
    while (first < lines.length
        && (lines[first].isBlank() || lines[first].strip().startsWith("--"))) {
      first++;
    }
    int last = lines.length;
    while (last > first
        && (lines[last - 1].isBlank() || lines[last - 1].strip().startsWith("--"))) {
      last--;
    }
    String body = String.join("\n", List.of(lines).subList(first, last)).strip();
    if (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).strip();
    }
    return new Body(body, first);
  }

  /**
   * Rejects backticks and statement separators outside literals, quoted identifiers and comments,
   * and returns the statement with its comments left out.
   */
  private static String withoutComments(String sql, int linesBefore, String origin) {
    List<Token> tokens;
    try {
      tokens = SqlTokens.scan(sql, SqlTokens.Dialect.TRINO);
    } catch (SqlTokens.UnterminatedException e) {
      // A backtick or a second statement before it is the first mistake in the file: that one is
      // named.
      withoutComments(
          SqlTokens.scan(sql.substring(0, e.start()), SqlTokens.Dialect.TRINO),
          sql,
          linesBefore,
          origin);
      throw new ConfigException(
          "CTAS template "
              + origin
              + " has an unterminated "
              + e.kind().description()
              + " at line "
              + (linesBefore + e.line()),
          e);
    }
    return withoutComments(tokens, sql, linesBefore, origin);
  }

  private static String withoutComments(
      List<Token> tokens, String sql, int linesBefore, String origin) {
    StringBuilder code = new StringBuilder(sql.length());
    for (Token token : tokens) {
      if (token.is('`')) {
        throw invalid(
            origin,
            "uses a backtick at line "
                + (linesBefore + SqlTokens.lineOf(sql, token.start()))
                + ": Athena's engine v3 quotes identifiers with double quotes (\"name\")");
      } else if (token.is(';')) {
        throw invalid(
            origin,
            "has more than one statement (';' at line "
                + (linesBefore + SqlTokens.lineOf(sql, token.start()))
                + "): Athena runs one statement per query");
      } else if (token.kind() != Kind.LINE_COMMENT && token.kind() != Kind.BLOCK_COMMENT) {
        code.append(token.text());
      }
    }
    return code.toString();
  }

  private static ConfigException invalid(String origin, String why) {
    return new ConfigException("CTAS template " + origin + " " + why);
  }
}
