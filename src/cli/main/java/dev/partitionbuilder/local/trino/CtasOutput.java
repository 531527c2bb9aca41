package dev.partitionbuilder.local.trino;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.ConfigException;
import io.trino.plugin.hive.util.HiveTypeTranslator;
import io.trino.spi.TrinoException;
import io.trino.spi.type.Type;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.CreateTableAsSelect;
import io.trino.sql.tree.NodeLocation;
import io.trino.sql.tree.Statement;
import io.trino.testing.MaterializedResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What an Athena CTAS writes: its SELECT's columns, each with the Hive type the table it creates
 * gets in Glue, found by Trino (Athena engine v3's engine) analysing the query without reading a
 * row. For {@code partition-builder check}, which compares them with the long-lived table's DDL.
 */
public final class CtasOutput {
  private static final String WRAP = "SELECT * FROM (";

  private CtasOutput() {}

  /**
   * The statement's SELECT, as a query of its own whose lines and columns are those of {@code
   * ctas}, so that Trino's {@code line 3:5} in an error points into the rendered CTAS.
   *
   * @throws ConfigException when {@code ctas} does not parse as Trino SQL or is not a CREATE TABLE
   *     AS
   */
  public static String select(String ctas) {
    requireNonNull(ctas, "ctas is null");
    Statement statement;
    try {
      statement = new SqlParser().createStatement(ctas);
    } catch (ParsingException e) {
      throw new ConfigException("it does not parse as Athena engine v3 SQL: " + e.getMessage(), e);
    }
    if (!(statement instanceof CreateTableAsSelect create)) {
      throw new ConfigException("it is not a CREATE TABLE ... AS SELECT");
    }
    NodeLocation start =
        create
            .getQuery()
            .getLocation()
            .orElseThrow(
                () -> new IllegalStateException("Trino's parser gave the query no location"));
    int offset = offset(ctas, start.getLineNumber(), start.getColumnNumber());
    // Everything before the query becomes blanks (line breaks kept), so positions stay where they
    // were.
    StringBuilder query = new StringBuilder(ctas.length());
    for (int i = 0; i < offset; i++) {
      query.append(ctas.charAt(i) == '\n' ? '\n' : ' ');
    }
    return query.append(ctas, offset, ctas.length()).toString();
  }

  /**
   * The columns the CTAS would write, analysed on {@code trino} in {@code database}: the query is
   * run with {@code LIMIT 0}, which Trino answers from the plan without reading the source.
   *
   * @throws ConfigException when the CTAS does not parse
   * @throws QueryFailedException with Trino's message when the query does not analyse (an unknown
   *     column or table, a type error)
   */
  public static List<HiveDdl.Column> columns(TrinoEngine trino, String database, String ctas) {
    String select = select(ctas);
    // The CTAS head ("CREATE TABLE x WITH (...) AS") is always longer than the wrapper, which
    // therefore fits into the blanks of the first line without moving any position after it.
    int firstLine = select.indexOf('\n') < 0 ? select.length() : select.indexOf('\n');
    String head = select.substring(0, Math.min(WRAP.length(), firstLine));
    String sql =
        head.isBlank() && head.length() == WRAP.length()
            ? WRAP + select.substring(WRAP.length()) + "\n) LIMIT 0"
            : WRAP + "\n" + select + "\n) LIMIT 0";
    MaterializedResult result;
    try {
      result = trino.execute(trino.sessionIn(database), sql);
    } catch (RuntimeException e) {
      throw new QueryFailedException(TrinoEngine.message(e), e);
    }
    List<HiveDdl.Column> columns = new ArrayList<>();
    for (int i = 0; i < result.getColumnNames().size(); i++) {
      String name = result.getColumnNames().get(i);
      Type type = result.getTypes().get(i);
      try {
        columns.add(new HiveDdl.Column(name, HiveTypeTranslator.toHiveType(type).toString()));
      } catch (TrinoException e) {
        throw new ConfigException(
            "its column "
                + name
                + " is of type "
                + type.getDisplayName()
                + ", which a Hive table (and so Athena's CTAS) cannot store: cast it, such as to varchar",
            e);
      }
    }
    return columns;
  }

  private static int offset(String text, int line, int column) {
    int at = 0;
    for (int l = 1; l < line; l++) {
      at = text.indexOf('\n', at) + 1;
    }
    return at + column - 1;
  }
}
