package dev.partitionbuilder.local;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.local.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites one Trino query for DuckDB; see {@link TrinoDialect#translate(String)}. */
final class TrinoTranslator {
  /** Trino functions that trino_functions.sql provides as trino_&lt;name&gt;. */
  static final Set<String> PROVIDED = Set.of(
      "from_iso8601_timestamp", "from_iso8601_date", "to_iso8601", "from_unixtime", "to_unixtime",
      "date_add", "date_diff", "date_trunc", "date_format", "date_parse",
      "json_parse", "json_format", "json_extract", "json_extract_scalar", "json_array_length",
      "element_at", "cardinality", "array_join", "concat",
      "regexp_like", "regexp_extract", "regexp_extract_all", "regexp_replace", "regexp_count",
      "split", "split_part", "strpos", "url_extract_host", "approx_distinct");

  /** Trino functions known not to run the same on DuckDB, and why. */
  static final Map<String, String> NOT_PROVIDED = Map.ofEntries(
      Map.entry("transform", "takes a lambda"),
      Map.entry("filter", "takes a lambda"),
      Map.entry("reduce", "takes lambdas"),
      Map.entry("zip_with", "takes a lambda"),
      Map.entry("any_match", "takes a lambda"),
      Map.entry("all_match", "takes a lambda"),
      Map.entry("none_match", "takes a lambda"),
      Map.entry("map_filter", "takes a lambda"),
      Map.entry("transform_keys", "takes a lambda"),
      Map.entry("transform_values", "takes a lambda"),
      Map.entry("map_zip_with", "takes a lambda"),
      Map.entry("map_agg", "no DuckDB aggregate builds a map the same way"),
      Map.entry("multimap_agg", "no DuckDB aggregate builds a multimap"),
      Map.entry("array_sort", "DuckDB sorts NULLs first, Trino last"),
      Map.entry("array_position", "DuckDB returns NULL where Trino returns 0"),
      Map.entry("greatest", "DuckDB ignores NULL arguments, Trino returns NULL"),
      Map.entry("least", "DuckDB ignores NULL arguments, Trino returns NULL"),
      Map.entry("millisecond", "DuckDB counts the seconds too"),
      Map.entry("repeat", "DuckDB repeats a string, Trino builds an array"),
      Map.entry("parse_datetime", "Joda-Time patterns have no DuckDB equivalent"),
      Map.entry("format_datetime", "Joda-Time patterns have no DuckDB equivalent"),
      Map.entry("approx_percentile", "not provided; DuckDB's approx_quantile is another estimator"),
      Map.entry("regexp_split", "not provided"),
      Map.entry("regexp_position", "not provided"),
      Map.entry("md5", "Trino hashes VARBINARY to VARBINARY, DuckDB returns hex text"),
      Map.entry("sha256", "Trino hashes VARBINARY to VARBINARY, DuckDB returns hex text"));

  private static final Set<String> REGEXP_FUNCTIONS = Set.of(
      "regexp_like", "regexp_extract", "regexp_extract_all", "regexp_replace", "regexp_count",
      "regexp_position", "regexp_split");

  /** A name followed by '(' is not a call after these: a qualified name, OVER/FILTER, an alias. */
  private static final Set<String> NOT_A_CALL_AFTER = Set.of(".", ")", "as", "into", "table");

  // TIMESTAMP 'yyyy-mm-dd[ hh:mm[:ss[.f]]] zone': a timestamp with time zone in Trino.
  private static final Pattern ZONED_TIMESTAMP = Pattern.compile(
      "\\s*(\\d{4}-\\d{1,2}-\\d{1,2})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?)?"
          + "\\s*(?:([+-]\\d{1,2})(?::?(\\d{2}))?|([A-Za-z][A-Za-z0-9_/+-]*))\\s*");

  private final String sql;
  private final List<SqlToken> code;

  TrinoTranslator(String sql) {
    this.sql = sql;
    this.code = SqlToken.tokenize(sql).stream().filter(SqlToken::isCode).toList();
  }

  static PartitionBuilderException notSupported(String construct) {
    return new PartitionBuilderException("not supported locally: " + construct);
  }

  String translate() {
    StringBuilder out = new StringBuilder(sql.length() + 64);
    int copied = 0;
    for (int k = 0; k < code.size(); k++) {
      SqlToken token = code.get(k);
      out.append(sql, copied, token.start());
      copied = token.end();
      if (token.is("->")) {
        throw notSupported("lambda expression " + lambdaParameters(k) + " -> ... (rewrite it without a lambda)");
      }
      Rewrite rewrite = null;
      if (token.isWord("array") && k + 2 < code.size() && code.get(k + 1).is("(") && !code.get(k + 2).is(")")) {
        // ARRAY(T) is Trino's array type (its constructor is ARRAY[...]); DuckDB writes T[].
        int close = matchingClose(k + 1);
        rewrite = new Rewrite(translated(k + 2, close - 1) + "[]", close);
      } else if (token.kind() == Kind.IDENTIFIER && isCall(k)) {
        rewrite = rewriteCall(k);
      } else if (token.isWord("timestamp") && k + 1 < code.size() && code.get(k + 1).kind() == Kind.STRING) {
        rewrite = zonedTimestamp(k);
      }
      if (rewrite == null) {
        out.append(token.text());
      } else {
        out.append(rewrite.text());
        copied = code.get(rewrite.last()).end();
        k = rewrite.last();
      }
    }
    return out.append(sql.substring(copied)).toString();
  }

  /** Replaces the tokens up to and including code token {@code last} with {@code text}. */
  private record Rewrite(String text, int last) {}

  private boolean isCall(int k) {
    if (k + 1 >= code.size() || !code.get(k + 1).is("(")) {
      return false;
    }
    if (k == 0) {
      return true;
    }
    SqlToken previous = code.get(k - 1);
    return !(NOT_A_CALL_AFTER.contains(previous.text()) || NOT_A_CALL_AFTER.contains(previous.lowerText()));
  }

  private Rewrite rewriteCall(int k) {
    String name = code.get(k).lowerText();
    if (NOT_PROVIDED.containsKey(name)) {
      throw notSupported(name + "() (" + NOT_PROVIDED.get(name) + ")");
    }
    int open = k + 1;
    int close = matchingClose(open);
    List<int[]> arguments = arguments(open, close);
    switch (name) {
      case "unnest" -> checkUnnestAliases(close);
      case "cast", "try_cast" -> {
        if (close - open > 3 && code.get(close - 1).isWord("json") && code.get(close - 2).isWord("as")) {
          return new Rewrite("trino_cast_json(" + translated(open + 1, close - 3) + ")", close);
        }
      }
      case "format" -> {
        return new Rewrite(format(arguments), close);
      }
      case "date_format", "date_parse" -> checkDateFormat(name, arguments);
      default -> {
        if (REGEXP_FUNCTIONS.contains(name)) {
          checkRegexp(name, arguments);
          Rewrite namedGroups = withRe2NamedGroups(name, arguments, close);
          if (namedGroups != null) {
            return namedGroups;
          }
        }
      }
    }
    return PROVIDED.contains(name) ? new Rewrite("trino_" + name, k) : null;
  }

  private int matchingClose(int open) {
    int depth = 0;
    for (int k = open; k < code.size(); k++) {
      if (code.get(k).is("(")) {
        depth++;
      } else if (code.get(k).is(")") && --depth == 0) {
        return k;
      }
    }
    throw new PartitionBuilderException(
        "Cannot translate the query: the '(' at offset " + code.get(open).start() + " is never closed");
  }

  /** The arguments between code tokens open and close, as [first, last] code token indexes. */
  private List<int[]> arguments(int open, int close) {
    List<int[]> arguments = new ArrayList<>();
    int depth = 0;
    int first = open + 1;
    for (int k = open + 1; k < close; k++) {
      SqlToken token = code.get(k);
      if (token.is("(") || token.is("[")) {
        depth++;
      } else if (token.is(")") || token.is("]")) {
        depth--;
      } else if (token.is(",") && depth == 0) {
        arguments.add(new int[] {first, k - 1});
        first = k + 1;
      }
    }
    if (first < close) {
      arguments.add(new int[] {first, close - 1});
    }
    return arguments;
  }

  private String text(int first, int last) {
    return sql.substring(code.get(first).start(), code.get(last).end());
  }

  private String translated(int first, int last) {
    return new TrinoTranslator(text(first, last)).translate();
  }

  /** The value of an argument that is a single string literal, or null. */
  private String literal(List<int[]> arguments, int index) {
    if (index >= arguments.size() || arguments.get(index)[0] != arguments.get(index)[1]) {
      return null;
    }
    SqlToken token = code.get(arguments.get(index)[0]);
    return token.kind() == Kind.STRING ? token.stringValue() : null;
  }

  private String lambdaParameters(int arrow) {
    if (arrow == 0) {
      return "";
    }
    if (!code.get(arrow - 1).is(")")) {
      return code.get(arrow - 1).text();
    }
    int depth = 0;
    for (int k = arrow - 1; k >= 0; k--) {
      if (code.get(k).is(")")) {
        depth++;
      } else if (code.get(k).is("(") && --depth == 0) {
        return text(k, arrow - 1);
      }
    }
    return code.get(arrow - 1).text();
  }

  // Trino unnests an array of rows into one column per field, and several arrays side by side;
  // DuckDB gives one struct column, so only a single column (plus an ordinality) can be matched.
  private void checkUnnestAliases(int close) {
    int k = close + 1;
    boolean ordinality = k + 1 < code.size() && code.get(k).isWord("with") && code.get(k + 1).isWord("ordinality");
    if (ordinality) {
      k += 2;
    }
    if (k < code.size() && code.get(k).isWord("as")) {
      k++;
    }
    if (k + 1 >= code.size() || !code.get(k + 1).is("(")
        || !(code.get(k).kind() == Kind.IDENTIFIER || code.get(k).kind() == Kind.QUOTED_IDENTIFIER)) {
      return;
    }
    int aliasesClose = matchingClose(k + 1);
    int aliases = arguments(k + 1, aliasesClose).size();
    if (aliases > (ordinality ? 2 : 1)) {
      throw notSupported("UNNEST(...) AS " + text(k, aliasesClose) + " with more than one column alias"
          + " (Trino expands rows and zips arrays into columns, DuckDB does not)");
    }
  }

  private String format(List<int[]> arguments) {
    String format = literal(arguments, 0);
    if (format == null) {
      throw notSupported("format() with a format that is not a string literal (it is expanded when translated)");
    }
    List<String> values = new ArrayList<>();
    for (int[] argument : arguments.subList(1, arguments.size())) {
      values.add(translated(argument[0], argument[1]));
    }
    return JavaFormat.expand(format, values);
  }

  private void checkDateFormat(String name, List<int[]> arguments) {
    String format = literal(arguments, 1);
    if (format == null) {
      throw notSupported(name + "() with a format that is not a string literal (DuckDB's strftime and strptime need a constant format)");
    }
    Matcher specifier = Pattern.compile("%(.)").matcher(format);
    while (specifier.find()) {
      if ("DUuVwX".contains(specifier.group(1))) {
        throw new PartitionBuilderException(name + "(..., " + SqlToken.quote(format) + "): " + specifier.group()
            + " not supported in date format string (Trino rejects it too)");
      }
    }
  }

  private void checkRegexp(String name, List<int[]> arguments) {
    String pattern = literal(arguments, 1);
    if (pattern != null) {
      Re2.incompatibility(pattern).ifPresent(construct -> {
        throw notSupported(construct + " in the pattern of " + name + "(..., " + SqlToken.quote(pattern)
            + ") (DuckDB's regular expressions are RE2)");
      });
    }
    String replacement = literal(arguments, 2);
    if (name.equals("regexp_replace") && replacement != null) {
      Re2.checkReplacement(replacement, pattern);
    }
  }

  /** The call again with its literal pattern's named groups written as RE2 writes them, or null. */
  private Rewrite withRe2NamedGroups(String name, List<int[]> arguments, int close) {
    String pattern = literal(arguments, 1);
    if (pattern == null || pattern.equals(Re2.withRe2NamedGroups(pattern))) {
      return null;
    }
    List<String> translated = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      translated.add(i == 1
          ? SqlToken.quote(Re2.withRe2NamedGroups(pattern))
          : translated(arguments.get(i)[0], arguments.get(i)[1]));
    }
    return new Rewrite("trino_" + name + "(" + String.join(", ", translated) + ")", close);
  }

  private Rewrite zonedTimestamp(int k) {
    String value = code.get(k + 1).stringValue();
    Matcher m = ZONED_TIMESTAMP.matcher(value);
    if (!m.matches()) {
      return null;
    }
    String time = m.group(2) == null
        ? "00:00:00"
        : String.format("%02d:%s:%s%s", Integer.parseInt(m.group(2)), m.group(3),
            m.group(4) == null ? "00" : m.group(4), m.group(5) == null ? "" : m.group(5));
    String zone = m.group(8) != null
        ? " " + m.group(8)
        : String.format("%s%02d:%s", m.group(6).substring(0, 1), Integer.parseInt(m.group(6).substring(1)),
            m.group(7) == null ? "00" : m.group(7));
    return new Rewrite("TIMESTAMPTZ " + SqlToken.quote(m.group(1) + " " + time + zone), k + 1);
  }
}
