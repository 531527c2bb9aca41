package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import dev.partitionbuilder.core.SqlTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a Hive {@code CREATE EXTERNAL TABLE} (as Athena runs it) puts into the Glue Data Catalog:
 * columns with their Hive type strings, partition columns, SerDe, formats, location and properties:
 * what the local engine needs to define the source table as Athena sees it.
 */
public record HiveDdl(
    String database,
    String table,
    List<Column> columns,
    List<Column> partitionColumns,
    String serde,
    Map<String, String> serdeProperties,
    Optional<String> inputFormat,
    Optional<String> outputFormat,
    Optional<String> location,
    Map<String, String> tableProperties) {

  /** A column and its Hive type as Glue stores it, such as {@code struct<arn:string>}. */
  public record Column(String name, String hiveType) {}

  public HiveDdl {
    requireNonNull(table, "table is null");
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    serdeProperties = Map.copyOf(serdeProperties);
    tableProperties = Map.copyOf(tableProperties);
  }

  /**
   * @param origin where the DDL came from, for the message when it cannot be read
   */
  public static HiveDdl parse(String ddl, String origin) {
    requireNonNull(ddl, "ddl is null");
    try {
      return new Parser(ddl).table();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Cannot read the table DDL " + origin + ": " + e.getMessage(), e);
    }
  }

  static final String LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
  static final String PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
  static final String ORC_SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde";
  static final String TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
  static final String TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
  static final String PARQUET_INPUT =
      "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
  static final String PARQUET_OUTPUT =
      "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
  static final String ORC_INPUT = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
  static final String ORC_OUTPUT = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";

  /** What Hive records for {@code STORED AS <format>}: a default SerDe and the two formats. */
  record StoredAs(String serde, String inputFormat, String outputFormat) {}

  private static final Map<String, StoredAs> STORED_AS =
      Map.of(
          "TEXTFILE", new StoredAs(LAZY_SIMPLE_SERDE, TEXT_INPUT, TEXT_OUTPUT),
          "PARQUET", new StoredAs(PARQUET_SERDE, PARQUET_INPUT, PARQUET_OUTPUT),
          "ORC", new StoredAs(ORC_SERDE, ORC_INPUT, ORC_OUTPUT));

  /** Hive's reading of a string literal's body, for tests. */
  static String unescapeForTest(String body) {
    return Parser.unescape(body);
  }

  private static final class Parser {
    private final List<String> tokens;
    private int at;

    Parser(String ddl) {
      tokens = tokenize(ddl);
    }

    HiveDdl table() {
      expect("CREATE");
      accept("EXTERNAL");
      expect("TABLE");
      acceptIfNotExists();
      String database = null;
      String table = name();
      if (accept(".")) {
        database = table;
        table = name();
      }
      List<Column> columns = columns();
      List<Column> partitions = List.of();
      String serde = "";
      Map<String, String> serdeProperties = new LinkedHashMap<>();
      Map<String, String> tableProperties = new LinkedHashMap<>();
      String input = null;
      String output = null;
      String location = null;
      while (at < tokens.size()) {
        if (accept("PARTITIONED")) {
          expect("BY");
          partitions = columns();
        } else if (accept("ROW")) {
          serde = rowFormat(serdeProperties);
        } else if (accept("WITH")) {
          expect("SERDEPROPERTIES");
          serdeProperties.putAll(properties());
        } else if (accept("STORED")) {
          expect("AS");
          if (accept("INPUTFORMAT")) {
            input = string();
            expect("OUTPUTFORMAT");
            output = string();
          } else {
            StoredAs stored = storedAs(next());
            // What Hive (and so Glue) records for STORED AS: its SerDe unless ROW FORMAT named one.
            serde = serde.isEmpty() ? stored.serde() : serde;
            input = stored.inputFormat();
            output = stored.outputFormat();
          }
        } else if (accept("LOCATION")) {
          location = string();
        } else if (accept("TBLPROPERTIES")) {
          tableProperties.putAll(properties());
        } else if (accept("COMMENT")) {
          string();
        } else {
          throw new IllegalArgumentException("unexpected " + tokens.get(at) + " in the table DDL");
        }
      }
      return new HiveDdl(
          database,
          table,
          columns,
          partitions,
          serde,
          serdeProperties,
          Optional.ofNullable(input),
          Optional.ofNullable(output),
          Optional.ofNullable(location),
          tableProperties);
    }

    /**
     * ROW FORMAT's SerDe; DELIMITED's clauses go into {@code serdeProperties} as Hive records them.
     */
    private String rowFormat(Map<String, String> serdeProperties) {
      expect("FORMAT");
      if (accept("SERDE")) {
        return string();
      }
      expect("DELIMITED");
      serdeProperties.putAll(delimited());
      return LAZY_SIMPLE_SERDE;
    }

    private void acceptIfNotExists() {
      if (accept("IF")) {
        expect("NOT");
        expect("EXISTS");
      }
    }

    /** The formats {@code STORED AS} may name here, with what Hive records for each. */
    private static StoredAs storedAs(String format) {
      StoredAs stored = STORED_AS.get(format.toUpperCase(Locale.ROOT));
      if (stored == null) {
        throw new IllegalArgumentException(
            "not supported locally: STORED AS "
                + format
                + " (supported: TEXTFILE, PARQUET, ORC, or INPUTFORMAT and OUTPUTFORMAT)");
      }
      return stored;
    }

    /**
     * {@code ROW FORMAT DELIMITED}'s clauses as the LazySimpleSerDe properties Hive records for
     * them; FIELDS TERMINATED BY sets serialization.format too, as Hive does.
     */
    private Map<String, String> delimited() {
      Map<String, String> properties = new LinkedHashMap<>();
      while (true) {
        if (accept("FIELDS")) {
          expect("TERMINATED");
          expect("BY");
          String delimiter = string();
          properties.put("field.delim", delimiter);
          properties.put("serialization.format", delimiter);
          if (accept("ESCAPED")) {
            expect("BY");
            properties.put("escape.delim", string());
          }
        } else if (accept("COLLECTION")) {
          expect("ITEMS");
          expect("TERMINATED");
          expect("BY");
          properties.put("collection.delim", string());
        } else if (accept("MAP")) {
          expect("KEYS");
          expect("TERMINATED");
          expect("BY");
          properties.put("mapkey.delim", string());
        } else if (accept("LINES")) {
          expect("TERMINATED");
          expect("BY");
          properties.put("line.delim", string());
        } else if (accept("NULL")) {
          expect("DEFINED");
          expect("AS");
          properties.put("serialization.null.format", string());
        } else {
          return properties;
        }
      }
    }

    private List<Column> columns() {
      expect("(");
      List<Column> columns = new ArrayList<>();
      do {
        String name = name().toLowerCase(Locale.ROOT);
        columns.add(new Column(name, type()));
        if (accept("COMMENT")) {
          string();
        }
      } while (accept(","));
      expect(")");
      return columns;
    }

    /** The type as Hive prints it: lower case, no spaces, {@code struct<name:type,...>}. */
    private String type() {
      String word = next().toLowerCase(Locale.ROOT);
      StringBuilder type = new StringBuilder(word);
      switch (word) {
        case "array" -> {
          expect("<");
          type.append('<').append(type()).append('>');
          expect(">");
        }
        case "map" -> {
          expect("<");
          type.append('<').append(type()).append(',');
          expect(",");
          type.append(type()).append('>');
          expect(">");
        }
        case "struct" -> {
          expect("<");
          type.append('<');
          do {
            String field = name().toLowerCase(Locale.ROOT);
            expect(":");
            type.append(field).append(':').append(type());
            if (accept("COMMENT")) {
              string();
            }
            if (peek(",")) {
              type.append(',');
            }
          } while (accept(","));
          expect(">");
          type.append('>');
        }
        case "decimal", "char", "varchar" -> {
          if (accept("(")) {
            type.append('(').append(next());
            while (accept(",")) {
              type.append(',').append(next());
            }
            expect(")");
            type.append(')');
          }
        }
        default -> {}
      }
      return type.toString();
    }

    private Map<String, String> properties() {
      expect("(");
      Map<String, String> properties = new LinkedHashMap<>();
      do {
        String key = string();
        expect("=");
        properties.put(key, string());
      } while (accept(","));
      expect(")");
      return properties;
    }

    private String name() {
      String token = next();
      if (token.startsWith("`") || token.startsWith("\"")) {
        return token.substring(1, token.length() - 1);
      }
      return token;
    }

    /** A string literal as Hive reads it: backslash escapes, and adjacent literals joined. */
    private String string() {
      String token = next();
      if (!token.startsWith("'") && !token.startsWith("\"")) {
        throw new IllegalArgumentException("expected a quoted string, found " + token);
      }
      StringBuilder value = new StringBuilder(unescape(token.substring(1, token.length() - 1)));
      while (at < tokens.size()
          && (tokens.get(at).startsWith("'") || tokens.get(at).startsWith("\""))) {
        String more = next();
        value.append(unescape(more.substring(1, more.length() - 1)));
      }
      return value.toString();
    }

    private boolean peek(String token) {
      return at < tokens.size() && tokens.get(at).equalsIgnoreCase(token);
    }

    private boolean accept(String token) {
      if (peek(token)) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(String token) {
      if (!accept(token)) {
        throw new IllegalArgumentException(
            "expected " + token + ", found " + (at < tokens.size() ? tokens.get(at) : "the end"));
      }
    }

    private String next() {
      if (at >= tokens.size()) {
        throw new IllegalArgumentException("unexpected end of the table DDL");
      }
      return tokens.get(at++);
    }

    /**
     * Hive's reading of a string literal's body (BaseSemanticAnalyzer.unescapeSQLString), so a
     * delimiter reaches the table as the character Hive would record: {@code '\\t'} a tab, {@code
     * '\\001'} the byte 1, {@code '\\\\'} one backslash.
     */
    static String unescape(String body) {
      StringBuilder out = new StringBuilder(body.length());
      int n = body.length();
      for (int i = 0; i < n; i++) {
        char c = body.charAt(i);
        if (c != '\\' || i + 1 >= n) {
          out.append(c);
          continue;
        }
        if (i + 3 < n
            && isOctal(body.charAt(i + 1), '1')
            && isOctal(body.charAt(i + 2), '7')
            && isOctal(body.charAt(i + 3), '7')) {
          out.append(
              (char)
                  ((body.charAt(i + 1) - '0') * 64
                      + (body.charAt(i + 2) - '0') * 8
                      + (body.charAt(i + 3) - '0')));
          i += 3;
          continue;
        }
        if (body.charAt(i + 1) == 'u' && i + 5 < n && isHex(body.substring(i + 2, i + 6))) {
          out.append((char) Integer.parseInt(body.substring(i + 2, i + 6), 16));
          i += 5;
          continue;
        }
        char e = body.charAt(++i);
        switch (e) {
          case '0' -> out.append('\0');
          case 'b' -> out.append('\b');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'Z' -> out.append('\u001A');
          // Kept with their backslash, for LIKE patterns.
          case '%', '_' -> out.append('\\').append(e);
          default -> out.append(e);
        }
      }
      return out.toString();
    }

    private static boolean isOctal(char c, char highest) {
      return c >= '0' && c <= highest;
    }

    private static boolean isHex(String s) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static List<String> tokenize(String ddl) {
      List<String> tokens =
          new ArrayList<>(
              SqlTokens.significant(ddl, SqlTokens.Dialect.HIVE).stream()
                  .map(SqlTokens.Token::text)
                  .toList());
      if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals(";")) {
        tokens.remove(tokens.size() - 1);
      }
      return tokens;
    }
  }
}
