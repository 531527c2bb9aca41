package dev.partitionbuilder.core;

import static dev.partitionbuilder.core.QueryExecution.State.CANCELLED;
import static dev.partitionbuilder.core.QueryExecution.State.FAILED;
import static dev.partitionbuilder.core.QueryExecution.State.QUEUED;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionBuilderTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String PARTITION = "cloudtrail_monthly/2024/03/";
  private static final String TEMP = "cloudtrail.cloudtrail_monthly_temp_202403";
  private static final TableLayout LAYOUT = new TableLayout(
      "cloudtrail", "cloudtrail_daily", "cloudtrail_monthly", "s3://bucket/", "cloudtrail_monthly/");

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
  private final List<Duration> sleeps = new ArrayList<>();
  private FakeObjectStore store;
  private FakeCatalog catalog;
  private FakeQueryEngine engine;
  private PartitionBuilder builder;

  @BeforeEach
  void setUp() {
    store = new FakeObjectStore(journal)
        .put("cloudtrail_monthly/2024/02/old-feb", 10)
        .put(PARTITION + "old-1", 100)
        .put(PARTITION + "old-2", 100)
        .put("cloudtrail_monthly/2024/030/sibling", 10)
        .put("cloudtrail_monthly/2024/03", 10);
    catalog = new FakeCatalog(journal).add("cloudtrail", "cloudtrail_monthly_temp_202403");
    engine = new FakeQueryEngine(journal, clock)
        .onSuccess(id -> store.put(PARTITION + id + "-bucket-0", 500).put(PARTITION + id + "-bucket-1", 700));
    builder = new PartitionBuilder(LAYOUT, CtasTemplate.bundled(), store, catalog, engine,
        new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4)), clock, d -> {
          sleeps.add(d);
          clock.advance(d);
        });
  }

  private BuildRequest request(String key, boolean redelivered) {
    return new BuildRequest(MARCH, key, redelivered, clock.instant().plus(Duration.ofMinutes(14)));
  }

  @Test
  void runsTheStepsInOrderAndReportsWhatTheQueryWrote() {
    engine.willRun(QUEUED, RUNNING, SUCCEEDED).rows(1234);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(journal.entries()).containsExactly(
        "drop " + TEMP,
        "deleteAll " + PARTITION,
        "start q1",
        "get q1 QUEUED", "get q1 RUNNING", "get q1 SUCCEEDED",
        "drop " + TEMP,
        "list " + PARTITION);
    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(result.rowsWritten()).hasValue(1234);
    assertThat(result.objectsDeleted()).isEqualTo(2);
    assertThat(result.filesWritten()).isEqualTo(2);
    assertThat(result.bytesWritten()).isEqualTo(1200);
    assertThat(result.bytesScanned()).isEqualTo(1_000_000);
    assertThat(result.steps()).containsOnlyKeys(BuildResult.Step.values());
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void sendsTheRenderedTemplateForTheMonth() {
    builder.build(request("m-1", false));

    assertThat(engine.startedSql()).containsExactly(CtasTemplate.bundled().render(LAYOUT, MARCH));
  }

  @Test
  void deletesOnlyInsideThePartitionPrefix() {
    builder.build(request("m-1", false));

    assertThat(store.objects()).containsKeys(
        "cloudtrail_monthly/2024/02/old-feb", "cloudtrail_monthly/2024/030/sibling", "cloudtrail_monthly/2024/03");
    assertThat(store.objects()).doesNotContainKeys(PARTITION + "old-1", PARTITION + "old-2");
  }

  @Test
  void treatsAMissingTemporaryTableAsNothingToDo() {
    catalog.dropTableIfExists("cloudtrail", "cloudtrail_monthly_temp_202403");

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
  }

  @Test
  void pollsWithDoublingDelaysCappedAtTheMaximum() {
    engine.willRun(RUNNING, RUNNING, RUNNING, RUNNING, RUNNING, RUNNING, SUCCEEDED);

    builder.build(request("m-1", false));

    assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000),
        Duration.ofMillis(4000), Duration.ofMillis(4000), Duration.ofMillis(4000));
  }

  @Test
  void failsWithAthenasReasonCategoryAndTypeAndStillDropsTheTemporaryTable() {
    engine.willRun(RUNNING, FAILED);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("2024-03")
        .hasMessageContaining("q1")
        .hasMessageContaining("FAILED (error category 2 USER, type 1001, not retryable): HIVE_BAD_DATA: malformed");
    assertThat(journal.entries()).endsWith("get q1 FAILED", "drop " + TEMP);
  }

  @Test
  void failsOnACancelledQueryAndStillDropsTheTemporaryTable() {
    engine.willRun(RUNNING, CANCELLED);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("CANCELLED");
    assertThat(journal.entries()).endsWith("get q1 CANCELLED", "drop " + TEMP);
  }

  @Test
  void stopsTheQueryAtTheDeadlineAndDropsTheTemporaryTable() {
    engine.willRun(RUNNING);
    BuildRequest request = new BuildRequest(MARCH, "m-1", false, clock.instant().plusSeconds(5));

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("still RUNNING at the deadline")
        .hasMessageContaining("stopped");
    assertThat(engine.wasStopped("q1")).isTrue();
    assertThat(journal.entries()).endsWith("stop q1", "drop " + TEMP);
    assertThat(clock.instant()).isBeforeOrEqualTo(request.deadline());
  }

  @Test
  void startsNoQueryWhenTheOldObjectsCannotBeDeleted() {
    store.failDeleting(PARTITION + "old-2");

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("AccessDenied on " + PARTITION + "old-2");
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void keepsTheQueryFailureWhenDroppingTheTemporaryTableAlsoFails() {
    engine.willRun(FAILED);
    catalog.failDropsFrom(2);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("HIVE_BAD_DATA")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .satisfies(s -> assertThat(s).hasMessageContaining("Cannot drop Glue table " + TEMP)));
  }

  @Test
  void usesOneTokenPerMessageSoARetriedStartRunsNoSecondQuery() {
    builder.build(request("m-1", false));
    builder.build(request("m-2", false));

    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);
    assertThat(engine.tokens()).containsExactly(PartitionBuilder.token("m-1", sql), PartitionBuilder.token("m-2", sql));
    assertThat(engine.tokens().get(0)).hasSize(64).isNotEqualTo(engine.tokens().get(1));
  }

  @Test
  void rerunsAQueryAnEarlierDeliveryFinishedBecauseItsOutputWasJustCleared() {
    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);
    String earlier = engine.startedEarlier(PartitionBuilder.token("m-1", sql),
        clock.instant().minus(Duration.ofMinutes(90)), SUCCEEDED);

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isNotEqualTo(earlier);
    assertThat(engine.startedSql()).hasSize(1);
    assertThat(engine.tokens()).hasSize(2).doesNotHaveDuplicates();
    assertThat(store.objects()).containsKeys(PARTITION + result.queryExecutionId() + "-bucket-0");
  }

  @Test
  void stopsAQueryAnEarlierDeliveryLeftRunningBeforeRunningItsOwn() {
    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);
    String earlier = engine.startedEarlier(PartitionBuilder.token("m-1", sql),
        clock.instant().minus(Duration.ofMinutes(90)), RUNNING);

    BuildResult result = builder.build(request("m-1", true));

    assertThat(engine.wasStopped(earlier)).isTrue();
    assertThat(journal.entries()).containsSubsequence("stop " + earlier, "get " + earlier + " CANCELLED",
        "drop " + TEMP, "deleteAll " + PARTITION, "start " + result.queryExecutionId());
  }

  @Test
  void failsWhenTheTemporaryTableCannotBeDroppedAfterASuccess() {
    catalog.failDropsFrom(2);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("Cannot drop Glue table " + TEMP);
  }

  @Test
  void refusesALayoutWhosePartitionWouldBeOutsideTheTableRoot() {
    assertThatThrownBy(() -> new TableLayout("d", "s", "t", "s3://b/", ""))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void waitsOnTheQueryOfAFirstDeliveryWithoutSecondGuessingIt() {
    // Not a redelivery: even if Athena's clock is behind ours, the query is this attempt's own.
    engine.willRun(RUNNING, SUCCEEDED);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(engine.tokens()).hasSize(1);
  }
}
