package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a Hive {@code CREATE EXTERNAL TABLE} (as Athena runs it) puts into the Glue Data Catalog:
 * columns with their Hive type strings, partition columns, SerDe, formats, location and
 * properties: what the local engine needs to define the source table as Athena sees it.
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

  /** @param origin where the DDL came from, for the message when it cannot be read */
  public static HiveDdl parse(String ddl, String origin) {
    requireNonNull(ddl, "ddl is null");
    try {
      return new Parser(ddl).table();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Cannot read the table DDL " + origin + ": " + e.getMessage(), e);
    }
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
      if (accept("IF")) {
        expect("NOT");
        expect("EXISTS");
      }
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
          expect("FORMAT");
          expect("SERDE");
          serde = string();
        } else if (accept("WITH")) {
          expect("SERDEPROPERTIES");
          serdeProperties.putAll(properties());
        } else if (accept("STORED")) {
          expect("AS");
          if (accept("INPUTFORMAT")) {
            input = string();
            expect("OUTPUTFORMAT");
            output = string();
          } else if (accept("PARQUET")) {
            // What Hive (and so Glue) records for STORED AS PARQUET.
            serde = serde.isEmpty() ? "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" : serde;
            input = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
            output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
          } else {
            throw new IllegalArgumentException(
                "not supported locally: STORED AS " + next() + " (name the SerDe and formats)");
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
      return new HiveDdl(database, table, columns, partitions, serde, serdeProperties,
          Optional.ofNullable(input), Optional.ofNullable(output), Optional.ofNullable(location),
          tableProperties);
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

    private String string() {
      String token = next();
      if (!token.startsWith("'")) {
        throw new IllegalArgumentException("expected a quoted string, found " + token);
      }
      return token.substring(1, token.length() - 1).replace("''", "'");
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

    private static List<String> tokenize(String ddl) {
      List<String> tokens = new ArrayList<>();
      int i = 0;
      int n = ddl.length();
      while (i < n) {
        char c = ddl.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '-' && i + 1 < n && ddl.charAt(i + 1) == '-') {
          while (i < n && ddl.charAt(i) != '\n') {
            i++;
          }
        } else if (c == '\'' || c == '`' || c == '"') {
          int start = i++;
          while (i < n) {
            if (ddl.charAt(i) == c) {
              if (c == '\'' && i + 1 < n && ddl.charAt(i + 1) == '\'') {
                i += 2;
                continue;
              }
              break;
            }
            i++;
          }
          if (i >= n) {
            throw new IllegalArgumentException("unterminated " + c + " in the table DDL");
          }
          tokens.add(ddl.substring(start, ++i));
        } else if (Character.isLetterOrDigit(c) || c == '_' || c == '{' || c == '}' || c == '$') {
          int start = i;
          while (i < n) {
            char d = ddl.charAt(i);
            if (!(Character.isLetterOrDigit(d) || d == '_' || d == '{' || d == '}' || d == '$')) {
              break;
            }
            i++;
          }
          tokens.add(ddl.substring(start, i));
        } else {
          tokens.add(String.valueOf(c));
          i++;
        }
      }
      if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).equals(";")) {
        tokens.remove(tokens.size() - 1);
      }
      return tokens;
    }
  }
}
