package dev.partitionbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    // No configuration: sample needs none.
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
  }

  @Test
  void sampleWritesEveryDayOfTheMonthAndPrintsOneSummaryLine(@TempDir Path source)
      throws Exception {
    int code =
        run("sample", "--month", "2024-02", "--events", "500", "--source", source.toString());

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString().lines())
        .singleElement()
        .asString()
        .matches(
            "2024-02: 500 lines \\(0 malformed\\) in \\d+ files, [\\d,]+ bytes, \\d+\\.\\d s, in .*")
        .endsWith(source.resolve("2024/02").toString());
    try (Stream<Path> days = Files.list(source.resolve("2024/02"))) {
      assertThat(days).hasSize(29);
    }
  }

  @Test
  void sampleCountsTheMalformedLinesItAddsToTheEvents(@TempDir Path source) {
    int code =
        run(
            "sample",
            "--month",
            "2024-03",
            "--events",
            "1000",
            "--source",
            source.toString(),
            "--seed",
            "7");

    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("2024-03: 1,002 lines (2 malformed) in ");
  }

  @Test
  void rawCloudTrailLayoutWritesTheRegionsTreeAndSaysHowManyWereDeliveredNextMonth(
      @TempDir Path source) {
    int code =
        run(
            "sample",
            "--layout",
            "raw-cloudtrail",
            "--month",
            "2024-03",
            "--events",
            "500",
            "--source",
            source.toString(),
            "--region",
            "eu-west-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines())
        .singleElement()
        .asString()
        .matches(
            "2024-03: 500 events \\(\\d+ of them delivered in 2024-04\\) in [\\d,]+ files, [\\d,]+ bytes, .*")
        .endsWith(source.resolve("AWSLogs/123456789012/CloudTrail/eu-west-1").toString());
  }

  @Test
  void anUnknownLayoutIsOneLineAndExitsTwo(@TempDir Path source) {
    int code =
        run("sample", "--layout", "raw", "--month", "2024-03", "--source", source.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: --layout must be daily or raw-cloudtrail, got \"raw\"");
    assertThat(source).isEmptyDirectory();
  }

  @Test
  void sampleRejectsANegativeEventCountWithOneLineAndExitsTwo(@TempDir Path source) {
    int code = run("sample", "--month", "2024-02", "--events", "-5", "--source", source.toString());

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip())
        .isEqualTo("partition-builder: error: --events must be 0 or more, got -5");
    assertThat(source).isEmptyDirectory();
  }

  @Test
  void sampleRejectsAMonthNotWrittenAsYyyyMmAndWritesNothing(@TempDir Path source) {
    int code = run("sample", "--month", "2024-2", "--source", source.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "partition-builder: error: month \"2024-2\" is not in the form YYYY-MM, such as 2024-03");
    assertThat(source).isEmptyDirectory();
  }
}
