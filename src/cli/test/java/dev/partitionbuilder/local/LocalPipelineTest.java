package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled Athena template, unchanged, over generated CloudTrail data. */
class LocalPipelineTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  @TempDir static Path dir;
  private static SampleData.Summary march;

  @BeforeAll
  static void generate() {
    march = SampleData.generate(dir.resolve("source"), MARCH, 3_000, 7);
    SampleData.generate(dir.resolve("source"), MARCH.plusMonths(1), 1_000, 7);
  }

  private static LocalBackend open(Path warehouse) {
    return LocalBackend.open(new LocalBackend.Settings(LocalBackend.TableNames.CLOUDTRAIL, dir.resolve("source"),
        warehouse, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), Clock.systemUTC());
  }

  private static BuildResult build(LocalBackend local, String key) {
    return local.builder().build(new BuildRequest(MARCH, key, false, Instant.now().plusSeconds(300)));
  }

  private static long[] counts(LocalBackend local, Path partition) throws Exception {
    try (Connection c = local.connection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), count(event_id), count(DISTINCT event_id), "
            + "count(*) FILTER (WHERE strftime(event_time, '%Y-%m') <> '2024-03') FROM read_parquet('" + partition + "/*')")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    }
  }

  @Test
  void rebuildsTheMonthFromEverySourceLineAndASecondRunGivesTheSameWithoutDuplicates() throws Exception {
    Path warehouse = dir.resolve("warehouse-rebuild");
    Path april = warehouse.resolve("cloudtrail_monthly/2024/04/earlier-build");
    Files.createDirectories(april.getParent());
    Files.writeString(april, "april");
    Path partition = warehouse.resolve("cloudtrail_monthly/2024/03");
    try (LocalBackend local = open(warehouse)) {
      BuildResult first = build(local, "run-1");
      long[] afterFirst = counts(local, partition);
      BuildResult second = build(local, "run-2");
      long[] afterSecond = counts(local, partition);

      // OpenX gives a row of NULLs for each malformed line: rows = lines of the month.
      assertThat(first.rowsWritten()).hasValue(march.lines());
      assertThat(afterFirst[0]).isEqualTo(march.lines());
      assertThat(afterFirst[1]).isEqualTo(march.lines() - march.malformedLines());
      assertThat(afterFirst[2]).isEqualTo(afterFirst[1]);
      assertThat(afterFirst[3]).isZero();
      assertThat(first.objectsCopied()).isEqualTo(4);
      assertThat(afterSecond).containsExactly(afterFirst);
      assertThat(second.objectsCopied()).isEqualTo(4);
      assertThat(second.oldObjectsDeleted()).isEqualTo(4);
    }
    assertThat(Files.readString(april)).isEqualTo("april");
  }

  @Test
  void writesTheColumnsAndTypesOfTheLongLivedTable() throws Exception {
    HiveDdl table = HiveDdl.parse(Files.readString(Path.of("ddl/cloudtrail_monthly.sql")), "ddl/cloudtrail_monthly.sql");
    Map<String, String> expected = new LinkedHashMap<>();
    for (HiveType.Field column : table.columns()) {
      expected.put(column.name(), parquetTypeOf(column.type().toString()));
    }
    Path warehouse = dir.resolve("warehouse-schema");
    try (LocalBackend local = open(warehouse)) {
      build(local, "schema");
      Map<String, String> actual = new LinkedHashMap<>();
      Path file;
      try (var files = Files.list(warehouse.resolve("cloudtrail_monthly/2024/03"))) {
        file = files.sorted().findFirst().orElseThrow();
      }
      try (Connection c = local.connection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name, type, converted_type FROM parquet_schema('" + file
              + "') WHERE num_children IS NULL")) {
        while (rs.next()) {
          actual.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3));
        }
      }
      assertThat(actual).containsExactlyEntriesOf(expected);
    }
  }

  /** What Athena's Parquet writer uses for each Hive type of the long-lived table. */
  private static String parquetTypeOf(String hiveType) {
    return switch (hiveType.toLowerCase(Locale.ROOT)) {
      case "string" -> "BYTE_ARRAY/UTF8";
      case "timestamp" -> "INT64/TIMESTAMP_MILLIS";
      case "bigint" -> "INT64/null";
      case "int" -> "INT32/null";
      case "double" -> "DOUBLE/null";
      case "boolean" -> "BOOLEAN/null";
      default -> throw new IllegalArgumentException("no expectation for " + hiveType);
    };
  }
}
