package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.local.trino.HiveDdl;
import dev.partitionbuilder.local.trino.TrinoEngine;
import dev.partitionbuilder.sample.SampleData;
import dev.partitionbuilder.testing.ParquetFooter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.format.SchemaElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled Athena template, unchanged, over generated CloudTrail data. */
class LocalPipelineTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  @TempDir static Path dir;
  private static SampleData.Summary march;
  private static TrinoEngine trino;

  @BeforeAll
  static void generate() {
    march = SampleData.generate(dir.resolve("source"), MARCH, 3_000, 7);
    SampleData.generate(dir.resolve("source"), MARCH.plusMonths(1), 1_000, 7);
    trino = BuiltFiles.startEngine(dir);
  }

  @AfterAll
  static void stopEngine() {
    if (trino != null) {
      trino.close();
    }
  }

  private static LocalBackend open(Path warehouse) {
    return LocalBackend.open(
        new LocalBackend.Settings(
            Config.forLocal(Map.of()),
            dir.resolve("source"),
            warehouse,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty()),
        trino,
        Clock.systemUTC());
  }

  private static LocalBackend open(Path warehouse, Path destinationDdl) {
    return LocalBackend.open(
        new LocalBackend.Settings(
            Config.forLocal(Map.of(Config.LOCK_LEASE_SECONDS, "300")),
            dir.resolve("source"),
            warehouse,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.of(destinationDdl)),
        trino,
        Clock.systemUTC());
  }

  /**
   * Tables laid out otherwise than the bundled one: the month lands where the table's own
   * projection reads it, and reading the table through that projection counts every line.
   */
  @Test
  void buildsTheMonthWhereAHiveStyleOrOneDateKeyTableReadsIt() throws Exception {
    // The layouts docs/your-table.md runs, as they are shipped.
    Map<Path, String[]> tables = new LinkedHashMap<>();
    tables.put(
        Path.of("examples/layouts/hive_style.sql"),
        new String[] {"cloudtrail_monthly/year=2024/month=03", "year = '2024' AND month = '03'"});
    tables.put(
        Path.of("examples/layouts/month_key.sql"),
        new String[] {"cloudtrail_monthly/dt=2024-03", "dt = '2024-03'"});
    for (Map.Entry<Path, String[]> table : tables.entrySet()) {
      Path warehouse = dir.resolve("warehouse-" + table.getKey().getFileName());
      try (LocalBackend local = open(warehouse, table.getKey())) {
        BuildResult built = build(local, "layout");

        assertThat(built.rowsWritten()).hasValue(march.lines());
        assertThat(counts(warehouse.resolve(table.getValue()[0]))[0]).isEqualTo(march.lines());
        try (var top = Files.list(warehouse.resolve("cloudtrail_monthly"))) {
          assertThat(top.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("_")))
              .containsExactly(
                  Path.of(table.getValue()[0]).getFileName().toString().startsWith("month")
                      ? "year=2024"
                      : Path.of(table.getValue()[0]).getName(1).toString());
        }
        local.defineDestinationTable();
        var rows =
            local.query(
                "SELECT count(*) FROM cloudtrail.cloudtrail_monthly WHERE " + table.getValue()[1]);
        assertThat(rows.text(0, 0)).isEqualTo(Long.toString(march.lines()));
      }
    }
  }

  /**
   * A table without projection: each build writes a location of its own and the month's partition,
   * kept in the warehouse, is pointed at it; reading the table reads that location.
   */
  @Test
  void aTableWithGluePartitionsIsSwappedToEachBuildsOwnLocation() throws Exception {
    Path ddl = Path.of("examples/layouts/glue_partitions.sql");
    Path warehouse = dir.resolve("warehouse-registered");
    Path base = warehouse.resolve("cloudtrail_monthly/year=2024/month=03");
    Path registry = warehouse.resolve("_catalog/cloudtrail/cloudtrail_monthly/2024/03/location");
    try (LocalBackend local = open(warehouse, ddl)) {
      BuildResult first = build(local, "first");
      String firstLocation = Files.readString(registry);
      BuildResult second = build(local, "second");
      String secondLocation = Files.readString(registry);

      assertThat(first.rowsWritten()).hasValue(march.lines());
      assertThat(second.rowsWritten()).hasValue(march.lines());
      assertThat(firstLocation)
          .contains("/cloudtrail_monthly/year=2024/month=03/build-")
          .isNotEqualTo(secondLocation);
      try (var builds = Files.list(base)) {
        // The first stays for queries that may still read it, until its grace is over.
        assertThat(builds.map(p -> p.getFileName().toString()))
            .hasSize(2)
            .allMatch(n -> n.startsWith("build-"));
      }
      Path current = base.resolve(Path.of(java.net.URI.create(secondLocation)).getFileName());
      assertThat(counts(current)[0]).isEqualTo(march.lines());

      local.defineDestinationTable();
      var rows =
          local.query(
              "SELECT count(*), count(DISTINCT \"$path\") FROM cloudtrail.cloudtrail_monthly "
                  + "WHERE year = '2024' AND month = '03'");
      assertThat(rows.text(0, 0)).isEqualTo(Long.toString(march.lines()));
      var paths = local.query("SELECT DISTINCT \"$path\" FROM cloudtrail.cloudtrail_monthly");
      for (int i = 0; i < paths.size(); i++) {
        assertThat(paths.text(i, 0)).contains(current.getFileName().toString());
      }
    }
  }

  private static BuildResult build(LocalBackend local, String key) {
    return local
        .builder()
        .build(new BuildRequest(MARCH, key, false, Instant.now().plusSeconds(300)));
  }

  private static long[] counts(Path partition) {
    List<Object> row =
        BuiltFiles.query(
                trino,
                partition,
                "event_id varchar, event_time timestamp(3)",
                "SELECT count(*), count(event_id), count(DISTINCT event_id), "
                    + "count(*) FILTER (WHERE format_datetime(event_time, 'yyyy-MM') <> '2024-03') FROM {files}")
            .getMaterializedRows()
            .get(0)
            .getFields();
    return row.stream().mapToLong(v -> (Long) v).toArray();
  }

  @Test
  void rebuildsTheMonthFromEverySourceLineAndASecondRunGivesTheSameWithoutDuplicates()
      throws Exception {
    Path warehouse = dir.resolve("warehouse-rebuild");
    Path april = warehouse.resolve("cloudtrail_monthly/2024/04/earlier-build");
    Files.createDirectories(april.getParent());
    Files.writeString(april, "april");
    Path partition = warehouse.resolve("cloudtrail_monthly/2024/03");
    try (LocalBackend local = open(warehouse)) {
      BuildResult first = build(local, "run-1");
      long[] afterFirst = counts(partition);
      BuildResult second = build(local, "run-2");
      long[] afterSecond = counts(partition);

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
    HiveDdl table =
        HiveDdl.parse(
            Files.readString(Path.of("ddl/cloudtrail_monthly.sql")), "ddl/cloudtrail_monthly.sql");
    Map<String, String> expected = new LinkedHashMap<>();
    for (HiveDdl.Column column : table.columns()) {
      expected.put(column.name(), parquetTypeOf(column.hiveType()));
    }
    Path warehouse = dir.resolve("warehouse-schema");
    try (LocalBackend local = open(warehouse)) {
      build(local, "schema");
      Path file;
      try (var files = Files.list(warehouse.resolve("cloudtrail_monthly/2024/03"))) {
        file = files.sorted().findFirst().orElseThrow();
      }
      Map<String, String> actual = new LinkedHashMap<>();
      for (SchemaElement e : ParquetFooter.read(file).getSchema()) {
        if (e.isSetType()) {
          actual.put(
              e.getName(),
              e.getType() + "/" + (e.isSetConverted_type() ? e.getConverted_type() : null));
        }
      }
      assertThat(actual).containsExactlyEntriesOf(expected);
    }
  }

  /** What Athena's (Hive's) Parquet writer uses for each Hive type of the long-lived table. */
  private static String parquetTypeOf(String hiveType) {
    return switch (hiveType.toLowerCase(Locale.ROOT)) {
      case "string" -> "BYTE_ARRAY/UTF8";
      case "timestamp" -> "INT96/null";
      case "bigint" -> "INT64/null";
      case "int" -> "INT32/null";
      case "double" -> "DOUBLE/null";
      case "boolean" -> "BOOLEAN/null";
      default -> throw new IllegalArgumentException("no expectation for " + hiveType);
    };
  }
}
