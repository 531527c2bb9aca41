package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.partitionbuilder.sample.SampleData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  /** A template Trino rejects, as Athena would: its third line names a column the table lacks. */
  private static final String UNRESOLVED_COLUMN =
      """
      CREATE TABLE "{{database}}"."{{temp_table}}" WITH (external_location = '{{location}}', format = 'PARQUET') AS
      SELECT eventid AS event_id,
             no_such_column AS y
      FROM "{{database}}"."{{source_table}}"
      """;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  @Test
  void rebuildsARangeOfMonthsAndPrintsALineEach() throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 400, 1);
    SampleData.Summary feb = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 2), 300, 1);

    int code =
        run(
            "run",
            "--from",
            "2024-01",
            "--to",
            "2024-02",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines().filter(l -> l.startsWith("2024-")))
        .hasSize(2)
        .anySatisfy(
            l -> assertThat(l).startsWith("2024-01").contains(String.format("%,d", jan.lines())))
        .anySatisfy(
            l -> assertThat(l).startsWith("2024-02").contains(String.format("%,d", feb.lines())));
    assertThat(Files.list(dir.resolve("wh/cloudtrail_monthly/2024/01"))).hasSize(4);
    assertThat(out.toString())
        .contains(
            "Parquet: "
                + dir.resolve("wh/cloudtrail_monthly/2024/01")
                + "/ to "
                + dir.resolve("wh/cloudtrail_monthly/2024/02")
                + "/ (one directory per month");
    assertThat(out.toString())
        .contains(
            "\n2 months: 2 built; "
                + String.format("%,d", jan.lines() + feb.lines())
                + " rows, 8 files, ");
    assertThat(out.toString())
        .contains(
            "Query it: ./partition-builder query \"SELECT count(*) FROM "
                + "cloudtrail.cloudtrail_monthly\" --warehouse "
                + dir.resolve("wh"));
    // Neither stream is a terminal here: plain lines only.
    assertThat(out.toString() + err).doesNotContain("\r", "\033");
  }

  /**
   * A range whose middle month fails: every month is a row of the table, in order, each printed as
   * it ends (the first two before the last is even built), then the counts, and the directories of
   * the months built; no "Query it" hint, as the table is not what was asked for.
   */
  @Test
  void aFailedMonthIsARowOfTheTableWithItsReasonAndTheTableEndsWithTheCountsButNoQueryHint()
      throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 400, 1);
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 2), 100, 1);
    SampleData.Summary mar = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 3), 300, 1);
    Path march = dir.resolve("wh/cloudtrail_monthly/2024/03");
    List<String> marchBuiltWhenPrinted = new java.util.ArrayList<>();
    PrintWriter watched =
        new PrintWriter(
            new java.io.Writer() {
              @Override
              public void write(char[] chars, int off, int len) {
                String text = new String(chars, off, len);
                out.write(text);
                if (text.startsWith("2024-")) {
                  marchBuiltWhenPrinted.add(text.substring(0, 7) + " " + Files.exists(march));
                }
              }

              @Override
              public void flush() {}

              @Override
              public void close() {}
            },
            true);

    int code =
        Main.run(
            new String[] {
              "run",
              "--from",
              "2024-01",
              "--to",
              "2024-03",
              "--min-rows",
              "200",
              "--source",
              dir.resolve("src").toString(),
              "--warehouse",
              dir.resolve("wh").toString()
            },
            watched,
            new PrintWriter(err, true),
            Map.of());

    assertThat(code).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("month            rows  files");
    assertThat(lines.get(1)).startsWith("2024-01 ").contains(String.format("%,d", jan.lines()));
    assertThat(lines.get(2))
        .matches(
            "2024-02  failed after \\d+\\.\\d\\d s: Cannot replace 2024-02: the query wrote 1\\d\\d "
                + "rows \\(MIN_ROWS=200\\): leaving the previous partition as it was");
    assertThat(lines.get(3)).startsWith("2024-03 ").contains(String.format("%,d", mar.lines()));
    assertThat(lines.get(4))
        .matches(
            "3 months: 2 built, 1 failed; "
                + String.format("%,d", jan.lines() + mar.lines())
                + " rows, 8 files, [0-9.]+ KiB, \\d+\\.\\d\\d s");
    assertThat(lines.get(5))
        .startsWith(
            "Parquet: "
                + dir.resolve("wh/cloudtrail_monthly/2024/01")
                + "/, "
                + march
                + "/ (one directory");
    assertThat(lines).hasSize(6);
    assertThat(marchBuiltWhenPrinted)
        .containsExactly("2024-01 false", "2024-02 false", "2024-03 true");
    // Said once, in the table: stderr repeats nothing of it.
    assertThat(err.toString()).doesNotContain("2024-02");
  }

  /**
   * --json: every month of the range in the document, the failed one with its error, and the
   * failure on stderr.
   */
  @Test
  void jsonKeepsEveryMonthOfARangeTheFailedOneWithItsError() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 400, 1);
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 2), 100, 1);

    int code =
        run(
            "run",
            "--from",
            "2024-01",
            "--to",
            "2024-02",
            "--min-rows",
            "200",
            "--json",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString());

    assertThat(code).isEqualTo(1);
    JsonNode months = new ObjectMapper().readTree(out.toString()).get("months");
    assertThat(months).hasSize(2);
    assertThat(months.get(0).get("outcome").asText()).isEqualTo("succeeded");
    assertThat(months.get(1).get("month").asText()).isEqualTo("2024-02");
    assertThat(months.get(1).get("outcome").asText()).isEqualTo("failed");
    assertThat(months.get(1).get("error").asText()).contains("(MIN_ROWS=200)");
    assertThat(err.toString())
        .contains("partition-builder: 2024-02 failed: Cannot replace 2024-02: the query wrote ");
  }

  /**
   * On a terminal, the built month is green and the failed one red, in the rows and the counts;
   * --no-color and output that is not a terminal have no escape code at all, and neither has
   * stderr, which is not a terminal here: no bar, no carriage return.
   */
  @Test
  void onATerminalTheTableIsInColourBuiltGreenAndFailedRedButNeverWithNoColorOrOffATerminal()
      throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 400, 1);
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 2), 100, 1);
    String[] args = {
      "run",
      "--from",
      "2024-01",
      "--to",
      "2024-02",
      "--min-rows",
      "200",
      "--source",
      dir.resolve("src").toString(),
      "--warehouse",
      dir.resolve("wh").toString()
    };
    Screen stdoutTerminal =
        new Screen(false, true, true, () -> 120, java.nio.charset.StandardCharsets.UTF_8);

    assertThat(
            Main.run(
                args,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                Map.of(),
                Interruptions.none(),
                stdoutTerminal))
        .isEqualTo(1);

    assertThat(out.toString())
        .contains(
            "\n\033[32m2024-01 \033[0m ",
            "\n\033[31m2024-02  failed after ",
            "2 months: \033[32m1 built\033[0m, \033[31m1 failed\033[0m; ");
    assertThat(err.toString()).doesNotContain("\r", "\033");

    for (String[] plain : List.of(concat(args, "--no-color"), args)) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      int code =
          plain.length > args.length
              ? Main.run(
                  plain,
                  new PrintWriter(out, true),
                  new PrintWriter(err, true),
                  Map.of(),
                  Interruptions.none(),
                  stdoutTerminal)
              : run(plain);
      assertThat(code).isEqualTo(1);
      assertThat(out.toString())
          .contains("2 months: 1 built, 1 failed; ")
          .doesNotContain("\033", "\r");
      assertThat(err.toString()).doesNotContain("\033", "\r");
    }
  }

  private static String[] concat(String[] args, String... more) {
    return Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
        .toArray(String[]::new);
  }

  /**
   * A destination DDL without projection, and PARTITION_GRACE_SECONDS=0 from --config: the second
   * run swaps the month's Glue partition to its own location and deletes the first's at once.
   */
  @Test
  void aTableWithoutProjectionGetsItsPartitionSwappedAndTheConfiguredGraceIsKept()
      throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 200, 1);
    String bundled = Files.readString(Path.of("ddl/cloudtrail_monthly.sql"));
    Path ddl = dir.resolve("glue.sql");
    Files.writeString(ddl, bundled.substring(0, bundled.indexOf("TBLPROPERTIES")));
    Path config = dir.resolve("local.env");
    Files.writeString(config, "PARTITION_GRACE_SECONDS=0\nDST_TABLE_DDL=" + ddl + "\n");
    String[] args = {
      "run",
      "--month",
      "2024-01",
      "--source",
      dir.resolve("src").toString(),
      "--warehouse",
      dir.resolve("wh").toString(),
      "--config",
      config.toString()
    };
    Path month = dir.resolve("wh/cloudtrail_monthly/year=2024/month=01");

    assertThat(run(args)).as(err.toString()).isZero();
    List<Path> first;
    try (var builds = Files.list(month)) {
      first = builds.toList();
    }
    assertThat(run(args)).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains(
            "Parquet: "
                + month
                + "/ (a build-<time>-<id>/ directory per build below each "
                + "month; its Glue partition points at the latest)");
    assertThat(first).hasSize(1);
    try (var builds = Files.list(month)) {
      assertThat(builds.toList())
          .hasSize(1)
          .doesNotContainAnyElementsOf(first)
          .allSatisfy(
              build ->
                  assertThat(
                          Files.readString(
                              dir.resolve(
                                  "wh/_catalog/cloudtrail/cloudtrail_monthly/2024/01/location")))
                      .endsWith(build.getFileName() + "/"));
    }
    assertThat(out.toString().lines().filter(l -> l.startsWith("2024-01")))
        .allSatisfy(l -> assertThat(l).contains(String.format("%,d", jan.lines())));
  }

  @Test
  void withATemplateOfOnesOwnTheQueryHintAsksForTheTablesDdl() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 100, 1);
    Path template = dir.resolve("mine.sql");
    Files.writeString(template, Files.readString(Path.of("ddl/cloudtrail_monthly_ctas.sql")));

    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString(),
            "--template",
            template.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("--warehouse " + dir.resolve("wh") + " --destination-ddl <your table's DDL>");
  }

  @Test
  void exitsOneAndSaysWhyWhenTheTemplateFailsToRun() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 100, 1);
    Path template = dir.resolve("bad.sql");
    Files.writeString(template, UNRESOLVED_COLUMN);

    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString(),
            "--template",
            template.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern(
            "\n2024-01  failed after \\d+\\.\\d\\d s: Cannot build 2024-01: query \\S+ "
                + "FAILED .*COLUMN_NOT_FOUND: line 3:8: Column 'no_such_column' cannot be resolved")
        .contains("\n1 month: 1 failed; 0 rows, 0 files, 0 B, ")
        .doesNotContain("Parquet:", "Query it:");
    assertThat(out.toString() + err).doesNotContain("\tat ");
  }

  @Test
  void withVerboseAFailedMonthsLineIsFollowedByItsTrace() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 100, 1);
    Path template = dir.resolve("bad.sql");
    Files.writeString(template, UNRESOLVED_COLUMN);

    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString(),
            "--template",
            template.toString(),
            "--verbose");

    assertThat(code).isEqualTo(1);
    List<String> lines = err.toString().lines().toList();
    int failed =
        lines.indexOf(
            lines.stream()
                .filter(l -> l.startsWith("partition-builder: 2024-01 failed: "))
                .findFirst()
                .orElseThrow());
    assertThat(lines.get(failed + 1)).startsWith("dev.partitionbuilder.");
    assertThat(lines.get(failed + 2)).startsWith("\tat ");
  }

  @Test
  void minRowsAboveWhatTheQueryWroteLeavesTheBuiltPartitionAsItWasAndSaysWhy() throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 200, 1);
    String[] common = {
      "run",
      "--month",
      "2024-01",
      "--source",
      dir.resolve("src").toString(),
      "--warehouse",
      dir.resolve("wh").toString()
    };
    assertThat(run(common)).as(err.toString()).isZero();
    Path partition = dir.resolve("wh/cloudtrail_monthly/2024/01");
    Map<Path, Long> before = new java.util.TreeMap<>();
    try (var files = Files.list(partition)) {
      for (Path file : files.toList()) {
        before.put(file.getFileName(), Files.size(file));
      }
    }

    String[] strict =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--min-rows", String.valueOf(jan.lines() + 1)))
            .toArray(String[]::new);
    int code = run(strict);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern(
            "2024-01  failed after [0-9.]+ s: Cannot replace 2024-01: the query wrote "
                + jan.lines()
                + " rows \\(MIN_ROWS="
                + (jan.lines() + 1)
                + "\\): leaving the previous partition as it was\n");
    Map<Path, Long> after = new java.util.TreeMap<>();
    try (var files = Files.list(partition)) {
      for (Path file : files.toList()) {
        after.put(file.getFileName(), Files.size(file));
      }
    }
    assertThat(after).isEqualTo(before);
  }

  @Test
  void
      minPreviousRowsPercentRefusesARebuildFromASourceWithFewerEventsAndLeavesTheBuiltPartitionAsItWas()
          throws Exception {
    SampleData.Summary full =
        SampleData.generate(dir.resolve("full"), YearMonth.of(2024, 1), 400, 1);
    SampleData.Summary partial =
        SampleData.generate(dir.resolve("partial"), YearMonth.of(2024, 1), 100, 1);
    Map<String, String> guarded = Map.of("MIN_PREVIOUS_ROWS_PERCENT", "50");
    assertThat(
            Main.run(
                new String[] {
                  "run",
                  "--month",
                  "2024-01",
                  "--source",
                  dir.resolve("full").toString(),
                  "--warehouse",
                  dir.resolve("wh").toString()
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                guarded))
        .as(err.toString())
        .isZero();
    Path partition = dir.resolve("wh/cloudtrail_monthly/2024/01");
    Map<Path, Long> before = sizes(partition);

    int code =
        Main.run(
            new String[] {
              "run",
              "--month",
              "2024-01",
              "--source",
              dir.resolve("partial").toString(),
              "--warehouse",
              dir.resolve("wh").toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            guarded);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            ": Cannot replace 2024-01: the query wrote "
                + partial.lines()
                + " rows, fewer than 50% of the "
                + full.lines()
                + " rows the partition holds now (MIN_PREVIOUS_ROWS_PERCENT=50): "
                + "leaving the previous partition as it was");
    assertThat(sizes(partition)).isEqualTo(before);
    assertThat(dir.resolve("wh/cloudtrail_monthly/_state/2024/01.json")).doesNotExist();

    // The same source again passes: the month holds as many rows as before.
    assertThat(
            Main.run(
                new String[] {
                  "run",
                  "--month",
                  "2024-01",
                  "--source",
                  dir.resolve("full").toString(),
                  "--warehouse",
                  dir.resolve("wh").toString()
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                guarded))
        .as(err.toString())
        .isZero();
  }

  @Test
  void aMonthTheTablesProjectionDoesNotCoverIsRefusedBeforeAnySampleIsWritten() throws Exception {
    int code = run("run", "--month", "1999-12", "--warehouse", dir.resolve("wh").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: Cannot build 1999-12 of cloudtrail.cloudtrail_monthly: "
                + "its partition key year covers 2013,2099 (projection.year.range), so Athena would never read that month");
    assertThat(Path.of("local/cloudtrail_daily/1999")).doesNotExist();
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  /**
   * What the CLI's check does: the query and the guards, and never a replace, whatever they say.
   */
  @Test
  void checkRunsTheGuardsWithoutReplacingAnything() throws Exception {
    SampleData.generate(dir.resolve("full"), YearMonth.of(2024, 1), 400, 1);
    SampleData.Summary partial =
        SampleData.generate(dir.resolve("partial"), YearMonth.of(2024, 1), 100, 1);
    Map<String, String> guarded = Map.of("MIN_PREVIOUS_ROWS_PERCENT", "50");
    String[] build = {
      "run",
      "--month",
      "2024-01",
      "--source",
      dir.resolve("full").toString(),
      "--warehouse",
      dir.resolve("wh").toString()
    };
    assertThat(Main.run(build, new PrintWriter(out, true), new PrintWriter(err, true), guarded))
        .as(err.toString())
        .isZero();
    Path table = dir.resolve("wh/cloudtrail_monthly");
    Map<Path, Long> partition = sizes(table.resolve("2024/01"));

    int refused =
        Main.run(
            new String[] {
              "run",
              "--check",
              "--month",
              "2024-01",
              "--source",
              dir.resolve("partial").toString(),
              "--warehouse",
              dir.resolve("wh").toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            guarded);
    int passed =
        Main.run(
            new String[] {
              "run",
              "--check",
              "--month",
              "2024-01",
              "--source",
              dir.resolve("full").toString(),
              "--warehouse",
              dir.resolve("wh").toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            guarded);

    assertThat(refused).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern(
            "2024-01  failed after [0-9.]+ s: Cannot replace 2024-01: the query wrote "
                + partial.lines()
                + " rows, fewer than 50% of the");
    assertThat(passed).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "Checked: each month above passed its checks; its output was deleted and "
                + "nothing was replaced");
    assertThat(sizes(table.resolve("2024/01"))).isEqualTo(partition);
    try (var left = Files.walk(table)) {
      assertThat(left.filter(Files::isRegularFile).map(table::relativize).map(Path::toString))
          .allMatch(f -> f.startsWith("2024/01/"));
    }
  }

  private static Map<Path, Long> sizes(Path directory) throws Exception {
    Map<Path, Long> sizes = new java.util.TreeMap<>();
    try (var files = Files.list(directory)) {
      for (Path file : files.toList()) {
        sizes.put(file.getFileName(), Files.size(file));
      }
    }
    return sizes;
  }

  @Test
  void maxScanBytesStopsTheLocalQueryOnceTrinosInputBytesPassItAndLeavesThePartitionAsItWas()
      throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 200, 1);
    String[] args = {
      "run",
      "--month",
      "2024-01",
      "--source",
      dir.resolve("src").toString(),
      "--warehouse",
      dir.resolve("wh").toString()
    };
    assertThat(run(args)).as(err.toString()).isZero();
    Path partition = dir.resolve("wh/cloudtrail_monthly/2024/01");
    Map<Path, Long> before = sizes(partition);
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 50_000, 2);

    int code =
        Main.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of("MAX_SCAN_BYTES", "1"));

    assertThat(code).as(err.toString()).isEqualTo(1);
    // Stopped while it ran, or, on a fast machine, seen only once it had ended: refused either way.
    assertThat(out.toString())
        .containsPattern(
            "2024-01  failed after [0-9.]+ s: Cannot build 2024-01: query \\S+ (has scanned \\d+ "
                + "bytes, more than MAX_SCAN_BYTES=1, so it was stopped|ended SUCCEEDED having scanned \\d+ bytes, more than "
                + "MAX_SCAN_BYTES=1, so its output is not used); the partition is as it was");
    assertThat(sizes(partition)).isEqualTo(before);
    assertThat(dir.resolve("wh/cloudtrail_monthly/_state/2024/01.json")).doesNotExist();
  }

  @Test
  void aMinPreviousRowsPercentAbove100IsRefusedInOneLineNamingIt() {
    int code =
        Main.run(
            new String[] {
              "run",
              "--month",
              "2024-01",
              "--source",
              dir.toString(),
              "--warehouse",
              dir.resolve("wh").toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of("MIN_PREVIOUS_ROWS_PERCENT", "150"));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .contains("MIN_PREVIOUS_ROWS_PERCENT=\"150\" must be a percent from 0 (no check) to 100")
        .doesNotContain("\n");
  }

  @Test
  void aNegativeMinRowsIsRefusedInOneLineNamingIt() {
    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--source",
            dir.toString(),
            "--warehouse",
            dir.resolve("wh").toString(),
            "--min-rows",
            "-1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: --min-rows -1 must be 0 or more (0 accepts an empty month)");
  }

  @Test
  void jsonPrintsOnlyTheSummaryOnStdoutWithRowsFilesBytesAndSecondsPerStep() throws Exception {
    SampleData.Summary jan = SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 400, 1);

    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--json",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString());

    assertThat(code).as(err.toString()).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.get("engine").asText()).isEqualTo("local");
    assertThat(summary.get("months")).hasSize(1);
    JsonNode month = summary.get("months").get(0);
    assertThat(month.get("month").asText()).isEqualTo("2024-01");
    assertThat(month.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(month.get("rowsWritten").asLong()).isEqualTo(jan.lines());
    assertThat(month.get("filesCopied").asInt()).isEqualTo(4);
    assertThat(month.get("bytesWritten").asLong()).isPositive();
    assertThat(month.get("stepMs").has("query")).isTrue();
    assertThat(month.get("durationMs").isIntegralNumber()).isTrue();
    // The local engine scans nothing Athena bills, so it claims no cost.
    assertThat(month.get("estimatedCostUsd").isNull()).isTrue();
    assertThat(month.get("error").isNull()).isTrue();
  }

  @Test
  void jsonReportsAFailedMonthWithItsOutcomeAndErrorAndExitsOne() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 100, 1);
    Path template = dir.resolve("bad.sql");
    Files.writeString(template, UNRESOLVED_COLUMN);

    int code =
        run(
            "run",
            "--month",
            "2024-01",
            "--json",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            dir.resolve("wh").toString(),
            "--template",
            template.toString());

    assertThat(code).isEqualTo(1);
    JsonNode month = new ObjectMapper().readTree(out.toString()).get("months").get(0);
    assertThat(month.get("outcome").asText()).isEqualTo("failed");
    assertThat(month.get("error").asText()).contains("COLUMN_NOT_FOUND: line 3:8:");
    assertThat(month.get("rowsWritten").isNull()).isTrue();
  }

  /**
   * Sample CloudTrail fits the bundled source table only. Without --source, run reads the default
   * directory, relative to the working directory (here the project's root), so the month is one no
   * one has data for.
   */
  @Test
  void aSourceDdlOfOnesOwnWithoutSourceIsRefusedInOneLineAndNoSampleCloudTrailIsWritten()
      throws Exception {
    Path monthDir = RunCommand.DEFAULT_SOURCE.resolve("2014/12");
    assumeThat(monthDir).doesNotExist();
    try {
      int code =
          run(
              "run",
              "--month",
              "2014-12",
              "--events",
              "10",
              "--source-ddl",
              "examples/sales-csv/sales_daily.sql",
              "--warehouse",
              dir.resolve("wh").toString());

      assertThat(code).isEqualTo(2);
      List<String> lines = err.toString().lines().toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0))
          .isEqualTo(
              "partition-builder: --events 10 ignored: --source-ddl "
                  + "examples/sales-csv/sales_daily.sql was given, and sample CloudTrail is generated only into "
                  + "local/cloudtrail_daily for the bundled source table");
      // local/cloudtrail_daily may not exist, or hold other months (of the bundled table) but none
      // of this one.
      assertThat(lines.get(1))
          .startsWith(
              "partition-builder: error: Cannot build 2014-12: --source-ddl examples/sales-csv/sales_daily.sql "
                  + "reads its own files: no --source was given, and local/cloudtrail_daily ")
          .endsWith(
              "; sample CloudTrail is generated only for the bundled source table: pass --source DIR with that "
                  + "table's files");
      assertThat(monthDir).doesNotExist();
      assertThat(dir.resolve("wh")).doesNotExist();
    } finally {
      // Had it not been refused, the samples would be there, in the project's own local/.
      if (Files.exists(monthDir)) {
        try (Stream<Path> paths = Files.walk(monthDir)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
  }

  @Test
  void rejectsAnInvertedRange() {
    int code = run("run", "--from", "2024-03", "--to", "2024-01", "--source", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--to 2024-01 is before --from 2024-03");
  }
}
