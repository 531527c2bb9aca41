package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.local.HiveType.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a Hive {@code CREATE EXTERNAL TABLE} (as Athena runs it) that the local engine
 * needs: columns and their types, partition columns, the SerDe and its properties. Placeholders
 * such as {@code {{database}}} may stand where names and locations go; they are not interpreted.
 */
record HiveDdl(
    String table,
    List<Field> columns,
    List<Field> partitionColumns,
    String serde,
    Map<String, String> serdeProperties,
    Map<String, String> tableProperties) {

  static final String OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

  HiveDdl {
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    serdeProperties = Map.copyOf(serdeProperties);
    tableProperties = Map.copyOf(tableProperties);
  }

  /**
   * The partition directories below the table's location: partition projection's
   * {@code storage.location.template} from its first {@code ${...}} on (such as
   * {@code ${year}/${month}/${day}/}), or Hive's {@code year=.../month=.../} when there is none.
   */
  String partitionLayout() {
    String template = tableProperties.get("storage.location.template");
    if (template != null && template.contains("${")) {
      String layout = template.substring(template.indexOf("${"));
      return layout.endsWith("/") ? layout : layout + "/";
    }
    return partitionColumns.stream().map(c -> c.name() + "=${" + c.name() + "}/").collect(java.util.stream.Collectors.joining());
  }

  boolean ignoresMalformedJson() {
    return "true".equalsIgnoreCase(serdeProperties.getOrDefault("ignore.malformed.json", "false"));
  }

  static HiveDdl parse(String ddl, String origin) {
    requireNonNull(ddl, "ddl is null");
    try {
      return new Parser(ddl).table();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Cannot read the table DDL " + origin + ": " + e.getMessage(), e);
    }
  }

  /** A small recursive-descent reader over the DDL's tokens. */
  private static final class Parser {
    private final List<String> tokens;
    private int at;

    Parser(String ddl) {
      this.tokens = tokenize(ddl);
    }

    HiveDdl table() {
      expectWord("CREATE");
      acceptWord("EXTERNAL");
      expectWord("TABLE");
      if (acceptWord("IF")) {
        expectWord("NOT");
        expectWord("EXISTS");
      }
      String name = name();
      while (accept(".")) {
        name = name();
      }
      List<Field> columns = fieldList();
      List<Field> partitions = List.of();
      String serde = null;
      Map<String, String> properties = new LinkedHashMap<>();
      Map<String, String> tableProperties = new LinkedHashMap<>();
      while (at < tokens.size()) {
        if (acceptWord("PARTITIONED")) {
          expectWord("BY");
          partitions = fieldList();
        } else if (acceptWord("ROW")) {
          expectWord("FORMAT");
          expectWord("SERDE");
          serde = string();
        } else if (acceptWord("WITH")) {
          expectWord("SERDEPROPERTIES");
          properties.putAll(propertyList());
        } else if (acceptWord("TBLPROPERTIES")) {
          tableProperties.putAll(propertyList());
        } else {
          at++; // STORED AS, LOCATION, TBLPROPERTIES, COMMENT: not needed locally
        }
      }
      return new HiveDdl(name, columns, partitions, serde == null ? "" : serde, properties, tableProperties);
    }

    private List<Field> fieldList() {
      expect("(");
      List<Field> fields = new ArrayList<>();
      do {
        String name = name();
        HiveType type = type();
        if (acceptWord("COMMENT")) {
          string();
        }
        fields.add(new Field(name, type));
      } while (accept(","));
      expect(")");
      return fields;
    }

    private HiveType type() {
      String word = word().toLowerCase(Locale.ROOT);
      switch (word) {
        case "array" -> {
          expect("<");
          HiveType element = type();
          expect(">");
          return new HiveType.Array(element);
        }
        case "map" -> {
          expect("<");
          HiveType key = type();
          expect(",");
          HiveType value = type();
          expect(">");
          return new HiveType.MapType(key, value);
        }
        case "struct" -> {
          expect("<");
          List<Field> fields = new ArrayList<>();
          do {
            String name = name();
            expect(":");
            HiveType type = type();
            if (acceptWord("COMMENT")) {
              string();
            }
            fields.add(new Field(name, type));
          } while (accept(","));
          expect(">");
          return new HiveType.Struct(fields);
        }
        default -> {
          StringBuilder parameters = new StringBuilder();
          if (accept("(")) {
            parameters.append('(').append(word());
            while (accept(",")) {
              parameters.append(',').append(word());
            }
            expect(")");
            parameters.append(')');
          }
          return new HiveType.Primitive(word, parameters.toString());
        }
      }
    }

    private Map<String, String> propertyList() {
      Map<String, String> properties = new LinkedHashMap<>();
      Map<String, String> tableProperties = new LinkedHashMap<>();
      expect("(");
      do {
        String key = string();
        expect("=");
        properties.put(key, string());
      } while (accept(","));
      expect(")");
      return properties;
    }

    private String name() {
      String token = next("a name");
      if (token.startsWith("`") || token.startsWith("\"")) {
        return token.substring(1, token.length() - 1);
      }
      if (!Character.isLetterOrDigit(token.charAt(0)) && token.charAt(0) != '_' && !token.startsWith("{{")) {
        throw new IllegalArgumentException("expected a name, found '" + token + "'");
      }
      return token;
    }

    private String word() {
      String token = next("a word");
      if (!Character.isLetterOrDigit(token.charAt(0)) && token.charAt(0) != '_') {
        throw new IllegalArgumentException("expected a type or word, found '" + token + "'");
      }
      return token;
    }

    private String string() {
      String token = next("a quoted string");
      if (!token.startsWith("'")) {
        throw new IllegalArgumentException("expected a quoted string, found '" + token + "'");
      }
      return token.substring(1, token.length() - 1).replace("''", "'");
    }

    private boolean acceptWord(String word) {
      if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(word)) {
        at++;
        return true;
      }
      return false;
    }

    private void expectWord(String word) {
      if (!acceptWord(word)) {
        throw new IllegalArgumentException("expected " + word + " at " + here());
      }
    }

    private boolean accept(String symbol) {
      if (at < tokens.size() && tokens.get(at).equals(symbol)) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(String symbol) {
      if (!accept(symbol)) {
        throw new IllegalArgumentException("expected '" + symbol + "' at " + here());
      }
    }

    private String next(String what) {
      if (at >= tokens.size()) {
        throw new IllegalArgumentException("expected " + what + " but the DDL ended");
      }
      return tokens.get(at++);
    }

    private String here() {
      return at < tokens.size() ? "'" + tokens.get(at) + "' (token " + (at + 1) + ")" : "the end";
    }

    private static List<String> tokenize(String ddl) {
      List<String> tokens = new ArrayList<>();
      int i = 0;
      int n = ddl.length();
      while (i < n) {
        char c = ddl.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '-' && i + 1 < n && ddl.charAt(i + 1) == '-') {
          int end = ddl.indexOf('\n', i);
          i = end < 0 ? n : end + 1;
        } else if (c == '\'' || c == '`' || c == '"') {
          int end = i + 1;
          while (true) {
            end = ddl.indexOf(c, end);
            if (end < 0) {
              throw new IllegalArgumentException("unterminated " + c + " quote");
            }
            if (c == '\'' && end + 1 < n && ddl.charAt(end + 1) == '\'') {
              end += 2;
              continue;
            }
            break;
          }
          tokens.add(ddl.substring(i, end + 1));
          i = end + 1;
        } else if (c == '{' && ddl.startsWith("{{", i)) {
          int end = ddl.indexOf("}}", i);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated {{ placeholder");
          }
          tokens.add(ddl.substring(i, end + 2));
          i = end + 2;
        } else if (Character.isLetterOrDigit(c) || c == '_') {
          int end = i;
          while (end < n && (Character.isLetterOrDigit(ddl.charAt(end)) || ddl.charAt(end) == '_')) {
            end++;
          }
          tokens.add(ddl.substring(i, end));
          i = end;
        } else {
          tokens.add(String.valueOf(c));
          i++;
        }
      }
      return tokens;
    }
  }
}
