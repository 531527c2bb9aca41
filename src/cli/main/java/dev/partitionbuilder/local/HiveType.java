package dev.partitionbuilder.local;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A column type of a Hive DDL, as Athena's {@code CREATE EXTERNAL TABLE} takes it. */
sealed interface HiveType {
  /** The DuckDB type the local engine gives this column. */
  String duckDbType();

  /** {@code string}, {@code bigint}, {@code decimal(10,2)}, {@code varchar(20)}, ... */
  record Primitive(String name, String parameters) implements HiveType {
    public Primitive {
      name = name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String duckDbType() {
      return switch (name) {
        case "string", "varchar", "char" -> "VARCHAR";
        case "tinyint" -> "TINYINT";
        case "smallint" -> "SMALLINT";
        case "int", "integer" -> "INTEGER";
        case "bigint" -> "BIGINT";
        case "float" -> "FLOAT";
        case "double" -> "DOUBLE";
        case "boolean" -> "BOOLEAN";
        case "date" -> "DATE";
        case "timestamp" -> "TIMESTAMP";
        case "decimal" -> "DECIMAL" + (parameters.isEmpty() ? "(10,0)" : parameters);
        default -> throw new UnsupportedTypeException(name + parameters);
      };
    }

    @Override
    public String toString() {
      return name + parameters;
    }
  }

  record Array(HiveType element) implements HiveType {
    public Array {
      requireNonNull(element, "element is null");
    }

    @Override
    public String duckDbType() {
      return element.duckDbType() + "[]";
    }

    @Override
    public String toString() {
      return "array<" + element + ">";
    }
  }

  record MapType(HiveType key, HiveType value) implements HiveType {
    @Override
    public String duckDbType() {
      return "MAP(" + key.duckDbType() + ", " + value.duckDbType() + ")";
    }

    @Override
    public String toString() {
      return "map<" + key + "," + value + ">";
    }
  }

  record Struct(List<Field> fields) implements HiveType {
    public Struct {
      fields = List.copyOf(fields);
    }

    @Override
    public String duckDbType() {
      return fields.stream().map(f -> '"' + f.name() + "\" " + f.type().duckDbType())
          .collect(Collectors.joining(", ", "STRUCT(", ")"));
    }

    @Override
    public String toString() {
      return fields.stream().map(f -> f.name() + ":" + f.type()).collect(Collectors.joining(",", "struct<", ">"));
    }
  }

  /** A struct field or a column: Hive names are case-insensitive and kept in lower case. */
  record Field(String name, HiveType type) {
    public Field {
      name = name.toLowerCase(Locale.ROOT);
      requireNonNull(type, "type is null");
    }
  }

  final class UnsupportedTypeException extends RuntimeException {
    UnsupportedTypeException(String type) {
      super("not supported locally: column type " + type);
    }
  }
}
