package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.SqlTokens;
import dev.partitionbuilder.core.SqlTokens.Token;
import io.trino.sql.ExpressionFormatter;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.BooleanLiteral;
import io.trino.sql.tree.CreateTableAsSelect;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.NodeLocation;
import io.trino.sql.tree.Property;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.StringLiteral;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An Athena engine v3 CTAS made runnable on Trino's Hive connector: Athena's table properties
 * become Trino's table and session properties, with Athena's defaults where the two differ. The
 * statement's text is kept; only its {@code WITH (...)} is replaced, on as many lines as before, so
 * that Trino's line numbers in errors still point into the template. A property this cannot map
 * fails with {@code not supported locally: ...}, never a silently different table.
 *
 * @param sql the statement to run
 * @param catalogSessionProperties Hive session properties (such as {@code compression_codec})
 * @param externalLocation the table's location as Athena was given it, if any
 */
record CtasTranslation(
    String sql, Map<String, String> catalogSessionProperties, Optional<String> externalLocation) {

  // https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html#ctas-table-properties
  private static final Set<String> FORMATS = Set.of("PARQUET", "ORC", "AVRO", "JSON", "TEXTFILE");
  private static final Set<String> PASSED_ON =
      Set.of("partitioned_by", "bucketed_by", "bucket_count");

  CtasTranslation {
    requireNonNull(sql, "sql is null");
    catalogSessionProperties = Map.copyOf(catalogSessionProperties);
    requireNonNull(externalLocation, "externalLocation is null");
  }

  /** Statements other than a CTAS are returned unchanged. */
  static CtasTranslation of(String sql) {
    Statement statement = new SqlParser().createStatement(sql);
    if (!(statement instanceof CreateTableAsSelect ctas)) {
      return new CtasTranslation(sql, Map.of(), Optional.empty());
    }
    Map<String, String> trino = new LinkedHashMap<>();
    Map<String, String> session = new LinkedHashMap<>();
    String format = "PARQUET"; // Athena's default; Trino's would be ORC (hive.storage-format)
    String compression = null;
    Optional<String> location = Optional.empty();
    for (Property property : ctas.getProperties()) {
      String name = property.getName().getValue().toLowerCase(Locale.ROOT);
      if (property.isSetToDefault()) {
        throw new IllegalArgumentException(
            "not supported locally: CTAS property " + name + " = DEFAULT");
      }
      Expression value = property.getNonDefaultValue();
      switch (name) {
        case "table_type" -> {
          if (!string(name, value).equalsIgnoreCase("HIVE")) {
            throw new IllegalArgumentException(
                "not supported locally: table_type = '" + string(name, value) + "'");
          }
        }
        case "is_external" -> {
          if (!(value instanceof BooleanLiteral b) || !b.getValue()) {
            throw new IllegalArgumentException(
                "not supported locally: is_external = "
                    + ExpressionFormatter.formatExpression(value));
          }
        }
        case "format" -> {
          format = string(name, value).toUpperCase(Locale.ROOT);
          if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("not supported locally: format = '" + format + "'");
          }
        }
        case "write_compression", "parquet_compression", "orc_compression" ->
            compression = string(name, value).toUpperCase(Locale.ROOT);
        case "external_location" -> {
          String uri = string(name, value);
          location = Optional.of(uri);
          trino.put("external_location", quote(localUri(uri)));
        }
        case "field_delimiter" ->
            trino.put("textfile_field_separator", ExpressionFormatter.formatExpression(value));
        default -> {
          if (!PASSED_ON.contains(name)) {
            throw new IllegalArgumentException("not supported locally: CTAS property " + name);
          }
          trino.put(name, ExpressionFormatter.formatExpression(value));
        }
      }
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("format", quote(format));
    all.putAll(trino);
    session.put("compression_codec", codec(format, compression));
    return new CtasTranslation(replaceWith(sql, ctas, all), session, location);
  }

  /** Athena's write_compression for a format as Trino's Hive compression_codec. */
  private static String codec(String format, String compression) {
    // Athena's defaults: GZIP for Parquet and text, ZLIB for ORC (Trino's GZIP means ZLIB in ORC).
    // https://docs.aws.amazon.com/athena/latest/ug/compression-formats.html
    if (compression == null) {
      return "GZIP";
    }
    return switch (compression) {
      case "NONE", "UNCOMPRESSED" -> "NONE";
      case "SNAPPY", "GZIP", "ZSTD" -> compression;
      case "ZLIB" -> {
        if (!format.equals("ORC")) {
          throw new IllegalArgumentException(
              "not supported locally: write_compression = 'ZLIB' for " + format);
        }
        yield "GZIP";
      }
      case "LZ4" -> {
        if (format.equals("PARQUET")) {
          // Athena does not write LZ4 Parquet.
          throw new IllegalArgumentException(
              "write_compression 'LZ4' is not supported for PARQUET");
        }
        yield "LZ4";
      }
      default ->
          throw new IllegalArgumentException(
              "not supported locally: write_compression = '" + compression + "'");
    };
  }

  /** file:///x and local:///x both name the local path /x; S3 has no local stand-in here. */
  static String localUri(String uri) {
    if (uri.startsWith("local:///")) {
      return uri;
    }
    if (uri.startsWith("file:///")) {
      return "local://" + uri.substring("file://".length());
    }
    throw new IllegalArgumentException(
        "not supported locally: external_location "
            + uri
            + " (a local file:/// location is needed)");
  }

  private static String string(String name, Expression value) {
    if (value instanceof StringLiteral s) {
      return s.getValue();
    }
    throw new IllegalArgumentException(
        "CTAS property "
            + name
            + " must be a string, not "
            + ExpressionFormatter.formatExpression(value));
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** The statement with its WITH (...) replaced (or added before AS), line numbers kept. */
  private static String replaceWith(
      String sql, CreateTableAsSelect ctas, Map<String, String> properties) {
    StringBuilder with = new StringBuilder("(");
    properties.forEach(
        (k, v) -> with.append(with.length() > 1 ? ", " : "").append(k).append(" = ").append(v));
    with.append(')');
    List<Token> tokens = SqlTokens.significant(sql, SqlTokens.Dialect.TRINO);
    if (ctas.getProperties().isEmpty()) {
      int query = offset(sql, ctas.getQuery().getLocation().orElseThrow());
      int at = last(tokens, query, "AS", t -> t.isWord("AS")).start();
      return sql.substring(0, at) + "WITH " + with + "\n" + sql.substring(at);
    }
    int first = offset(sql, ctas.getProperties().get(0).getLocation().orElseThrow());
    Token open = last(tokens, first, "(", t -> t.is('('));
    int closing = SqlTokens.closingParenthesis(tokens, tokens.indexOf(open));
    if (closing < 0) {
      throw new IllegalArgumentException("unbalanced parentheses in the CTAS WITH clause");
    }
    int close = tokens.get(closing).start();
    long lines = sql.substring(open.start(), close).chars().filter(c -> c == '\n').count();
    return sql.substring(0, open.start())
        + with
        + "\n".repeat((int) lines)
        + sql.substring(close + 1);
  }

  /**
   * The last token before {@code offset} that is {@code wanted}, which a message calls {@code
   * what}.
   */
  private static Token last(List<Token> tokens, int offset, String what, Predicate<Token> wanted) {
    return tokens.stream()
        .filter(t -> t.start() < offset && wanted.test(t))
        .reduce((a, b) -> b)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Cannot translate the CTAS: Trino's parser read it, yet no "
                        + what
                        + " comes before offset "
                        + offset));
  }

  private static int offset(String sql, NodeLocation location) {
    int offset = 0;
    for (int line = 1; line < location.getLineNumber(); line++) {
      offset = sql.indexOf('\n', offset) + 1;
    }
    return offset + location.getColumnNumber() - 1;
  }
}
