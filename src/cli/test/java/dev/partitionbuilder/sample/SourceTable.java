package dev.partitionbuilder.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns of the source table's Hive DDL, so tests can check that sample events fit it. A type
 * is a scalar name ("STRING"), a {@code Map} of lowercase field names for a STRUCT, or an {@link
 * Array}.
 */
final class SourceTable {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|[<>:,]");

  record Array(Object element) {}

  private SourceTable() {}

  static Map<String, Object> columns(String ddl) {
    int open = ddl.indexOf('(', ddl.indexOf("CREATE EXTERNAL TABLE"));
    int close = ddl.lastIndexOf(')', ddl.indexOf("PARTITIONED BY"));
    Iterator<String> tokens = tokens(ddl.substring(open + 1, close));
    Map<String, Object> columns = new LinkedHashMap<>();
    while (tokens.hasNext()) {
      String name = tokens.next();
      columns.put(name.toLowerCase(Locale.ROOT), type(tokens));
      if (tokens.hasNext()) {
        expect(tokens, ",");
      }
    }
    return columns;
  }

  /**
   * Fails when {@code value} has a nested field its column's type does not declare (names are
   * case-blind).
   */
  static void assertFits(String path, JsonNode value, Object type) {
    if (value == null || value.isNull()) {
      return;
    }
    if (type instanceof Map<?, ?> struct) {
      assertThat(value.isObject()).as("%s is an object", path).isTrue();
      value
          .properties()
          .forEach(
              field -> {
                String name = field.getKey().toLowerCase(Locale.ROOT);
                assertThat(struct.containsKey(name))
                    .as("%s.%s is declared in the DDL", path, field.getKey())
                    .isTrue();
                assertFits(path + "." + field.getKey(), field.getValue(), struct.get(name));
              });
    } else if (type instanceof Array array) {
      assertThat(value.isArray()).as("%s is an array", path).isTrue();
      value.forEach(element -> assertFits(path + "[]", element, array.element()));
    }
  }

  private static Object type(Iterator<String> tokens) {
    String name = tokens.next();
    if (name.equalsIgnoreCase("STRUCT")) {
      expect(tokens, "<");
      Map<String, Object> fields = new LinkedHashMap<>();
      String separator;
      do {
        String field = tokens.next();
        expect(tokens, ":");
        fields.put(field.toLowerCase(Locale.ROOT), type(tokens));
        separator = tokens.next();
      } while (separator.equals(","));
      return fields;
    }
    if (name.equalsIgnoreCase("ARRAY")) {
      expect(tokens, "<");
      Object element = type(tokens);
      expect(tokens, ">");
      return new Array(element);
    }
    return name.toUpperCase(Locale.ROOT);
  }

  private static void expect(Iterator<String> tokens, String expected) {
    assertThat(tokens.next()).as("DDL token").isEqualTo(expected);
  }

  private static Iterator<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    return tokens.iterator();
  }
}
