package dev.partitionbuilder.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.PartitionBuilderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Athena engine v3 (Trino) SQL on embedded DuckDB: {@link #install} gives a DuckDB connection
 * Trino's functions, and {@link #translate} points a Trino query at them.
 *
 * <h2>Provided, with Trino's documented results and NULL handling</h2>
 *
 * <ul>
 *   <li>Date and time: {@code from_iso8601_timestamp}, {@code from_iso8601_date}, {@code to_iso8601},
 *       {@code from_unixtime} (1, 2 or 3 arguments), {@code to_unixtime}, {@code date_add},
 *       {@code date_diff} (whole units elapsed, as Joda-Time counts them), {@code date_trunc},
 *       {@code date_format} and {@code date_parse} with the MySQL specifiers
 *       {@code %a %b %c %d %e %f %H %h %I %i %j %k %l %M %m %p %r %S %s %T %v %W %x %Y %y %%}
 *       ({@code %D %U %u %V %w %X} are rejected, as Trino rejects them).
 *   <li>JSON: {@code CAST(x AS JSON)}, {@code json_parse}, {@code json_format}, {@code json_extract},
 *       {@code json_extract_scalar}, {@code json_array_length}.
 *   <li>Arrays and maps: {@code element_at}, {@code cardinality}, {@code array_join}, {@code concat}.
 *   <li>Strings: {@code regexp_like}, {@code regexp_extract}, {@code regexp_extract_all},
 *       {@code regexp_replace} ({@code $1} back-references), {@code regexp_count}, {@code split},
 *       {@code split_part}, {@code strpos}, {@code url_extract_host}, {@code format} (see
 *       {@link JavaFormat}).
 *   <li>{@code approx_distinct}, which counts exactly here: Trino's HyperLogLog estimate has a
 *       standard error of 2.3%, so Athena's answer may differ by a few percent.
 * </ul>
 *
 * <h2>Rejected by {@link #translate}, with "not supported locally: ..."</h2>
 *
 * Lambda expressions; {@code UNNEST(...) AS t(a, b)} with more than one column alias; look-around,
 * atomic groups, possessive quantifiers and back-references in a literal pattern (DuckDB's regular
 * expressions are RE2); named groups in a regexp_replace replacement; {@code date_format},
 * {@code date_parse} and {@code format} with a format that is not a literal; the functions in
 * {@link TrinoTranslator#NOT_PROVIDED}.
 *
 * <h2>Known differences that remain</h2>
 *
 * <ul>
 *   <li>DuckDB's TIMESTAMP WITH TIME ZONE keeps the instant, not the zone: every value is shown in
 *       UTC. So {@code from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')} is the right instant
 *       but {@code to_iso8601} of it gives {@code 2020-05-11T10:15:05.055Z}, not {@code ...+01:00},
 *       and {@code CAST(... AS timestamp)} gives 10:15:05.055 where Trino keeps the local 11:15:05.055.
 *       Values written with {@code Z}, as CloudTrail's are, are not affected.
 *   <li>Timestamps have no declared precision: {@code to_iso8601} of a TIMESTAMP always prints
 *       milliseconds (Trino prints the type's precision, e.g. none for {@code TIMESTAMP '2020-01-01 00:00:00'}).
 *   <li>{@code json_parse} keeps the input's key order; Trino sorts object keys. Numbers are
 *       re-printed by DuckDB: {@code json_extract_scalar} of {@code 1.50} or {@code 1e3} gives
 *       {@code 1.5} and {@code 1000.0}, where Trino returns the text as written. {@code CAST(map AS JSON)}
 *       keeps the map's order; Trino sorts the keys. Text that is not JSON gives NULL, where Trino
 *       may still extract a value found before the malformed part.
 *   <li>Nested ROWs become JSON objects with field names, as in current Trino; older Trino versions
 *       wrote nested ROWs as arrays.
 *   <li>{@code regexp_extract} and {@code regexp_extract_all} give {@code ''}, not NULL, for a group
 *       that did not take part in the match, and {@code ''} for a group number past the last group
 *       (Trino fails). {@code $} and {@code .} follow RE2 ({@code \n} is the only line end). A
 *       pattern that is not a literal is not checked before it runs.
 *   <li>{@code format}: {@code %s} of a DOUBLE or TIMESTAMP prints DuckDB's text for it (Java's
 *       {@code Double.toString} gives {@code 1.0E10}); {@code %x} of a negative number prints a
 *       sign, not Java's two's complement. {@code array_join} of DOUBLEs likewise.
 *   <li>{@code date_parse} accepts {@code %a}/{@code %W} but does not move the date to that weekday
 *       as Joda-Time does; {@code url_extract_host} extracts a host from some strings Java's URI
 *       would reject.
 *   <li>The cast from JSON to VARCHAR is DuckDB's: it keeps the quotes of a JSON string.
 * </ul>
 */
public final class TrinoDialect {
  private static final String FUNCTIONS = "/duckdb/trino_functions.sql";

  private TrinoDialect() {}

  /**
   * Sets the session time zone to UTC, Athena's, so that timestamps do not shift by the host's
   * offset, and creates the trino_* macros. Safe to run twice on the same connection.
   */
  public static void install(Connection duckdb) {
    requireNonNull(duckdb, "duckdb is null");
    String current = "SET TimeZone = 'UTC'";
    try (Statement statement = duckdb.createStatement()) {
      statement.execute(current);
      for (String macro : Macros.STATEMENTS) {
        current = macro;
        statement.execute(macro);
      }
    } catch (SQLException e) {
      throw new PartitionBuilderException("Cannot install the Trino functions into DuckDB: " + e.getMessage()
          + " (in: " + current.strip().lines().filter(line -> !line.startsWith("--")).findFirst().orElse("") + ")", e);
    }
  }

  /**
   * Rewrites a Trino query into DuckDB SQL, token by token: calls of the provided functions become
   * calls of their trino_* macros, {@code CAST(x AS JSON)} becomes {@code trino_cast_json(x)},
   * {@code format(...)} is expanded, {@code TIMESTAMP '... zone'} becomes a TIMESTAMPTZ literal, the
   * type {@code ARRAY(T)} becomes {@code T[]} and a literal pattern's named groups
   * {@code (?<name>...)} are written as RE2 writes them, {@code (?P<name>...)}.
   * String literals, quoted identifiers, comments and names not followed by {@code (} are left
   * alone; function names match case-insensitively.
   *
   * @throws PartitionBuilderException "not supported locally: ..." for what DuckDB cannot run as
   *     Trino would (see the class comment), or naming what Trino itself would reject
   */
  public static String translate(String trinoSql) {
    requireNonNull(trinoSql, "trinoSql is null");
    return new TrinoTranslator(trinoSql).translate();
  }

  /** The statements of trino_functions.sql, read once. */
  private static final class Macros {
    static final List<String> STATEMENTS = load();

    private static List<String> load() {
      String text;
      try (InputStream in = TrinoDialect.class.getResourceAsStream(FUNCTIONS)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + FUNCTIONS);
        }
        text = new String(in.readAllBytes(), UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + FUNCTIONS, e);
      }
      List<String> statements = new ArrayList<>();
      int start = 0;
      for (SqlToken token : SqlToken.tokenize(text)) {
        if (token.is(";")) {
          statements.add(text.substring(start, token.start()));
          start = token.end();
        }
      }
      return List.copyOf(statements);
    }
  }
}
