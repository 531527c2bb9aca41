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
  static Reader reader(String prefix, HiveDdl ddl) {
    requireNonNull(prefix, "prefix is null");
    OpenXJsonSource source = new OpenXJsonSource(prefix, ddl);
    // Top-level columns are separate expressions over the row's lowercased keys (k) and values
    // (v), so that DuckDB computes only the columns a query uses.
    List<String> columns = new ArrayList<>();
    for (Field column : ddl.columns()) {
      columns.add(source.convert(column.type(), "v[list_position(k, '" + column.name() + "')]") + " AS \"" + column.name() + '"');
    }
    // Nested structs were numbered after their parents: create them first.
    List<String> statements = new ArrayList<>(source.macros);
    Collections.reverse(statements);
    String map = ddl.ignoresMalformedJson() ? "__ox_map(line)" : "__ox_map_strict(line)";
    return new Reader(statements, map, String.join(", ", columns));
  }

  /**
   * @param macros statements to run before the reader is used
   * @param map the expression turning {@code line} into the row's map
   * @param columns the DDL's columns, computed from {@code k} and {@code v}
   */
  record Reader(List<String> macros, String map, String columns) {}

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
            + "WHEN starts_with(ltrim(t), '[') THEN try(json_transform(t, '[\"VARCHAR\"]')) ELSE [t] END");
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
        .map(c -> "'" + values.get(c.name()).replace("'", "''") + "' AS \"" + c.name() + '"')
        .collect(Collectors.joining(", "));
  }

  static List<Field> partitionColumns(HiveDdl ddl) {
    return ddl.partitionColumns();
  }
}
