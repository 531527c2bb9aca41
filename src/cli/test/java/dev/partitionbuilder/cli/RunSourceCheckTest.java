package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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

/**
 * What run says about its source before the engine starts: a directory that is missing or empty, a
 * month it holds no file for (as the source table's DDL lays the months out), and --events and
 * --regenerate, which only the generated sample of the bundled table takes.
 */
class RunSourceCheckTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  private String warehouse() {
    return dir.resolve("wh").toString();
  }

  /** Nothing ran: the engine would have made the warehouse, and nothing went to stdout. */
  private void assertNothingRan() {
    assertThat(dir.resolve("wh")).doesNotExist();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingSourceDirectoryIsNamedInOneLineInsteadOfAQueryThatWroteNoRows() {
    Path source = dir.resolve("no-such-dir");

    int code =
        run("run", "--month", "2024-03", "--source", source.toString(), "--warehouse", warehouse());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot build 2024-03: --source "
                + source
                + " does not exist; give the directory that holds the source table's files"
                + System.lineSeparator());
    assertNothingRan();
  }

  @Test
  void anEmptySourceDirectoryIsNamedInOneLine() throws Exception {
    Path source = Files.createDirectories(dir.resolve("empty/2024/03"));
    Files.writeString(
        source.resolve(".hidden"), "not the table's: Hive and Trino skip names starting with '.'");

    int code =
        run(
            "run",
            "--month",
            "2024-03",
            "--source",
            dir.resolve("empty").toString(),
            "--warehouse",
            warehouse());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot build 2024-03: --source "
                + dir.resolve("empty")
                + " holds no file; give the directory that holds the source table's files"
                + System.lineSeparator());
    assertNothingRan();
  }

  @Test
  void aMonthWithNoFileIsNamedWithWhereTheBundledTableReadsIt() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 50, 1);

    int code =
        run(
            "run",
            "--month",
            "2024-02",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            warehouse());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot build 2024-02: --source "
                + dir.resolve("src")
                + " holds no file for it: the source table reads 2024-02 from "
                + dir.resolve("src")
                + "/2024/02/; give the "
                + "directory that holds the month's files"
                + System.lineSeparator());
    assertNothingRan();
  }

  @Test
  void theMonthsOfARangeWithNoFileAreNamedBeforeAnyIsBuilt() throws Exception {
    for (int month : List.of(1, 3, 6)) {
      SampleData.generate(dir.resolve("src"), YearMonth.of(2024, month), 20, 1);
    }

    int code =
        run(
            "run",
            "--from",
            "2024-01",
            "--to",
            "2024-06",
            "--source",
            dir.resolve("src").toString(),
            "--warehouse",
            warehouse());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot build 2024-02, 2024-04 to 2024-05 (3 of the 6 "
                + "months): --source "
                + dir.resolve("src")
                + " holds no file for them: the source table reads 2024-02 from "
                + dir.resolve("src")
                + "/2024/02/; give the directory that holds their files, or leave them out of the range"
                + System.lineSeparator());
    assertNothingRan();
  }

  /**
   * A source DDL of one's own: its months are where its projection's storage.location.template puts
   * its days.
   */
  @Test
  void aMonthWithNoFileOfASourceDdlOfOnesOwnIsNamedFromItsLayout() {
    Path data = Path.of("examples/sales-csv/data");
    assumeThat(data.resolve("dt=2024-03-01")).isDirectory();

    int code =
        run(
            "run",
            "--month",
            "2024-07",
            "--source",
            data.toString(),
            "--source-ddl",
            "examples/sales-csv/sales_daily.sql",
            "--config",
            "examples/sales-csv/sales-csv.env",
            "--warehouse",
            warehouse());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot build 2024-07: --source "
                + data
                + " holds no file for it: the source table reads 2024-07 from "
                + data
                + "/dt=2024-07-01/ to "
                + data
                + "/dt=2024-07-31/; give the directory that holds the month's files"
                + System.lineSeparator());
    assertNothingRan();
  }

  @Test
  void eventsWithASourceOfOnesOwnIsSaidToBeIgnoredAndRegenerateIsRefused() throws Exception {
    SampleData.generate(dir.resolve("src"), YearMonth.of(2024, 1), 20, 1);
    String source = dir.resolve("src").toString();

    int ignored =
        run(
            "run",
            "--month",
            "2024-02",
            "--source",
            source,
            "--events",
            "5000",
            "--warehouse",
            warehouse());
    String ignoredErr = err.toString();
    err.getBuffer().setLength(0);
    int regenerate =
        run(
            "run",
            "--month",
            "2024-01",
            "--source",
            source,
            "--regenerate",
            "--warehouse",
            warehouse());

    assertThat(ignored).isEqualTo(2);
    assertThat(ignoredErr.lines().toList().getFirst())
        .isEqualTo(
            "partition-builder: --events 5000 ignored: --source "
                + source
                + " was given, and sample CloudTrail is generated only into local/cloudtrail_daily for the bundled "
                + "source table");
    assertThat(regenerate).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "partition-builder: error: Cannot --regenerate: --source "
                + source
                + " was "
                + "given, and sample CloudTrail is generated only into local/cloudtrail_daily for the bundled source table; "
                + "leave out --regenerate, or --source and --source-ddl"
                + System.lineSeparator());
    assertNothingRan();
  }

  /**
   * Without --source, run reads the default directory, relative to the working directory (here the
   * project's root), so the test takes a month no one has data for, and removes it after.
   */
  @Test
  void eventsForAMonthThatHasDataIsSaidToBeIgnoredAndRegenerateReplacesItsSample()
      throws Exception {
    Path monthDir = RunCommand.DEFAULT_SOURCE.resolve("2013/02");
    assumeThat(monthDir).doesNotExist();
    try {
      SampleData.Summary first =
          SampleData.generate(RunCommand.DEFAULT_SOURCE, YearMonth.of(2013, 2), 300, 42);
      long files = countFiles(monthDir);

      int kept = run("run", "--month", "2013-02", "--events", "5000", "--warehouse", warehouse());
      String keptErr = err.toString();
      String keptOut = out.toString();
      err.getBuffer().setLength(0);
      out.getBuffer().setLength(0);
      int regenerated =
          run(
              "run",
              "--month",
              "2013-02",
              "--events",
              "2000",
              "--regenerate",
              "--warehouse",
              warehouse());

      assertThat(kept).as(keptErr).isZero();
      assertThat(keptErr.lines())
          .contains(
              "partition-builder: 2013-02 already has "
                  + files
                  + " files under "
                  + monthDir
                  + ": --events 5000 ignored; --regenerate replaces them");
      assertThat(row(keptOut)).contains(String.format(" %,d ", first.lines()));
      assertThat(regenerated).as(err.toString()).isZero();
      assertThat(err.toString())
          .contains(
              "Regenerating the sample of 2013-02 under "
                  + RunCommand.DEFAULT_SOURCE
                  + " (--regenerate): 2,000 sample CloudTrail events replace its "
                  + files
                  + " files...");
      SampleData.Summary second =
          SampleData.generate(dir.resolve("expected"), YearMonth.of(2013, 2), 2000, 42);
      assertThat(row(out.toString())).contains(String.format(" %,d ", second.lines()));
    } finally {
      if (Files.exists(monthDir)) {
        try (Stream<Path> paths = Files.walk(RunCommand.DEFAULT_SOURCE.resolve("2013"))) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
  }

  @Test
  void regenerateHasNoMeaningForAthena() {
    int code = run("run", "--month", "2024-03", "--engine", "athena", "--regenerate");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: --regenerate writes local sample data: it "
                + "has no meaning with --engine athena, which reads the source table in S3; leave it out");
  }

  @Test
  void runsHelpSaysSamplesAreGeneratedOnlyWithoutSource() {
    assertThat(run("run", "--help")).isZero();

    String help = out.toString().replaceAll("\\s+", " ");
    assertThat(help)
        .doesNotContain("null")
        .contains(
            "Without it: local/cloudtrail_daily, where sample CloudTrail is generated for a month that has "
                + "none (bundled source DDL only; see --events and --regenerate)")
        .contains("--regenerate");
  }

  private static String row(String stdout) {
    return stdout.lines().filter(l -> l.startsWith("2013-02")).findFirst().orElseThrow();
  }

  private static long countFiles(Path directory) throws Exception {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(Files::isRegularFile).count();
    }
  }
}
