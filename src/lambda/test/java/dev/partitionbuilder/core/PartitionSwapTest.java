package dev.partitionbuilder.core;

import static dev.partitionbuilder.core.QueryExecution.State.FAILED;
import static dev.partitionbuilder.core.QueryExecution.State.RUNNING;
import static dev.partitionbuilder.core.QueryExecution.State.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.testing.FakeCatalog;
import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.FakeQueryEngine;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Months of a table without projection: each build's own location, and one catalog call to swap it
 * in.
 */
class PartitionSwapTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String BASE = "cloudtrail_monthly/year=2024/month=03/";
  private static final List<String> VALUES = List.of("2024", "03");
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/",
          MonthPartitioning.of(
              new TableDefinition(
                  "cloudtrail.cloudtrail_monthly",
                  "s3://bucket/cloudtrail_monthly/",
                  List.of(
                      new TableDefinition.Column("year", "string"),
                      new TableDefinition.Column("month", "string")),
                  Map.of())));

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
  private FakeObjectStore store;
  private FakeCatalog catalog;
  private FakeQueryEngine engine;

  @BeforeEach
  void setUp() {
    store =
        new FakeObjectStore(journal).put("cloudtrail_monthly/year=2024/month=02/build-feb/f", 10);
    catalog = new FakeCatalog(journal);
    engine = new FakeQueryEngine(journal, clock).writesInto(store);
  }

  private PartitionBuilder builder(Duration grace) {
    return builder(grace, 1);
  }

  private PartitionBuilder builder(Duration grace, long minRows) {
    return new PartitionBuilder(
        LAYOUT,
        CtasTemplate.bundled(),
        store,
        catalog,
        engine,
        BuildSettings.defaults(new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4)))
            .withMinRows(minRows)
            .withPartitionGrace(grace),
        clock,
        clock::advance);
  }

  private BuildResult build(PartitionBuilder builder, String key) {
    return builder.build(
        new BuildRequest(MARCH, key, false, clock.instant().plus(Duration.ofMinutes(14))));
  }

  /** The partition's location as a key, or empty. */
  private Optional<String> partition() {
    return catalog
        .partitionLocation("cloudtrail", "cloudtrail_monthly", VALUES)
        .map(l -> l.substring("s3://bucket/".length()));
  }

  /** The build locations below the month's base that hold files. */
  private Set<String> builds() {
    Set<String> builds = new TreeSet<>();
    store.objects().keySet().stream()
        .filter(k -> k.startsWith(BASE))
        .forEach(k -> builds.add(k.substring(0, k.indexOf('/', BASE.length()) + 1)));
    return builds;
  }

  @Test
  void theFirstBuildCreatesThePartitionAtItsOwnLocationAndCopiesNothing() {
    engine.willRun(RUNNING, SUCCEEDED).rows(1234);

    BuildResult result = build(builder(Duration.ofHours(1)), "m-1");

    assertThat(partition())
        .hasValueSatisfying(
            location ->
                assertThat(location)
                    .matches(
                        "cloudtrail_monthly/year=2024/month=03/build-20240401T003100Z-[0-9a-f]{8}/"));
    assertThat(builds()).containsExactly(partition().orElseThrow());
    assertThat(engine.startedSql().get(0))
        .contains("external_location = 's3://bucket/" + partition().orElseThrow() + "'");
    assertThat(journal.entries()).noneMatch(e -> e.startsWith("copy"));
    assertThat(result.rowsWritten()).hasValue(1234);
    assertThat(result.objectsCopied()).isPositive();
    assertThat(store.objects()).containsKey("cloudtrail_monthly/year=2024/month=02/build-feb/f");
  }

  @Test
  void aRebuildSwapsThePartitionAndDeletesThePreviousLocationOnlyOnceItsGraceIsOver() {
    PartitionBuilder builder = builder(Duration.ofHours(1));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-1");
    String first = partition().orElseThrow();

    clock.advance(Duration.ofMinutes(10));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-2");
    String second = partition().orElseThrow();

    assertThat(second).isNotEqualTo(first);
    assertThat(builds()).containsExactlyInAnyOrder(first, second);
    assertThat(journal.entries()).filteredOn(e -> e.startsWith("point")).hasSize(2);

    clock.advance(Duration.ofMinutes(30));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-3");
    String third = partition().orElseThrow();
    // The first was retired 40 minutes ago, the second just now: both still within the hour.
    assertThat(builds()).containsExactlyInAnyOrder(first, second, third);

    clock.advance(Duration.ofMinutes(45));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-4");
    String fourth = partition().orElseThrow();
    // The first's hour is over (retired 75 minutes ago); the second was retired 45 minutes ago.
    assertThat(builds()).containsExactlyInAnyOrder(second, third, fourth);

    clock.advance(Duration.ofMinutes(20));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-5");
    assertThat(builds()).containsExactlyInAnyOrder(third, fourth, partition().orElseThrow());
  }

  @Test
  void withoutGraceThePreviousLocationGoesAtTheSwap() {
    PartitionBuilder builder = builder(Duration.ZERO);
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-1");
    engine.willRun(SUCCEEDED).rows(10);

    BuildResult second = build(builder, "m-2");

    assertThat(builds()).containsExactly(partition().orElseThrow());
    assertThat(second.oldObjectsDeleted()).isPositive();
  }

  @Test
  void aFailedQueryLeavesThePartitionAsItWasAndTheNextBuildClearsWhatItWrote() {
    PartitionBuilder builder = builder(Duration.ofHours(1));
    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-1");
    String good = partition().orElseThrow();
    store.put(BASE + "build-20240401T000000Z-deadbeef/half-written", 5);
    engine.willRun(FAILED);

    assertThatThrownBy(() -> build(builder, "m-2")).isInstanceOf(QueryFailedException.class);
    assertThat(partition()).hasValue(good);

    engine.willRun(SUCCEEDED).rows(10);
    build(builder, "m-3");
    assertThat(builds()).contains(good, partition().orElseThrow()).hasSize(2);
  }

  @Test
  void tooFewRowsLeaveThePartitionPointingWhereItDid() {
    engine.willRun(SUCCEEDED).rows(10);
    build(builder(Duration.ofHours(1)), "m-1");
    String good = partition().orElseThrow();
    engine.willRun(SUCCEEDED).rows(3);

    assertThatThrownBy(() -> build(builder(Duration.ofHours(1), 5), "m-2"))
        .hasMessageContaining("the query wrote 3 rows (MIN_ROWS=5)");

    assertThat(partition()).hasValue(good);
  }

  @Test
  void aSwapThatFailedIsFinishedByTheNextAttemptWithoutASecondQuery() {
    catalog.failPointsFrom(1);
    engine.willRun(SUCCEEDED).rows(10);

    assertThatThrownBy(() -> build(builder(Duration.ofHours(1)), "m-1"))
        .hasMessageContaining("AccessDenied");
    assertThat(partition()).isEmpty();
    Set<String> written = builds();

    catalog.failPointsFrom(Integer.MAX_VALUE);
    build(builder(Duration.ofHours(1)), "m-1-retry");

    assertThat(engine.startedSql()).hasSize(1);
    assertThat(partition())
        .hasValueSatisfying(location -> assertThat(written).containsExactly(location));
  }

  @Test
  void aLocationTheBuilderDidNotMakeIsNeverDeleted() {
    store.put(BASE + "part-0000.parquet", 100);
    catalog.pointPartition("cloudtrail", "cloudtrail_monthly", VALUES, "s3://bucket/" + BASE);
    engine.willRun(SUCCEEDED).rows(10);

    build(builder(Duration.ZERO), "m-1");

    assertThat(partition())
        .hasValueSatisfying(location -> assertThat(location).startsWith(BASE + "build-"));
    assertThat(store.objects()).containsKey(BASE + "part-0000.parquet");
  }

  @Test
  void aCheckOfAGluePartitionedMonthLeavesThePartitionWhereItPointsAndNoLocationBehind() {
    engine.willRun(SUCCEEDED).rows(10);
    build(builder(Duration.ofHours(1)), "m-1");
    String good = partition().orElseThrow();
    Map<String, Long> before = store.objects();
    engine.willRun(SUCCEEDED).rows(10);

    BuildResult checked =
        builder(Duration.ofHours(1))
            .check(
                new BuildRequest(
                    MARCH, "check", false, clock.instant().plus(Duration.ofMinutes(14))));

    assertThat(checked.rowsWritten()).hasValue(10);
    assertThat(partition()).hasValue(good);
    assertThat(store.objects()).isEqualTo(before);
    assertThat(journal.entries()).filteredOn(e -> e.startsWith("point")).hasSize(1);
  }
}
