package dev.partitionbuilder.cli;

import dev.partitionbuilder.local.trino.HiveDdl.Column;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Two lists of columns compared by name, Hive type and order, for {@code check}: what a CTAS writes
 * against the long-lived table's DDL, and what Glue holds against a DDL.
 */
final class ColumnComparison {
  /** Differences named in a message; the rest are counted. */
  private static final int SHOWN = 3;

  private ColumnComparison() {}

  /**
   * The differences between {@code actual} (named {@code actualName} in the message, such as "the
   * query") and {@code expected}, as one sentence; empty when they have the same columns, with the
   * same types, in the same order.
   */
  static String differences(
      List<Column> actual, String actualName, List<Column> expected, String expectedName) {
    Map<String, String> actualTypes = types(actual);
    Map<String, String> expectedTypes = types(expected);
    List<String> found = new ArrayList<>();
    actualTypes.forEach(
        (name, type) -> {
          if (!expectedTypes.containsKey(name)) {
            found.add(
                actualName + " has " + name + " " + type + ", which " + expectedName + " lacks");
          }
        });
    expectedTypes.forEach(
        (name, type) -> {
          String actualType = actualTypes.get(name);
          if (actualType == null) {
            found.add(
                expectedName + " has " + name + " " + type + ", which " + actualName + " lacks");
          } else if (!actualType.equals(type)) {
            found.add(
                name
                    + " is "
                    + actualType
                    + " in "
                    + actualName
                    + " but "
                    + type
                    + " in "
                    + expectedName);
          }
        });
    if (found.isEmpty()) {
      List<String> actualOrder = List.copyOf(actualTypes.keySet());
      List<String> expectedOrder = List.copyOf(expectedTypes.keySet());
      for (int i = 0; i < actualOrder.size(); i++) {
        if (!actualOrder.get(i).equals(expectedOrder.get(i))) {
          return "the same columns in another order: column "
              + (i + 1)
              + " is "
              + actualOrder.get(i)
              + " in "
              + actualName
              + " but "
              + expectedOrder.get(i)
              + " in "
              + expectedName;
        }
      }
      return "";
    }
    String shown = found.stream().limit(SHOWN).collect(Collectors.joining("; "));
    return found.size() <= SHOWN ? shown : shown + "; and " + (found.size() - SHOWN) + " more";
  }

  /**
   * Names in order, with types as Glue writes them: lower case, no spaces, {@code int} for {@code
   * integer}.
   */
  private static Map<String, String> types(List<Column> columns) {
    Map<String, String> types = new LinkedHashMap<>();
    for (Column column : columns) {
      types.put(column.name().toLowerCase(Locale.ROOT), normalized(column.hiveType()));
    }
    return types;
  }

  static String normalized(String hiveType) {
    return hiveType
        .toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", "")
        .replaceAll("\\binteger\\b", "int");
  }

  /** {@code a, b, c}: the columns' names. */
  static String names(List<Column> columns) {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }
}
