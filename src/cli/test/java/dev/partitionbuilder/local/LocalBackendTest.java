package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.core.BuildRequest;
import dev.partitionbuilder.core.BuildResult;
import dev.partitionbuilder.core.Config;
import dev.partitionbuilder.core.QueryFailedException;
import dev.partitionbuilder.local.trino.TrinoEngine;
import dev.partitionbuilder.testing.ParquetFooter;
import io.trino.testing.MaterializedResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.format.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local engine's own behaviour, with a small template of Athena engine v3 SQL. */
class LocalBackendTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String TEMPLATE =
      """
      CREATE TABLE "{{database}}"."{{temp_table}}"
      WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = '{{location}}',
            bucketed_by = ARRAY['event_id'], bucket_count = 4) AS
      SELECT eventid AS event_id, CAST(from_iso8601_timestamp(eventtime) AS TIMESTAMP) AS event_time,
             eventname AS event_name
      FROM "{{database}}"."{{source_table}}"
      WHERE year = '{{year}}' AND month = '{{month}}'
      """;

  /** A file name Trino's Hive writer gives a bucket: bucket, a UUID, Trino's own query id. */
  private static final Pattern BUCKET_FILE =
      Pattern.compile("0000\\d{2}_0_[0-9a-f-]{36}_(\\d{8}_\\d{6}_\\d{5}_[a-z0-9]{5})");

  @TempDir static Path engineDir;
  private static TrinoEngine trino;
  @TempDir Path dir;

  @BeforeAll
  static void startEngine() {
    trino = BuiltFiles.startEngine(engineDir);
  }

  @AfterAll
  static void stopEngine() {
    if (trino != null) {
      trino.close();
    }
  }

  /** The one Trino query id that every file of the partition was written by. */
  private Set<String> writers(String relative) throws IOException {
    return files(relative).stream()
        .map(
            name -> {
              Matcher m = BUCKET_FILE.matcher(name);
              assertThat(m.matches()).as(name).isTrue();
              return m.group(1);
            })
        .collect(Collectors.toSet());
  }

  private void source(String relative, int events) throws IOException {
    Path file = dir.resolve("source").resolve(relative);
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < events; i++) {
        out.write(
            ("{\"eventID\":\""
                    + relative
                    + "-"
                    + i
                    + "\",\"eventTime\":\"2024-03-01T10:00:0"
                    + (i % 10)
                    + "Z\",\"eventName\":\"GetObject\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private LocalBackend open(String template) throws IOException {
    Path file = dir.resolve("template.sql");
    Files.writeString(file, template);
    return LocalBackend.open(
        new LocalBackend.Settings(
            Config.forLocal(Map.of()),
            dir.resolve("source"),
            dir.resolve("warehouse"),
            Optional.empty(),
            Optional.of(file),
            Optional.empty(),
            Optional.empty(),
            false,
            Optional.empty()),
        trino,
        Clock.systemUTC());
  }

  private static BuildRequest request(String key) {
    return new BuildRequest(MARCH, key, false, Instant.now().plusSeconds(120));
  }

  private List<String> files(String relative) throws IOException {
    Path partition = dir.resolve("warehouse").resolve(relative);
    if (!Files.isDirectory(partition)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(partition)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheMonthAsFourBucketFilesNamedAsTrinoNamesThem() throws Exception {
    source("2024/03/01/a.json.gz", 300);
    source("2024/03/02/a.json.gz", 200);
    source("2024/04/01/a.json.gz", 50);
    try (LocalBackend local = open(TEMPLATE)) {
      BuildResult result = local.builder().build(request("m-1"));

      assertThat(result.rowsWritten()).hasValue(500);
      assertThat(result.objectsCopied()).isEqualTo(4);
      assertThat(files("cloudtrail_monthly/2024/03")).hasSize(4);
      assertThat(writers("cloudtrail_monthly/2024/03")).hasSize(1);
      MaterializedResult counts =
          BuiltFiles.query(
              trino,
              dir.resolve("warehouse/cloudtrail_monthly/2024/03"),
              "event_id varchar",
              "SELECT count(*), count(DISTINCT event_id) FROM {files}");
      assertThat(counts.getMaterializedRows().get(0).getFields()).containsExactly(500L, 500L);
    }
  }

  @Test
  void aBuildWhoseProcessDiedMidQueryIsStartedOverByTheNextProcessWhichForgetsTheLostQuery()
      throws Exception {
    source("2024/03/01/a.json.gz", 30);
    try (LocalBackend first = open(TEMPLATE)) {
      first.builder().build(request("m-1"));
    }
    List<String> built = files("cloudtrail_monthly/2024/03");
    Set<String> firstWriter = writers("cloudtrail_monthly/2024/03");
    // What a run killed while its query ran leaves behind: its state, naming a query of that
    // process.
    String sql = "CREATE TABLE x AS SELECT 1";
    Path state = dir.resolve("warehouse/cloudtrail_monthly/_state/2024/03.json");
    Files.createDirectories(state.getParent());
    Files.writeString(
        state,
        "{\"phase\":\"QUERY\",\"owner\":\"cli-dead\",\"startedAt\":\"2024-04-01T00:00:00Z\","
            + "\"token\":\"t\",\"queryExecutionId\":\"20240401_000000_00001_local\",\"sqlSha256\":\""
            + dev.partitionbuilder.core.Sha256.hex(sql)
            + "\",\"sql\":\""
            + sql
            + "\",\"staged\":[],\"rows\":null,\"bytesScanned\":0,\"engineMillis\":0}");

    try (LocalBackend next = open(TEMPLATE)) {
      BuildResult result = next.builder().build(request("m-2"));

      assertThat(result.rowsWritten()).hasValue(30);
      assertThat(files("cloudtrail_monthly/2024/03")).hasSize(4).doesNotContainAnyElementsOf(built);
      assertThat(writers("cloudtrail_monthly/2024/03"))
          .hasSize(1)
          .doesNotContainAnyElementsOf(firstWriter);
      assertThat(state).doesNotExist();
    }
  }

  @Test
  void storesTimestampsAsInt96AsAthenaDoesAndDropsTheTemporaryTable() throws Exception {
    source("2024/03/01/a.json.gz", 10);
    try (LocalBackend local = open(TEMPLATE)) {
      local.builder().build(request("m-1"));

      Path file;
      try (Stream<Path> files = Files.list(dir.resolve("warehouse/cloudtrail_monthly/2024/03"))) {
        file = files.sorted().findFirst().orElseThrow();
      }
      assertThat(ParquetFooter.read(file).getSchema())
          .filteredOn(e -> e.getName().equals("event_time"))
          .singleElement()
          .satisfies(e -> assertThat(e.getType()).isEqualTo(Type.INT96));
      assertThat(
              trino
                  .execute(
                      "SELECT count(*) FROM "
                          + TrinoEngine.CATALOG
                          + ".information_schema.tables "
                          + "WHERE table_name = 'cloudtrail_monthly_temp_202403'")
                  .getOnlyValue())
          .isEqualTo(0L);
    }
  }

  @Test
  void rebuildingReplacesThePartitionWithoutDuplicatesAndLeavesItsNeighboursAlone()
      throws Exception {
    source("2024/03/01/a.json.gz", 100);
    Path warehouse = dir.resolve("warehouse");
    Files.createDirectories(warehouse.resolve("cloudtrail_monthly/2024/02"));
    Files.writeString(warehouse.resolve("cloudtrail_monthly/2024/02/feb"), "february");
    Files.createDirectories(warehouse.resolve("cloudtrail_monthly/2024/030"));
    Files.writeString(warehouse.resolve("cloudtrail_monthly/2024/030/sibling"), "sibling");
    Files.writeString(warehouse.resolve("cloudtrail_monthly/root-file"), "root");
    try (LocalBackend local = open(TEMPLATE)) {
      BuildResult first = local.builder().build(request("m-1"));
      Set<String> firstWriter = writers("cloudtrail_monthly/2024/03");
      BuildResult second = local.builder().build(request("m-2"));

      assertThat(second.rowsWritten()).hasValue(100);
      assertThat(second.oldObjectsDeleted()).isEqualTo(first.objectsCopied());
      assertThat(files("cloudtrail_monthly/2024/03")).hasSize(second.objectsCopied());
      assertThat(writers("cloudtrail_monthly/2024/03"))
          .hasSize(1)
          .doesNotContainAnyElementsOf(firstWriter);
    }
    assertThat(Files.readString(warehouse.resolve("cloudtrail_monthly/2024/02/feb")))
        .isEqualTo("february");
    assertThat(Files.readString(warehouse.resolve("cloudtrail_monthly/2024/030/sibling")))
        .isEqualTo("sibling");
    assertThat(Files.readString(warehouse.resolve("cloudtrail_monthly/root-file")))
        .isEqualTo("root");
  }

  @Test
  void failsAQueryThatDoesNotRunWithItsReasonAndWritesNothing() throws Exception {
    source("2024/03/01/a.json.gz", 10);
    try (LocalBackend local =
        open(TEMPLATE.replace("eventname AS event_name", "no_such_column AS event_name"))) {
      assertThatThrownBy(() -> local.builder().build(request("m-1")))
          .isInstanceOf(QueryFailedException.class)
          .hasMessageContaining("FAILED")
          .hasMessageContaining("no_such_column");
    }
    assertThat(files("cloudtrail_monthly/2024/03")).isEmpty();
    try (Stream<Path> all = Files.walk(dir.resolve("warehouse"))) {
      // Only the lock file the store's conditional calls share, which is never a key.
      assertThat(all.filter(Files::isRegularFile))
          .containsExactly(dir.resolve("warehouse").resolve(LocalObjectStore.CONDITION_LOCK));
    }
  }

  /**
   * Files a rebuild of 2024-03 must never touch: another month, a sibling, the table root, another
   * month's staging.
   */
  private static List<String> writeNeighbours(Path warehouse) throws IOException {
    List<String> beside =
        List.of(
            "cloudtrail_monthly/2024/02/feb",
            "cloudtrail_monthly/2024/030/sibling",
            "cloudtrail_monthly/root-file",
            "cloudtrail_monthly/_staging/2024/02/other-month");
    for (String key : beside) {
      Files.createDirectories(warehouse.resolve(key).getParent());
      Files.writeString(warehouse.resolve(key), key);
    }
    return beside;
  }

  @Test
  void aRebuildWhoseQueryFailsLeavesThePreviousPartitionAndEveryFileBesideItByteForByte()
      throws Exception {
    source("2024/03/01/a.json.gz", 50);
    Path warehouse = dir.resolve("warehouse");
    writeNeighbours(warehouse);
    try (LocalBackend local = open(TEMPLATE)) {
      local.builder().build(request("m-1"));
    }
    Map<String, byte[]> before = contents(warehouse);
    assertThat(files("cloudtrail_monthly/2024/03")).hasSize(4);

    try (LocalBackend local =
        open(TEMPLATE.replace("eventname AS event_name", "no_such_column AS event_name"))) {
      assertThatThrownBy(() -> local.builder().build(request("m-2")))
          .isInstanceOf(QueryFailedException.class)
          .hasMessageContaining("no_such_column");
    }

    assertThat(contents(warehouse))
        .containsOnlyKeys(before.keySet())
        .allSatisfy((key, bytes) -> assertThat(bytes).as(key).isEqualTo(before.get(key)));
  }

  @Test
  void aSuccessfulRebuildWritesThroughStagingAndLeavesNoStagedFileOrNeighbourChanged()
      throws Exception {
    source("2024/03/01/a.json.gz", 50);
    Path warehouse = dir.resolve("warehouse");
    List<String> beside = writeNeighbours(warehouse);
    try (LocalBackend local = open(TEMPLATE)) {
      BuildResult first = local.builder().build(request("m-1"));
      BuildResult second = local.builder().build(request("m-2"));

      assertThat(second.objectsCopied()).isEqualTo(4);
      assertThat(second.oldObjectsDeleted()).isEqualTo(first.objectsCopied());
    }

    Map<String, byte[]> after = contents(warehouse);
    assertThat(after.keySet())
        .filteredOn(k -> k.startsWith("cloudtrail_monthly/_staging/2024/03/"))
        .isEmpty();
    assertThat(after.keySet())
        .filteredOn(k -> !k.startsWith("cloudtrail_monthly/2024/03/"))
        .filteredOn(k -> !k.equals(LocalObjectStore.CONDITION_LOCK))
        .containsExactlyInAnyOrderElementsOf(beside);
    for (String key : beside) {
      assertThat(Files.readString(warehouse.resolve(key))).isEqualTo(key);
    }
  }

  /** Every file under {@code root}, by its key, with its bytes. */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
    return files;
  }

  @Test
  void saysWhatIsNotSupportedLocally() throws Exception {
    source("2024/03/01/a.json.gz", 10);
    try (LocalBackend local =
        open(
            TEMPLATE.replace("format = 'PARQUET'", "table_type = 'ICEBERG', format = 'PARQUET'"))) {
      assertThatThrownBy(() -> local.builder().build(request("m-1")))
          .isInstanceOf(QueryFailedException.class)
          .hasMessageContaining("not supported locally: table_type = 'ICEBERG'");
    }
  }

  @Test
  void readsTheMemoryLimitAsBytesWith1024BasedUnits() {
    assertThat(LocalBackend.memoryLimitBytes(Optional.of("512MB"))).hasValue(512L << 20);
    assertThat(LocalBackend.memoryLimitBytes(Optional.of("1.5 GiB"))).hasValue(3L << 29);
    assertThat(LocalBackend.memoryLimitBytes(Optional.empty())).isEmpty();
  }

  @Test
  void refusesAMemoryLimitAboveWhatTrinoLetsQueriesUseOfTheHeapBeforeStarting() {
    long tooMuch = Runtime.getRuntime().maxMemory();

    assertThatThrownBy(
            () ->
                TrinoEngine.start(
                    new TrinoEngine.Settings(
                        dir.toAbsolutePath().resolve("m"),
                        java.util.OptionalLong.of(tooMuch),
                        2,
                        false)))
        .isInstanceOf(dev.partitionbuilder.core.ConfigException.class)
        .hasMessageStartingWith(
            "Cannot start the embedded Trino with a memory limit of "
                + (tooMuch >> 20)
                + " MB: "
                + "queries may use at most 70% of the JVM heap");
  }
}
