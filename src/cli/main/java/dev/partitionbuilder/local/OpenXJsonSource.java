package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.local.HiveType.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * DuckDB SQL that reads newline-delimited JSON the way Athena's OpenX JSON SerDe does (Trino's
 * implementation, which Athena engine v3 runs):
 *
 * <ul>
 *   <li>each line is one record, read as text first, so a malformed line becomes one row of NULLs
 *       (with {@code ignore.malformed.json}) and can never swallow the line after it;
 *   <li>object keys match struct fields and columns case-insensitively, the last duplicate wins;
 *       DuckDB's own {@code read_json} matches keys case-sensitively and would silently give NULL;
 *   <li>a string column takes any JSON value as text, objects and arrays as compact JSON with their
 *       keys as written (only struct levels are matched case-insensitively);
 *   <li>unknown keys are ignored; a value of the wrong type gives NULL.
 * </ul>
 *
 * Each struct level is parsed once into a {@code MAP(VARCHAR, VARCHAR)} (values are text already
 * rendered the OpenX way), its keys lowercased once, and fields taken by position.
 */
final class OpenXJsonSource {
  private final String name;
  private final HiveDdl ddl;
  private final List<String> macros = new ArrayList<>();
  private int variables;

  private OpenXJsonSource(String name, HiveDdl ddl) {
    this.name = name;
    this.ddl = ddl;
  }

  /**
   * The statements that define the reader of {@code ddl}: helper macros, then one macro that turns
   * a line of text into a struct of all columns, {@code <prefix>_row(line)}.
   */
  static Reader reader(String prefix, HiveDdl ddl, KeySample sample) {
    requireNonNull(prefix, "prefix is null");
    OpenXJsonSource source = new OpenXJsonSource(prefix, ddl);
    String slow = ddl.ignoresMalformedJson() ? "__ox_slow" : "__ox_slow_strict";
    StringBuilder fast = new StringBuilder("{");
    List<String> columns = new ArrayList<>();
    for (Field column : ddl.columns()) {
      String spelling = sample.spellings().get(column.name());
      String key = jsonString(spelling);
      String fastValue;
      if (sample.heavyColumns().contains(column.name())) {
        // Large objects are parsed out of the line only when a query uses the column.
        fastValue = "try(json_transform(line, '{" + sqlText(key) + ":\"VARCHAR\"}'))." + identifier(spelling);
      } else {
        fast.append(fast.length() > 1 ? "," : "").append(key).append(":\"VARCHAR\"");
        fastValue = "f." + identifier(spelling);
      }
      columns.add("CASE WHEN g THEN " + source.convert(column.type(), fastValue) + " ELSE "
          + source.convert(column.type(), slow + "(line, '" + column.name() + "')") + " END AS " + identifier(column.name()));
    }
    fast.append('}');
    // Nested structs were numbered after their parents: create them first.
    List<String> statements = new ArrayList<>(source.macros);
    Collections.reverse(statements);
    String fastRow = "try(json_transform(line, '" + sqlText(fast.toString()) + "'))";
    String guard = "list_has_all(" + sample.knownKeys().stream().map(k -> "'" + sqlText(k) + "'")
        .collect(Collectors.joining(", ", "[", "]::VARCHAR[]")) + ", try(json_keys(line)))";
    return new Reader(statements, fastRow, guard, String.join(", ", columns));
  }

  /**
   * The reader of one table. Per row, {@code f} is one exact-case parse with the spellings the
   * sample found and {@code g} says whether every key of the row is one the sample knows; rows
   * where it is not take the slow path, which lowercases every key.
   *
   * @param macros statements to run before the reader is used
   * @param fastRow the expression for {@code f}, from {@code line}
   * @param guard the expression for {@code g}, from {@code line}
   * @param columns the DDL's columns, from {@code line}, {@code f} and {@code g}
   */
  record Reader(List<String> macros, String fastRow, String guard, String columns) {}

  private static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String sqlText(String text) {
    return text.replace("'", "''");
  }

  private static String identifier(String name) {
    return SqlToken.quoteIdentifier(name);
  }

  /** Macros every generated reader uses. */
  static List<String> commonMacros() {
    return List.of(
        // Keys and values are kept in reverse order, so the first match is the LAST duplicate in
        // the JSON, which is the one OpenX keeps.
        "CREATE OR REPLACE MACRO __ox_keys(m) AS list_reverse(list_transform(map_keys(m), x -> lower(x)))",
        "CREATE OR REPLACE MACRO __ox_values(m) AS list_reverse(map_values(m))",
        "CREATE OR REPLACE MACRO __ox_get(p, name) AS p.v[list_position(p.k, name)]",
        // A JSON object as a map of its keys to their values rendered as text; NULL if not an object.
        "CREATE OR REPLACE MACRO __ox_map(t) AS try(json_transform(t, '\"MAP(VARCHAR, VARCHAR)\"'))",
        "CREATE OR REPLACE MACRO __ox_map_strict(t) AS CASE WHEN t IS NULL OR trim(t) = '' THEN NULL "
            + "ELSE json_transform(t, '\"MAP(VARCHAR, VARCHAR)\"') END",
        "CREATE OR REPLACE MACRO __ox_list(t) AS CASE WHEN t IS NULL OR trim(t) = '' THEN NULL "
            + "WHEN starts_with(ltrim(t), '[') THEN try(json_transform(t, '[\"VARCHAR\"]')) ELSE [t] END",
        // The slow path: the value of a top-level key matched case-insensitively, last one winning.
        "CREATE OR REPLACE MACRO __ox_slow(t, name) AS list_transform([__ox_map(t)], "
            + "m -> __ox_values(m)[list_position(__ox_keys(m), name)])[1]",
        "CREATE OR REPLACE MACRO __ox_slow_strict(t, name) AS list_transform([__ox_map_strict(t)], "
            + "m -> __ox_values(m)[list_position(__ox_keys(m), name)])[1]");
  }

  /** The expression that converts the text {@code value} to {@code type}, OpenX style. */
  private String convert(HiveType type, String value) {
    if (type instanceof HiveType.Struct struct) {
      return struct(struct, value);
    }
    if (type instanceof HiveType.Array array) {
      String e = "e" + variables++;
      return "list_transform(__ox_list(" + value + "), " + e + " -> " + convert(array.element(), e) + ")";
    }
    if (type instanceof HiveType.MapType map) {
      String e = "e" + variables++;
      return "try(map_from_entries(list_transform(map_entries(__ox_map(" + value + ")), " + e + " -> {'key': "
          + convert(map.key(), e + ".key") + ", 'value': " + convert(map.value(), e + ".value") + "})))";
    }
    HiveType.Primitive primitive = (HiveType.Primitive) type;
    return switch (primitive.name()) {
      case "string", "varchar", "char" -> value;
      // OpenX: true only for "true" in any case; every other value is false.
      case "boolean" -> "CASE WHEN " + value + " IS NULL THEN NULL ELSE lower(" + value + ") = 'true' END";
      case "timestamp" -> "TRY_CAST(TRY_CAST(" + value + " AS TIMESTAMPTZ) AS TIMESTAMP)";
      default -> "TRY_CAST(" + value + " AS " + primitive.duckDbType() + ")";
    };
  }

  /**
   * A macro turning JSON text into the struct; the map is built and its keys lowercased once per
   * value (the single-element list and lambda keep DuckDB from evaluating them per field).
   */
  private String struct(HiveType.Struct struct, String value) {
    int slot = macros.size();
    String macro = name + "_s" + slot;
    macros.add(null); // reserve the number before nested structs take theirs
    String fields = struct.fields().stream()
        .map(f -> '"' + f.name() + "\" := " + convert(f.type(), "__ox_get(p, '" + f.name() + "')"))
        .collect(Collectors.joining(", "));
    String body = "list_transform([__ox_map(t)], m -> CASE WHEN m IS NULL "
        + "THEN NULL ELSE list_transform([{'k': __ox_keys(m), 'v': __ox_values(m)}], "
        + "p -> struct_pack(" + fields + "))[1] END)[1]";
    macros.set(slot, "CREATE OR REPLACE MACRO " + macro + "(t) AS " + body);
    return macro + "(" + value + ")";
  }

  /** Partition columns given as constants, for one partition directory. */
  static String partitionValues(HiveDdl ddl, Map<String, String> values) {
    return ddl.partitionColumns().stream()
        .map(c -> SqlToken.quote(values.get(c.name())) + " AS " + identifier(c.name()))
        .collect(Collectors.joining(", "));
  }

  static List<Field> partitionColumns(HiveDdl ddl) {
    return ddl.partitionColumns();
  }
}
