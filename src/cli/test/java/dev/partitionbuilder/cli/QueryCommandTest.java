package dev.partitionbuilder.cli;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.local.trino.QueryRows;
import dev.partitionbuilder.sample.SampleData;
import io.trino.spi.type.DecimalType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int cli(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  @Test
  void queryReadsWhatRunBuiltThroughTheDestinationDdlsPartitionProjection() throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 300, 1);
    SampleData.Summary feb = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 2), 200, 2);
    String[] where = {
      "--source", dir.resolve("src").toString(), "--warehouse", dir.resolve("wh").toString()
    };
    assertThat(cli(concat(new String[] {"run", "--from", "2024-01", "--to", "2024-02"}, where)))
        .as(err.toString())
        .isZero();
    out.getBuffer().setLength(0);

    int code =
        cli(
            concat(
                new String[] {
                  "query",
                  "--json",
                  "SELECT year, month, count(*) AS n, "
                      + "count(DISTINCT \"$path\") AS files FROM cloudtrail_monthly GROUP BY 1, 2 ORDER BY 1, 2"
                },
                where));

    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> rows = out.toString().lines().map(QueryCommandTest::json).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).toString())
        .isEqualTo("{\"year\":\"2024\",\"month\":\"01\",\"n\":" + jan.lines() + ",\"files\":4}");
    assertThat(rows.get(1).toString())
        .isEqualTo("{\"year\":\"2024\",\"month\":\"02\",\"n\":" + feb.lines() + ",\"files\":4}");
    assertThat(err.toString()).doesNotContain("ERROR");

    out.getBuffer().setLength(0);
    assertThat(
            cli(
                concat(
                    new String[] {
                      "query",
                      "SELECT count(*) AS n FROM cloudtrail.cloudtrail_monthly "
                          + "WHERE year = '2024' AND month = '02'"
                    },
                    where)))
        .isZero();
    assertThat(out.toString().lines())
        .containsExactly("  n", "-----", " " + feb.lines(), "(1 row)");

    out.getBuffer().setLength(0);
    assertThat(
            cli(
                concat(
                    new String[] {
                      "query",
                      "SELECT count(*) AS n FROM cloudtrail_daily "
                          + "WHERE year = '2024' AND month = '02'"
                    },
                    where)))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .as("the source table, read as Athena reads it")
        .contains(" " + feb.lines() + "\n");
  }

  @Test
  void aQueryTrinoRefusesIsOneLineWithTrinosPositionAndExitsOne() {
    int code =
        cli(
            "query",
            "--warehouse",
            dir.resolve("wh").toString(),
            "--source",
            dir.resolve("src").toString(),
            "SELECT no_such_column FROM cloudtrail_monthly");

    assertThat(code).isEqualTo(Main.REJECTED);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "partition-builder: note: "
                + dir.resolve("wh").resolve("cloudtrail_monthly/")
                + " does not exist: the "
                + "destination table is empty until run builds a month there (or give the --warehouse run wrote)",
            "partition-builder: query failed: line 1:8: Column 'no_such_column' cannot be resolved");
  }

  @Test
  void jsonAndCsvOnlyOneOfThem() {
    int code = cli("query", "--json", "--csv", "SELECT 1");

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString()).contains("--json, --csv are mutually exclusive");
  }

  private static final QueryRows ROWS =
      new QueryRows(
          List.of("name", "n", "note"),
          List.of(VARCHAR, BIGINT, VARCHAR),
          List.of(
              Arrays.asList("a \"quoted\", comma", 12345L, null), Arrays.asList("bb", 7L, "x")));

  @Test
  void theTableRightAlignsDecimalsToo() {
    StringWriter text = new StringWriter();
    QueryCommand.printTable(
        new PrintWriter(text, true),
        new QueryRows(
            List.of("amount"),
            List.of(DecimalType.createDecimalType(10, 2)),
            List.of(List.of(new BigDecimal("10.00")), List.of(new BigDecimal("1234.50")))));

    assertThat(text.toString().lines())
        .containsExactly(" amount", "---------", "   10.00", " 1234.50", "(2 rows)");
  }

  @Test
  void theTableCentresHeadersRightAlignsNumbersAndCountsRows() {
    StringWriter text = new StringWriter();
    QueryCommand.printTable(new PrintWriter(text, true), ROWS);

    assertThat(text.toString().lines())
        .containsExactly(
            "       name        |   n   | note",
            "-------------------+-------+------",
            " a \"quoted\", comma | 12345 | NULL",
            " bb                |     7 | x",
            "(2 rows)");
  }

  @Test
  void csvQuotesEveryValueAsAthenaDoesAndLeavesNullEmpty() {
    StringWriter text = new StringWriter();
    QueryCommand.printCsv(new PrintWriter(text, true), ROWS);

    assertThat(text.toString())
        .isEqualTo(
            "\"name\",\"n\",\"note\"\r\n\"a \"\"quoted\"\", comma\",\"12345\",\r\n"
                + "\"bb\",\"7\",\"x\"\r\n");
  }

  @Test
  void jsonIsOneObjectPerRowWithNumbersAsNumbersAndNullAsNull() {
    StringWriter text = new StringWriter();
    QueryCommand.printJson(new PrintWriter(text, true), ROWS);

    assertThat(text.toString().lines())
        .containsExactly(
            "{\"name\":\"a \\\"quoted\\\", comma\",\"n\":12345,\"note\":null}",
            "{\"name\":\"bb\",\"n\":7,\"note\":\"x\"}");
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(Arrays.stream(a), Arrays.stream(b))
        .toArray(String[]::new);
  }

  private static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
