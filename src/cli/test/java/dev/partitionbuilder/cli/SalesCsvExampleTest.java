package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/sales-csv end to end, as its README section runs it: the example's config, source DDL
 * and template over its committed CSV files, three months built, and each month read back through
 * query and the destination DDL's projection (year=YYYY/month=MM/). The expected sums are worked
 * out here from the CSV files with a parser of the test's own, not by the engine.
 */
class SalesCsvExampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXAMPLE = "examples/sales-csv/";
  private static final String ENV = EXAMPLE + "sales-csv.env";
  private static final Path DATA = Path.of(EXAMPLE + "data");
  private static final String HEADER =
      "order_id,order_time,store,sku,product,quantity,unit_price,currency";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  /** One CSV line, with the day of the directory its file is in. */
  private record Line(
      String dt,
      String orderId,
      String orderTime,
      String store,
      String sku,
      String product,
      long quantity,
      BigDecimal unitPrice,
      String currency) {}

  /** What the template should make of a month's lines for one store, currency and SKU. */
  private record Summary(
      String product,
      long orders,
      long lines,
      long units,
      BigDecimal revenue,
      String first,
      String last) {}

  @Test
  void eachMonthIsTheSumsOfItsOwnDaysLinesPerStoreCurrencyAndSku() throws Exception {
    List<Line> lines = read(DATA);
    // What the sample must hold for this test to prove anything.
    assertThat(lines).hasSizeGreaterThan(2_000);
    assertThat(lines)
        .anyMatch(l -> l.store().contains(","))
        .anyMatch(l -> l.product().contains("\","));
    assertThat(lines)
        .extracting(Line::orderTime)
        .contains(
            "2024-02-29 23:59:59",
            "2024-03-01 00:00:00",
            "2024-03-31 23:59:59",
            "2024-04-01 00:00:00");
    assertThat(lines).allMatch(l -> l.orderTime().startsWith(l.dt() + " "));
    Path source = dir.resolve("orders");
    copy(DATA, source);
    Map<String, Long> sourceFiles = files(source);

    Path warehouse = dir.resolve("warehouse");
    int code =
        run(
            "run",
            "--from",
            "2024-02",
            "--to",
            "2024-04",
            "--config",
            ENV,
            "--source-ddl",
            EXAMPLE + "sales_daily.sql",
            "--source",
            source.toString(),
            "--warehouse",
            warehouse.toString());

    assertThat(code).as(err.toString()).isZero();
    Map<String, Map<String, Summary>> expected = new TreeMap<>();
    for (String month : List.of("2024-02", "2024-03", "2024-04")) {
      expected.put(month, summaries(lines, month));
      assertThat(out.toString().lines().filter(l -> l.startsWith(month)))
          .singleElement()
          .asString()
          .matches(month + " +" + expected.get(month).size() + " .*");
    }
    Path table = warehouse.resolve("sales_monthly");
    assertThat(out.toString())
        .contains(
            "Parquet: "
                + table.resolve("year=2024/month=02")
                + "/ to "
                + table.resolve("year=2024/month=04")
                + "/ (one directory per month")
        .contains(" --config " + ENV + "\n")
        .doesNotContain("<your table's DDL>");
    assertThat(files(table).keySet())
        .isNotEmpty()
        .allMatch(f -> f.matches("year=2024/month=0[234]/[^/]+"));
    // The source is read where it is and never written to: no sample CloudTrail, nothing else.
    assertThat(files(source)).isEqualTo(sourceFiles);

    code =
        run(
            "query",
            "--json",
            "--config",
            ENV,
            "--warehouse",
            warehouse.toString(),
            "--source-ddl",
            EXAMPLE + "sales_daily.sql",
            "--source",
            source.toString(),
            """
            SELECT year || '-' || month AS month, store, currency, sku, product, orders, order_lines, units,
                   CAST(revenue AS varchar) AS revenue, typeof(revenue) AS revenue_type,
                   CAST(first_order_time AS varchar) AS first_order, CAST(last_order_time AS varchar) AS last_order,
                   (SELECT count(*) FROM sales_daily WHERE dt BETWEEN '2024-02-01' AND '2024-04-30') AS source_lines
            FROM sales_monthly
            """);
    assertThat(code).as(err.toString()).isZero();
    Map<String, Map<String, Summary>> actual = new TreeMap<>();
    for (String json : out.toString().lines().toList()) {
      JsonNode row = JSON.readTree(json);
      assertThat(row.get("revenue_type").asText()).isEqualTo("decimal(18,2)");
      // Every line but the headers, read through the day's projection.
      assertThat(row.get("source_lines").asLong()).isEqualTo(lines.size());
      Summary previous =
          actual
              .computeIfAbsent(row.get("month").asText(), m -> new TreeMap<>())
              .put(
                  key(
                      row.get("store").asText(),
                      row.get("currency").asText(),
                      row.get("sku").asText()),
                  new Summary(
                      row.get("product").asText(),
                      row.get("orders").asLong(),
                      row.get("order_lines").asLong(),
                      row.get("units").asLong(),
                      new BigDecimal(row.get("revenue").asText()),
                      row.get("first_order").asText(),
                      row.get("last_order").asText()));
      assertThat(previous).as(json).isNull();
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String month : expected.keySet()) {
      assertThat(actual.get(month).keySet()).as(month).isEqualTo(expected.get(month).keySet());
      expected
          .get(month)
          .forEach(
              (key, sums) ->
                  assertThat(actual.get(month).get(key)).as(month + " " + key).isEqualTo(sums));
    }
    // A month's first and last second are in it, and in no other month.
    assertThat(actual.get("2024-03").values())
        .extracting(Summary::first)
        .contains("2024-03-01 00:00:00.000")
        .allMatch(t -> t.startsWith("2024-03-"));
    assertThat(actual.get("2024-03").values())
        .extracting(Summary::last)
        .contains("2024-03-31 23:59:59.000")
        .allMatch(t -> t.startsWith("2024-03-"));
    assertThat(actual.get("2024-03").keySet()).anyMatch(k -> k.startsWith("Berlin, Mitte|"));
    assertThat(actual.get("2024-03").values()).anyMatch(s -> s.orders() < s.lines());
  }

  /** The committed files are the generator's output, byte for byte, so they can be made again. */
  @Test
  void theGeneratorWritesTheCommittedFilesAgain() throws Exception {
    Path again = dir.resolve("again");
    Process generator =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                EXAMPLE + "GenerateSales.java",
                again.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(generator.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String said = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(generator.exitValue()).as(said).isZero();

    Map<String, Long> committed = files(DATA);
    assertThat(files(again)).isEqualTo(committed);
    for (String file : committed.keySet()) {
      assertThat(Files.readAllBytes(again.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(DATA.resolve(file)));
    }
  }

  @Test
  void theTestsOwnCsvParserReadsQuotedCommasAndDoubledQuotes() {
    assertThat(fields("a,\"b, c\",\"say \"\"hi\"\", then\",,d"))
        .containsExactly("a", "b, c", "say \"hi\", then", "", "d");
    assertThatThrownBy(() -> fields("a,\"open")).hasMessageContaining("unterminated quote");
  }

  private static String key(String store, String currency, String sku) {
    return store + "|" + currency + "|" + sku;
  }

  /** The month's lines, by the day of their file, summed per store, currency and SKU. */
  private static Map<String, Summary> summaries(List<Line> lines, String month) {
    Map<String, List<Line>> groups =
        lines.stream()
            .filter(l -> l.dt().startsWith(month + "-"))
            .collect(
                Collectors.groupingBy(
                    l -> key(l.store(), l.currency(), l.sku()), TreeMap::new, Collectors.toList()));
    Map<String, Summary> sums = new TreeMap<>();
    groups.forEach(
        (key, group) ->
            sums.put(
                key,
                new Summary(
                    group.stream().map(Line::product).max(String::compareTo).orElseThrow(),
                    group.stream().map(Line::orderId).distinct().count(),
                    group.size(),
                    group.stream().mapToLong(Line::quantity).sum(),
                    group.stream()
                        .map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                        .reduce(BigDecimal.ZERO, BigDecimal::add)
                        .setScale(2),
                    group.stream().map(Line::orderTime).min(String::compareTo).orElseThrow()
                        + ".000",
                    group.stream().map(Line::orderTime).max(String::compareTo).orElseThrow()
                        + ".000")));
    return sums;
  }

  /** Every CSV line under {@code root}, each file's header line checked and left out. */
  private static List<Line> read(Path root) throws IOException {
    List<Line> lines = new ArrayList<>();
    for (String file : files(root).keySet()) {
      String dt = file.substring("dt=".length(), file.indexOf('/'));
      List<String> text = Files.readAllLines(root.resolve(file), StandardCharsets.UTF_8);
      assertThat(text.get(0)).as(file).isEqualTo(HEADER);
      for (String line : text.subList(1, text.size())) {
        List<String> f = fields(line);
        assertThat(f).as(file + ": " + line).hasSize(8);
        lines.add(
            new Line(
                dt,
                f.get(0),
                f.get(1),
                f.get(2),
                f.get(3),
                f.get(4),
                Long.parseLong(f.get(5)),
                new BigDecimal(f.get(6)),
                f.get(7)));
      }
    }
    return lines;
  }

  /**
   * One line's fields as RFC 4180 reads them: a quoted field may hold commas, and "" is one quote.
   */
  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote in " + line);
    }
    fields.add(field.toString());
    return fields;
  }

  /** Every file under {@code root}, relative to it, with its size. */
  private static Map<String, Long> files(Path root) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.size(file));
      }
    }
    return files;
  }

  private static void copy(Path from, Path to) throws IOException {
    for (String file : files(from).keySet()) {
      Files.createDirectories(to.resolve(file).getParent());
      Files.copy(from.resolve(file), to.resolve(file));
    }
  }
}
