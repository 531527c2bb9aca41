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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionBuilderTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String PARTITION = "cloudtrail_monthly/2024/03/";
  private static final String STAGING = "cloudtrail_monthly/_staging/2024/03/";
  private static final String LOCKS = "cloudtrail_monthly/_locks/";
  private static final String LOCK = LOCKS + "2024/03";
  private static final String STATES = "cloudtrail_monthly/_state/";
  private static final String STATE = STATES + "2024/03.json";
  private static final String TEMP = "cloudtrail.cloudtrail_monthly_temp_202403";
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
  private final List<Duration> sleeps = new ArrayList<>();
  private FakeObjectStore store;
  private FakeCatalog catalog;
  private FakeQueryEngine engine;
  private PartitionBuilder builder;

  @BeforeEach
  void setUp() {
    store =
        new FakeObjectStore(journal)
            .put("cloudtrail_monthly/2024/02/old-feb", 10)
            .put(PARTITION + "old-1", 100)
            .put(PARTITION + "old-2", 100)
            .put("cloudtrail_monthly/2024/030/sibling", 10)
            .put("cloudtrail_monthly/2024/03", 10);
    catalog = new FakeCatalog(journal).add("cloudtrail", "cloudtrail_monthly_temp_202403");
    engine =
        new FakeQueryEngine(journal, clock)
            .onSuccess(
                id ->
                    store
                        .put(STAGING + id + "-bucket-0", 500)
                        .put(STAGING + id + "-bucket-1", 700));
    builder = builder(store, catalog, engine, 1);
  }

  private PartitionBuilder builder(
      ObjectStore store, FakeCatalog catalog, FakeQueryEngine engine, long minRows) {
    return builder(store, catalog, engine, minRows, Config.DEFAULT_ATHENA_QUERY_RETRIES);
  }

  private PartitionBuilder builder(
      ObjectStore store,
      FakeCatalog catalog,
      FakeQueryEngine engine,
      long minRows,
      int queryRetries) {
    return builder(
        store, catalog, engine, SETTINGS.withMinRows(minRows).withQueryRetries(queryRetries));
  }

  private static final BuildSettings SETTINGS =
      BuildSettings.defaults(new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4)));

  private PartitionBuilder builder(
      ObjectStore store, FakeCatalog catalog, FakeQueryEngine engine, BuildSettings settings) {
    return new PartitionBuilder(
        LAYOUT,
        CtasTemplate.bundled(),
        store,
        catalog,
        engine,
        settings,
        clock,
        d -> {
          sleeps.add(d);
          clock.advance(d);
        });
  }

  /**
   * The journal without the lock's and the saved state's own calls, which open and close every
   * build.
   */
  private static List<String> withoutLock(List<String> entries) {
    return entries.stream().filter(e -> !e.contains(LOCK) && !e.contains(STATE)).toList();
  }

  /**
   * What readers of the table can see, and more: the store without the month's staging prefix and
   * saved state.
   */
  private static Map<String, Long> tableView(Map<String, Long> objects) {
    return objects.entrySet().stream()
        .filter(e -> !e.getKey().startsWith(STAGING) && !e.getKey().equals(STATE))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private BuildCheckpoint.State savedState() {
    return new BuildCheckpoint(LAYOUT, store)
        .read(MARCH)
        .orElseThrow(() -> new AssertionError("no state saved at " + STATE));
  }

  /** The store without this month's staging prefix: what readers of the table can see, and more. */
  private static Map<String, Long> withoutStaging(Map<String, Long> objects) {
    return objects.entrySet().stream()
        .filter(e -> !e.getKey().startsWith(STAGING))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private BuildRequest request(String key, boolean redelivered) {
    return new BuildRequest(MARCH, key, redelivered, clock.instant().plus(Duration.ofMinutes(14)));
  }

  @Test
  void runsTheStepsInOrderAndReportsWhatTheQueryWrote() {
    engine.willRun(QUEUED, RUNNING, SUCCEEDED).rows(1234);
    // One copy at a time, so the journal has one order.
    builder = builder(store, catalog, engine, SETTINGS.withCopyThreads(1));

    BuildResult result = builder.build(request("m-1", false));

    assertThat(journal.entries())
        .containsExactly(
            "createIfAbsent " + LOCK,
            "read " + STATE,
            "drop " + TEMP,
            "deleteAll " + STAGING,
            "write " + STATE,
            "start q1",
            "write " + STATE,
            "get q1 QUEUED",
            "get q1 RUNNING",
            "get q1 SUCCEEDED",
            "drop " + TEMP,
            "list " + STAGING,
            "list " + PARTITION,
            "write " + STATE,
            // The fence before each destructive step: the lock still holds this build's lease.
            "readVersioned " + LOCK,
            "copy " + STAGING + "q1-bucket-0 -> " + PARTITION + "q1-bucket-0",
            "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
            "readVersioned " + LOCK,
            "deleteKeys " + PARTITION + " [" + PARTITION + "old-1, " + PARTITION + "old-2]",
            "readVersioned " + LOCK,
            "deleteAll " + STAGING,
            "readVersioned " + LOCK,
            "deleteKeys " + STATES + " [" + STATE + "]",
            "readVersioned " + LOCK,
            "deleteIfMatch " + LOCK);
    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(result.rowsWritten()).hasValue(1234);
    assertThat(result.oldObjectsDeleted()).isEqualTo(2);
    assertThat(result.objectsCopied()).isEqualTo(2);
    assertThat(result.bytesWritten()).isEqualTo(1200);
    assertThat(store.objects())
        .containsOnlyKeys(
            "cloudtrail_monthly/2024/02/old-feb",
            "cloudtrail_monthly/2024/030/sibling",
            "cloudtrail_monthly/2024/03",
            PARTITION + "q1-bucket-0",
            PARTITION + "q1-bucket-1");
    assertThat(result.bytesScanned()).isEqualTo(1_000_000);
    assertThat(result.steps()).containsOnlyKeys(BuildResult.Step.values());
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void sendsTheRenderedTemplateForTheMonth() {
    builder.build(request("m-1", false));

    assertThat(engine.startedSql()).containsExactly(CtasTemplate.bundled().render(LAYOUT, MARCH));
    assertThat(engine.startedSql().get(0))
        .contains("'s3://bucket/" + STAGING + "'")
        .doesNotContain("'s3://bucket/" + PARTITION + "'");
  }

  @Test
  void replacesOnlyThePartitionAndLeavesItsNeighboursAlone() {
    builder.build(request("m-1", false));

    assertThat(store.objects())
        .containsKeys(
            "cloudtrail_monthly/2024/02/old-feb",
            "cloudtrail_monthly/2024/030/sibling",
            "cloudtrail_monthly/2024/03");
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

    assertThat(sleeps)
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofMillis(1000),
            Duration.ofMillis(2000),
            Duration.ofMillis(4000),
            Duration.ofMillis(4000),
            Duration.ofMillis(4000));
  }

  @Test
  void failsWithAthenasReasonCategoryAndTypeAndStillDropsTheTemporaryTable() {
    engine.willRun(RUNNING, FAILED);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("2024-03")
        .hasMessageContaining("q1")
        .hasMessageContaining(
            "FAILED (error category 2 USER, type 1001, not retryable): HIVE_BAD_DATA: malformed");
    assertThat(withoutLock(journal.entries())).endsWith("get q1 FAILED", "drop " + TEMP);
    assertThat(store.objects()).isEqualTo(before);
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void failsOnACancelledQueryAndStillDropsTheTemporaryTable() {
    engine.willRun(RUNNING, CANCELLED);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("CANCELLED");
    assertThat(withoutLock(journal.entries())).endsWith("get q1 CANCELLED", "drop " + TEMP);
    assertThat(store.objects()).isEqualTo(before);
    assertThat(engine.startedSql()).hasSize(1);
  }

  @Test
  void startsARetryableFailedQueryAgainUnderANewTokenAfterDroppingTheTableAndClearingStaging() {
    engine.willFailRetryably(RUNNING).willRun(RUNNING, SUCCEEDED);
    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q2");
    assertThat(engine.startedSql()).hasSize(2);
    assertThat(engine.tokens()).hasSize(2).doesNotHaveDuplicates();
    assertThat(engine.tokens().get(1))
        .isEqualTo(PartitionBuilder.token(engine.tokens().get(0) + "#2", sql));
    assertThat(journal.entries())
        .containsSubsequence(
            "start q1",
            "get q1 RUNNING",
            "get q1 FAILED",
            "drop " + TEMP,
            "deleteAll " + STAGING,
            "start q2",
            "get q2 RUNNING",
            "get q2 SUCCEEDED",
            "drop " + TEMP);
    assertThat(withoutLock(journal.entries()))
        .filteredOn(e -> e.startsWith("deleteKeys "))
        .containsExactly(
            "deleteKeys " + PARTITION + " [" + PARTITION + "old-1, " + PARTITION + "old-2]");
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(PARTITION + "q2-bucket-0", PARTITION + "q2-bucket-1");
    // One poll wait for q1, the backoff before the retry, one poll wait for q2.
    assertThat(sleeps)
        .containsExactly(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500));
  }

  @Test
  void
      failsAfterOnePlusAthenaQueryRetriesStartsWhenEveryAttemptFailsRetryablyAndLeavesThePartitionAsItWas() {
    engine.willFailRetryably().willFailRetryably().willFailRetryably().willRun(SUCCEEDED);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessage(
            "Cannot build 2024-03: query q3 FAILED (error category 1 SYSTEM, type 401, retryable): "
                + "GENERIC_INTERNAL_ERROR: worker lost; gave up after 3 attempt(s) (ATHENA_QUERY_RETRIES=2)");
    assertThat(engine.startedSql()).hasSize(3);
    assertThat(engine.tokens()).doesNotHaveDuplicates();
    assertThat(store.objects()).isEqualTo(before);
    assertThat(withoutLock(journal.entries()))
        .noneMatch(e -> e.startsWith("copy") || e.startsWith("deleteKeys"));
    // Backoff doubles from the first poll delay: 500 ms before attempt 2, 1 s before attempt 3.
    assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
  }

  @Test
  void failsAtOnceWithAthenasUnchangedMessageWhenTheFailedQueryIsNotRetryable() {
    engine.willRun(RUNNING, FAILED).willRun(SUCCEEDED);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessage(
            "Cannot build 2024-03: query q1 FAILED (error category 2 USER, type 1001, not retryable): "
                + "HIVE_BAD_DATA: malformed");
    assertThat(engine.startedSql()).hasSize(1);
  }

  @Test
  void neverRetriesWhenAthenaQueryRetriesIsZero() {
    engine.willFailRetryably().willRun(SUCCEEDED);
    builder = builder(store, catalog, engine, 1, 0);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageEndingWith("; gave up after 1 attempt(s) (ATHENA_QUERY_RETRIES=0)");
    assertThat(engine.startedSql()).hasSize(1);
  }

  @Test
  void doesNotStartARetryThatWouldLikelyEndAfterTheDeadline() {
    // The first attempt runs 3.5 s (polls after 0.5, 1 and 2 s); with the 0.5 s backoff a second
    // attempt as long would end 7.5 s after the start, past the deadline at 6 s.
    engine.willFailRetryably(RUNNING, RUNNING, RUNNING).willRun(SUCCEEDED);
    BuildRequest request = new BuildRequest(MARCH, "m-1", false, clock.instant().plusSeconds(6));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageStartingWith(
            "Cannot build 2024-03: query q1 FAILED (error category 1 SYSTEM, type 401, retryable)")
        .hasMessageContaining(
            "not retried: attempt 2 would likely end after the deadline " + request.deadline());
    assertThat(engine.startedSql()).hasSize(1);
    assertThat(clock.instant()).isBeforeOrEqualTo(request.deadline());
    assertThat(store.objects()).isEqualTo(before);
  }

  @Test
  void startsARetryThatCanEndBeforeTheDeadline() {
    engine.willFailRetryably(RUNNING, RUNNING, RUNNING).willRun(SUCCEEDED);
    BuildRequest request = new BuildRequest(MARCH, "m-1", false, clock.instant().plusSeconds(8));

    BuildResult result = builder.build(request);

    assertThat(result.queryExecutionId()).isEqualTo("q2");
  }

  @Test
  void startsNoQueryWhenTheStagingPrefixCannotBeCleared() {
    store.put(STAGING + "leftover", 1).failDeleting(STAGING + "leftover");

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("AccessDenied on " + STAGING + "leftover");
    assertThat(engine.startedSql()).isEmpty();
    assertThat(store.objects()).containsKeys(PARTITION + "old-1", PARTITION + "old-2");
  }

  @Test
  void keepsTheQueryFailureWhenDroppingTheTemporaryTableAlsoFails() {
    engine.willRun(FAILED);
    catalog.failDropsFrom(2);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessageContaining("HIVE_BAD_DATA")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(
                        s -> assertThat(s).hasMessageContaining("Cannot drop Glue table " + TEMP)));
  }

  @Test
  void refusesALayoutWhosePartitionWouldBeOutsideTheTableRoot() {
    assertThatThrownBy(() -> new TableLayout("d", "s", "t", "s3://b/", ""))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void leavesThePartitionAsItWasWhenTheQueryWroteFewerRowsThanMinRows() {
    engine.rows(0);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot replace 2024-03: the query wrote 0 rows (MIN_ROWS=1): leaving the previous partition as it was");
    assertThat(withoutStaging(store.objects())).isEqualTo(before);
    assertThat(withoutLock(journal.entries()))
        .noneMatch(e -> e.startsWith("copy") || e.startsWith("deleteKeys"));
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void leavesThePartitionAsItWasWhenTheEngineDoesNotSayHowManyRowsItWrote() {
    engine.rowsUnknown();
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("did not say how many rows")
        .hasMessageContaining("leaving the previous partition as it was");
    assertThat(withoutStaging(store.objects())).isEqualTo(before);
  }

  @Test
  void replacesThePartitionWithAnEmptyOneWhenMinRowsIsZeroAndTheQueryWroteNothing() {
    engine.rows(0).onSuccess(id -> {});
    builder = builder(store, catalog, engine, 0);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.objectsCopied()).isZero();
    assertThat(result.oldObjectsDeleted()).isEqualTo(2);
    assertThat(store.objects())
        .doesNotContainKeys(PARTITION + "old-1", PARTITION + "old-2")
        .containsKeys("cloudtrail_monthly/2024/030/sibling", "cloudtrail_monthly/2024/03");
  }

  private static final String COUNT_MARCH =
      "SELECT count(*) FROM \"cloudtrail\".\"cloudtrail_monthly\" WHERE \"year\" = '2024' AND \"month\" = '03'";

  @Test
  void
      refusesAMonthWithFewerThanMinPreviousRowsPercentOfThePartitionsRowsLeavingItsObjectsAndForgettingTheState() {
    engine.rows(49).previousRows(100);
    builder = builder(store, catalog, engine, SETTINGS.withMinPreviousRowsPercent(50));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot replace 2024-03: the query wrote 49 rows, fewer than 50% of the 100 rows the partition "
                + "holds now (MIN_PREVIOUS_ROWS_PERCENT=50): leaving the previous partition as it was");
    assertThat(withoutStaging(store.objects())).isEqualTo(before);
    assertThat(store.objects()).doesNotContainKey(STATE);
    assertThat(engine.startedSql()).hasSize(2).last().isEqualTo(COUNT_MARCH);
    assertThat(withoutLock(journal.entries()))
        .noneMatch(e -> e.startsWith("copy") || e.startsWith("deleteKeys " + PARTITION));
    // Counted after the CTAS ended and its table was dropped, before anything of the partition was
    // listed.
    assertThat(withoutLock(journal.entries()))
        .containsSubsequence(
            "get q1 SUCCEEDED", "drop " + TEMP, "start q2", "get q2 SUCCEEDED", "result q2 100");
  }

  @Test
  void replacesAMonthWithExactlyMinPreviousRowsPercentOfThePartitionsRows() {
    engine.rows(50).previousRows(100);
    builder = builder(store, catalog, engine, SETTINGS.withMinPreviousRowsPercent(50));

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.rowsWritten()).hasValue(50);
    assertThat(store.objects())
        .containsKeys(PARTITION + "q1-bucket-0", PARTITION + "q1-bucket-1")
        .doesNotContainKeys(PARTITION + "old-1", PARTITION + "old-2", STATE);
  }

  @Test
  void aMonthWhosePartitionHoldsNoRowsYetPassesMinPreviousRowsPercent() {
    engine.rows(1).previousRows(0);
    builder = builder(store, catalog, engine, SETTINGS.withMinPreviousRowsPercent(100));

    assertThat(builder.build(request("m-1", false)).objectsCopied()).isEqualTo(2);
  }

  @Test
  void withMinPreviousRowsPercentOffNoCountIsRun() {
    engine.rows(1).previousRows(1_000_000);

    builder.build(request("m-1", false));

    assertThat(engine.startedSql()).hasSize(1).noneMatch(sql -> sql.startsWith("SELECT"));
  }

  @Test
  void
      aCountThatFailsFailsTheBuildSayingSoAndKeepsTheStateSoTheNextAttemptChecksAgainWithoutANewCtas() {
    engine.willRun(RUNNING, SUCCEEDED).willRun(RUNNING, FAILED).rows(90).previousRows(100);
    builder = builder(store, catalog, engine, SETTINGS.withMinPreviousRowsPercent(50));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot check 2024-03 against the rows its partition holds now (MIN_PREVIOUS_ROWS_PERCENT=50): "
                + "query q2 FAILED (error category 2 USER, type 1001, not retryable): HIVE_BAD_DATA: malformed");
    assertThat(tableView(store.objects())).isEqualTo(tableView(before));
    assertThat(savedState().queryExecutionId()).isEqualTo("q1");

    BuildResult resumed = builder.build(request("m-1", true));

    assertThat(resumed.queryExecutionId()).isEqualTo("q1");
    assertThat(engine.startedSql()).filteredOn(sql -> sql.startsWith("CREATE")).hasSize(1);
    assertThat(store.objects())
        .containsKeys(PARTITION + "q1-bucket-0")
        .doesNotContainKeys(PARTITION + "old-1", STATE);
  }

  @Test
  void stopsAQueryPastMaxScanBytesAndFailsNamingTheCapLeavingThePartitionAndForgettingTheState() {
    engine.willRun(RUNNING, RUNNING, SUCCEEDED).bytesScanned(2_000_001);
    builder = builder(store, catalog, engine, SETTINGS.withMaxScanBytes(2_000_000));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessage(
            "Cannot build 2024-03: query q1 has scanned 2000001 bytes, more than MAX_SCAN_BYTES=2000000, so it "
                + "was stopped; the partition is as it was");
    assertThat(engine.wasStopped("q1")).isTrue();
    assertThat(journal.entries())
        .containsSubsequence("get q1 RUNNING", "stop q1", "get q1 CANCELLED");
    assertThat(withoutStaging(store.objects())).isEqualTo(withoutStaging(before));
    assertThat(store.objects()).doesNotContainKey(STATE);
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();

    // Forgotten, not resumed: the next build runs the query afresh.
    engine.bytesScanned(1_000);
    builder.build(request("m-1", true));
    assertThat(engine.startedSql()).hasSize(2);
  }

  /**
   * Seen only once it had ended: its bytes are paid for, but a query past the cap never replaces
   * the month.
   */
  @Test
  void aQueryThatSucceededPastMaxScanBytesBetweenTwoLooksIsNotUsedAndIsForgotten() {
    engine.willRun(SUCCEEDED).bytesScanned(2_000_001);
    builder = builder(store, catalog, engine, SETTINGS.withMaxScanBytes(2_000_000));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class)
        .hasMessage(
            "Cannot build 2024-03: query q1 ended SUCCEEDED having scanned 2000001 bytes, more than "
                + "MAX_SCAN_BYTES=2000000, so its output is not used; the partition is as it was");
    assertThat(engine.wasStopped("q1")).isFalse();
    assertThat(withoutStaging(store.objects())).isEqualTo(withoutStaging(before));
    assertThat(store.objects()).doesNotContainKey(STATE);
  }

  @Test
  void aCheckRunsTheQueryAndItsChecksThenDeletesTheOutputAndReplacesNothing() {
    engine.willRun(RUNNING, SUCCEEDED).rows(1234);
    Map<String, Long> before = store.objects();

    BuildResult checked = builder.check(request("check-1", false));

    assertThat(checked.rowsWritten()).hasValue(1234);
    assertThat(checked.objectsCopied()).isZero();
    assertThat(store.objects()).isEqualTo(before);
    assertThat(journal.entries()).noneMatch(e -> e.startsWith("copy"));
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void aCheckRefusedByMinRowsSaysSoAndLeavesNothingBehind() {
    engine.willRun(SUCCEEDED).rows(3);
    builder = builder(store, catalog, engine, 5);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.check(request("check-1", false)))
        .hasMessage(
            "Cannot replace 2024-03: the query wrote 3 rows (MIN_ROWS=5): leaving the previous partition as it was");

    assertThat(store.objects()).isEqualTo(before);
  }

  @Test
  void aCheckIsRefusedWhileABuildOfTheMonthIsUnfinished() {
    saveState(earlierQuery("SELECT 1", "q-earlier"));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.check(request("check-1", false)))
        .hasMessage(
            "Cannot check 2024-03: a build of it is unfinished (its state is in "
                + "s3://bucket/cloudtrail_monthly/_state/2024/03.json); run the build, which resumes it, then check");

    assertThat(store.objects()).isEqualTo(before);
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void aQueryThatScannedExactlyMaxScanBytesIsNotStopped() {
    engine.willRun(RUNNING, SUCCEEDED).bytesScanned(2_000_000);
    builder = builder(store, catalog, engine, SETTINGS.withMaxScanBytes(2_000_000));

    assertThat(builder.build(request("m-1", false)).objectsCopied()).isEqualTo(2);
    assertThat(engine.wasStopped("q1")).isFalse();
  }

  @Test
  void aCopyFailingOnTheSecondOfFourFilesRemovesTheFirstCopyAndLeavesThePartitionAsItWas() {
    engine.onSuccess(
        id -> {
          for (int i = 0; i < 4; i++) {
            store.put(STAGING + id + "-bucket-" + i, 100 + i);
          }
        });
    store.failCopiesAfter(1);
    Map<String, Long> before = store.objects();
    // One copy at a time, so the failure stops the copies not yet started.
    builder = builder(store, catalog, engine, SETTINGS.withCopyThreads(1));

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot replace 2024-03: copying "
                + STAGING
                + "q1-bucket-1 failed after 1 of 4 file(s); "
                + "its copies were removed (2 key(s)) and the previous partition is as it was")
        .hasMessageContaining("InternalError")
        .message()
        .doesNotContain("\n");
    assertThat(tableView(store.objects())).isEqualTo(before);
    assertThat(journal.entries())
        .contains(
            "deleteKeys "
                + PARTITION
                + " ["
                + PARTITION
                + "q1-bucket-0, "
                + PARTITION
                + "q1-bucket-1]")
        .noneMatch(e -> e.startsWith("deleteKeys") && e.contains("old-"));
    assertThat(savedState().phase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
  }

  @Test
  void failsNamingTheOldObjectThatCouldNotBeDeletedAndKeepsTheNewFilesInPlace() {
    store.failDeleting(PARTITION + "old-2");

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(
            "Cannot replace 2024-03: the new files are in s3://bucket/" + PARTITION)
        .hasMessageContaining("AccessDenied on " + PARTITION + "old-2");
    assertThat(store.objects())
        .containsKeys(PARTITION + "q1-bucket-0", PARTITION + "q1-bucket-1", PARTITION + "old-2")
        .doesNotContainKey(PARTITION + "old-1");
  }

  @Test
  void refusesAStagedFileWithTheNameOfAnObjectAlreadyInThePartitionBeforeCopyingAny() {
    store.put(PARTITION + "q1-bucket-1", 1);
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining(
            "has the name of an object already in the partition (" + PARTITION + "q1-bucket-1)");
    assertThat(withoutStaging(store.objects())).isEqualTo(before);
    assertThat(withoutLock(journal.entries())).noneMatch(e -> e.startsWith("copy"));
  }

  @Test
  void aRebuildNeverTouchesAKeyOutsideTheMonthsPartitionAndStagingPrefixesWhateverHappens() {
    Random random = new Random(20240301);
    List<String> neighbours =
        List.of(
            "cloudtrail_monthly/2024/030/",
            "cloudtrail_monthly/2024/02/",
            "cloudtrail_monthly/2024/04/",
            "cloudtrail_monthly/",
            "cloudtrail_monthly/_staging/2024/02/",
            "cloudtrail_monthly/_staging/2024/030/",
            "cloudtrail_monthly/_staging/",
            "cloudtrail_monthly_staging/2024/03/",
            "other/cloudtrail_monthly/2024/03/",
            "");
    for (int iteration = 0; iteration < 300; iteration++) {
      Journal j = new Journal();
      FakeObjectStore s = new FakeObjectStore(j);
      for (int i = random.nextInt(12); i > 0; i--) {
        s.put(
            neighbours.get(random.nextInt(neighbours.size())) + "f" + random.nextInt(5),
            random.nextInt(1000));
      }
      s.put("cloudtrail_monthly/2024/03", 1);
      for (int i = random.nextInt(5); i > 0; i--) {
        s.put(
            PARTITION + (random.nextInt(20) == 0 ? "q1-bucket-0" : "old-" + random.nextInt(100)),
            random.nextInt(1000));
      }
      if (random.nextBoolean()) {
        s.put(STAGING + "leftover-" + random.nextInt(3), 7);
      }
      int files = random.nextInt(5);
      int outcome = random.nextInt(6);
      FakeQueryEngine e =
          new FakeQueryEngine(j, clock)
              .rows(outcome == 1 ? 0 : 10)
              .willRun(outcome == 2 ? FAILED : outcome == 3 ? CANCELLED : SUCCEEDED)
              .onSuccess(
                  id -> {
                    for (int i = 0; i < files; i++) {
                      s.put(STAGING + id + "-bucket-" + i, 10 + i);
                    }
                  });
      if (outcome == 4) {
        s.failCopiesAfter(random.nextInt(files + 1));
      }
      if (outcome == 5 && random.nextBoolean()) {
        s.failDeleting(PARTITION + "old-" + random.nextInt(100));
      }
      Map<String, Long> before = s.objects();
      boolean failed = false;
      try {
        builder(s, new FakeCatalog(j), e, 1).build(request("m-" + iteration, false));
      } catch (RuntimeException failure) {
        failed = true;
      }

      String seen = "iteration " + iteration + " before " + before + " after " + s.objects();
      assertThat(outside(s.objects())).as(seen).isEqualTo(outside(before));
      assertThat(j.entries())
          .as(seen)
          .allSatisfy(
              entry -> {
                if (entry.startsWith("deleteAll ")) {
                  assertThat(entry).isEqualTo("deleteAll " + STAGING);
                } else if (entry.startsWith("copy ")) {
                  assertThat(entry).startsWith("copy " + STAGING).contains(" -> " + PARTITION);
                } else if (entry.startsWith("deleteIfMatch ")
                    || entry.startsWith("replaceIfMatch ")) {
                  assertThat(entry).endsWith(" " + LOCK);
                } else if (entry.startsWith("deleteKeys " + STATES)) {
                  assertThat(entry).isEqualTo("deleteKeys " + STATES + " [" + STATE + "]");
                } else if (entry.startsWith("write ")) {
                  assertThat(entry).isEqualTo("write " + STATE);
                } else if (entry.startsWith("deleteKeys ")) {
                  assertThat(entry).startsWith("deleteKeys " + PARTITION + " [");
                }
              });
      boolean deleteOfOldFailed =
          j.entries().stream().anyMatch(x -> x.startsWith("deleteKeys") && x.contains("old-"))
              && failed;
      if (failed && !deleteOfOldFailed) {
        assertThat(tableView(s.objects())).as(seen).isEqualTo(tableView(before));
      }
      if (!failed) {
        assertThat(s.objects().keySet())
            .as(seen)
            .filteredOn(k -> k.startsWith(PARTITION))
            .allMatch(k -> k.startsWith(PARTITION + "q1-bucket-"))
            .hasSize(files);
        assertThat(s.objects().keySet()).as(seen).noneMatch(k -> k.startsWith(STAGING));
      }
    }
  }

  @Test
  void eachAttemptStartsUnderATokenOfItsOwnSoAnEarlierAttemptsFinishedQueryIsNeverHandedBack() {
    builder.build(request("m-1", false));
    BuildResult again = builder.build(request("m-1", true));

    assertThat(engine.tokens())
        .hasSize(2)
        .doesNotHaveDuplicates()
        .allMatch(t -> t.matches("[0-9a-f]{64}"));
    assertThat(again.queryExecutionId()).isEqualTo("q2");
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(PARTITION + "q2-bucket-0", PARTITION + "q2-bucket-1");
  }

  /**
   * The CLI has no message SQS delivers again: its builds say what to run instead of "the next
   * attempt".
   */
  @Test
  void aQueryLeftRunningIsResumedByWhatTheSettingsNameAsTheRerun() {
    engine.willRun(RUNNING, RUNNING, RUNNING, RUNNING, RUNNING, SUCCEEDED);
    PartitionBuilder cli =
        builder(store, catalog, engine, SETTINGS.withRerun("the same command run again"));
    BuildRequest first = new BuildRequest(MARCH, "m-1", false, clock.instant().plusSeconds(5));

    assertThatThrownBy(() -> cli.build(first))
        .isInstanceOf(QueryStillRunningException.class)
        .hasMessage(
            "Cannot finish 2024-03 before the deadline "
                + first.deadline()
                + ": query q1 is still RUNNING; it was "
                + "left running and the same command run again resumes it (state in s3://bucket/"
                + STATE
                + ")");
  }

  @Test
  void
      aQueryStillRunningAtTheDeadlineIsLeftRunningAndTheNextAttemptWaitsOnItAndFinishesTheReplace() {
    // Polls at 0, 0.5, 1.5 and 3.5 s see RUNNING; the next would be at 7.5 s, past the deadline at
    // 5 s.
    engine.willRun(RUNNING, RUNNING, RUNNING, RUNNING, RUNNING, SUCCEEDED);
    BuildRequest first = new BuildRequest(MARCH, "m-1", false, clock.instant().plusSeconds(5));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(first))
        .isInstanceOf(QueryStillRunningException.class)
        .hasMessage(
            "Cannot finish 2024-03 before the deadline "
                + first.deadline()
                + ": query q1 is still RUNNING; it was "
                + "left running and the next attempt resumes it (state in s3://bucket/"
                + STATE
                + ")");
    assertThat(engine.wasStopped("q1")).isFalse();
    assertThat(clock.instant()).isBeforeOrEqualTo(first.deadline());
    assertThat(tableView(store.objects())).isEqualTo(before);
    assertThat(savedState().phase()).isEqualTo(BuildCheckpoint.Phase.QUERY);
    assertThat(savedState().queryExecutionId()).isEqualTo("q1");
    assertThat(savedState().token()).isEqualTo(engine.tokens().get(0));
    assertThat(store.objects()).doesNotContainKey(LOCK);

    journal.clear();
    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(engine.startedSql()).hasSize(1);
    // Resumed: neither the temporary table nor staging is touched before the query ends.
    assertThat(withoutLock(journal.entries()))
        .startsWith("get q1 RUNNING", "get q1 SUCCEEDED", "drop " + TEMP);
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(PARTITION + "q1-bucket-0", PARTITION + "q1-bucket-1");
    assertThat(store.objects()).doesNotContainKeys(STATE, LOCK);
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void aMonthWhoseQuerySucceededInAnAttemptThatThenFailedIsFinishedWithoutANewQuery() {
    catalog.failDropsFrom(2);
    Map<String, Long> before = store.objects();
    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageContaining("Cannot drop Glue table " + TEMP);
    assertThat(tableView(store.objects())).isEqualTo(before);
    assertThat(savedState().queryExecutionId()).isEqualTo("q1");

    catalog.failDropsFrom(Integer.MAX_VALUE);
    BuildResult result = builder.build(request("m-2", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(engine.startedSql()).hasSize(1);
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(PARTITION + "q1-bucket-0", PARTITION + "q1-bucket-1");
    assertThat(store.objects()).doesNotContainKey(STATE);
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isFalse();
  }

  @Test
  void aReplaceACopyFailureInterruptedIsFinishedByTheNextAttemptWithoutANewQuery() {
    engine.onSuccess(
        id -> {
          for (int i = 0; i < 4; i++) {
            store.put(STAGING + id + "-bucket-" + i, 100 + i);
          }
        });
    store.failCopiesAfter(2);
    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .hasMessageContaining("failed after 2 of 4 file(s)");
    store.failCopiesAfter(-1);
    journal.clear();

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(result.rowsWritten()).hasValue(42);
    assertThat(result.bytesScanned()).isEqualTo(1_000_000);
    assertThat(result.objectsCopied()).isEqualTo(4);
    assertThat(result.oldObjectsDeleted()).isEqualTo(2);
    assertThat(engine.startedSql()).hasSize(1);
    assertThat(journal.entries()).noneMatch(e -> e.startsWith("get ") || e.startsWith("start "));
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(
            PARTITION + "q1-bucket-0",
            PARTITION + "q1-bucket-1",
            PARTITION + "q1-bucket-2",
            PARTITION + "q1-bucket-3");
    assertThat(store.objects().keySet()).noneMatch(k -> k.startsWith(STAGING) || k.equals(STATE));
  }

  @Test
  void aReplaceWhoseDeleteOfTheOldObjectsFailedIsFinishedByDeletingThemWithoutCopyingAgain() {
    store.failDeleting(PARTITION + "old-2");
    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .hasMessageContaining("AccessDenied on " + PARTITION + "old-2");
    store.failDeleting(null);
    journal.clear();

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.objectsCopied()).isEqualTo(2);
    assertThat(result.oldObjectsDeleted()).isEqualTo(1);
    assertThat(journal.entries())
        .noneMatch(e -> e.startsWith("copy ") || e.startsWith("start "))
        .contains("deleteKeys " + PARTITION + " [" + PARTITION + "old-2]");
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(PARTITION + "q1-bucket-0", PARTITION + "q1-bucket-1");
  }

  @Test
  void anInterruptedReplaceWhoseStagedFilesAreGoneStartsTheMonthOverAndNeverKeepsAStrayCopy() {
    engine.onSuccess(
        id -> {
          for (int i = 0; i < 3; i++) {
            store.put(STAGING + id + "-bucket-" + i, 100 + i);
          }
        });
    store.failCopiesAfter(1).failDeleting(PARTITION + "q1-bucket-0");
    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .hasMessageContaining("failed after 1 of 3 file(s)");
    // The undo could not remove the first copy, and then someone cleared staging.
    store.failCopiesAfter(-1).failDeleting(null);
    store.deleteAll(STAGING);

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isEqualTo("q2");
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactlyInAnyOrder(
            PARTITION + "q2-bucket-0", PARTITION + "q2-bucket-1", PARTITION + "q2-bucket-2");
  }

  private void saveState(BuildCheckpoint.State state) {
    store.put(STATE, BuildCheckpoint.encode(state));
  }

  private BuildCheckpoint.State earlierQuery(String sql, String id) {
    return BuildCheckpoint.State.starting(
            "m-0", clock.instant().minus(Duration.ofMinutes(20)), "t-0", sql, STAGING)
        .started(id);
  }

  @Test
  void aSavedQueryThatEndedFailedIsNotResumedAndTheMonthStartsOver() {
    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);
    String earlier =
        engine.startedEarlier("t-0", clock.instant().minus(Duration.ofMinutes(20)), FAILED);
    saveState(earlierQuery(sql, earlier));

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isNotEqualTo(earlier);
    assertThat(engine.startedSql()).hasSize(1);
    assertThat(journal.entries())
        .containsSubsequence(
            "get " + earlier + " FAILED",
            "deleteKeys " + STATES + " [" + STATE + "]",
            "drop " + TEMP,
            "deleteAll " + STAGING,
            "start " + result.queryExecutionId());
  }

  @Test
  void aSavedQueryTheEngineDoesNotKnowIsForgottenAndTheMonthStartsOver() {
    saveState(earlierQuery(CtasTemplate.bundled().render(LAYOUT, MARCH), "q-from-another-process"));

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(journal.entries()).contains("get q-from-another-process not found");
    assertThat(store.objects()).doesNotContainKey(STATE);
  }

  @Test
  void aSavedQueryOfOtherSqlIsStoppedAndWaitedForBeforeTheMonthStartsOverWithTheCurrentTemplate() {
    String earlier =
        engine.startedEarlier("t-0", clock.instant().minus(Duration.ofMinutes(20)), RUNNING);
    saveState(earlierQuery("CREATE TABLE old AS SELECT 1", earlier));

    BuildResult result = builder.build(request("m-1", true));

    assertThat(engine.wasStopped(earlier)).isTrue();
    assertThat(journal.entries())
        .containsSubsequence(
            "stop " + earlier,
            "get " + earlier + " CANCELLED",
            "drop " + TEMP,
            "deleteAll " + STAGING,
            "start " + result.queryExecutionId());
    assertThat(engine.startedSql()).containsExactly(CtasTemplate.bundled().render(LAYOUT, MARCH));
  }

  @Test
  void
      aStartingStateStartsAgainUnderItsSavedTokenSoTheQueryTheEarlierAttemptStartedIsFoundNotRunTwice() {
    String sql = CtasTemplate.bundled().render(LAYOUT, MARCH);
    String earlier =
        engine.startedEarlier("t-0", clock.instant().minus(Duration.ofMinutes(20)), SUCCEEDED);
    store.put(STAGING + earlier + "-bucket-0", 300);
    saveState(
        BuildCheckpoint.State.starting(
            "m-0", clock.instant().minus(Duration.ofMinutes(20)), "t-0", sql, STAGING));

    BuildResult result = builder.build(request("m-1", true));

    assertThat(result.queryExecutionId()).isEqualTo(earlier);
    assertThat(engine.tokens()).containsExactly("t-0");
    assertThat(engine.startedSql()).isEmpty();
    assertThat(store.objects().keySet())
        .filteredOn(k -> k.startsWith(PARTITION))
        .containsExactly(PARTITION + earlier + "-bucket-0");
  }

  @Test
  void aStateThisBuilderDidNotWriteFailsTheBuildNamingItAndTouchesNothing() {
    store.put(STATE, "{\"phase\":\"QUERY\"}".getBytes(StandardCharsets.UTF_8));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot build 2024-03: the build state s3://bucket/"
                + STATE
                + " is not one this builder wrote (it has "
                + "no \"sql\" string); delete it once no build of 2024-03 is running, and the next build starts the month over");
    assertThat(store.objects()).isEqualTo(before);
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void theLockOutlastsTheRequestsDeadlineWhenThatIsLaterThanTheConfiguredLease() {
    List<String> held = new ArrayList<>();
    engine
        .willRun(SUCCEEDED)
        .onSuccess(
            id -> {
              held.add(new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8));
              store.put(STAGING + id + "-bucket-0", 500);
            });

    builder.build(
        new BuildRequest(MARCH, "cli-1", false, clock.instant().plus(Duration.ofMinutes(30))));

    // 00:31 + 30 min deadline + 2 min for the replace, rather than the 16 min lease.
    assertThat(held)
        .singleElement()
        .satisfies(json -> assertThat(json).endsWith("\"expiresAt\":\"2024-04-01T01:03:00Z\"}"));
  }

  private static byte[] lease(String owner, String expiresAt) {
    return ("{\"owner\":\"" + owner + "\",\"expiresAt\":\"" + expiresAt + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBuildOfAMonthAnotherLiveBuildHoldsFailsAsBusyAndTouchesNothingElse() {
    store.put(LOCK, lease("m-other", "2024-04-01T00:40:00Z"));
    Map<String, Long> before = store.objects();

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(MonthBusyException.class)
        .hasMessage(
            "Cannot build 2024-03: another build holds the lock s3://bucket/cloudtrail_monthly/_locks/2024/03 "
                + "(owner m-other, until 2024-04-01T00:40:00Z); if no build of 2024-03 is running, remove it with: "
                + "partition-builder unlock --month 2024-03");
    assertThat(journal.entries())
        .containsExactly("createIfAbsent " + LOCK, "readVersioned " + LOCK);
    assertThat(store.objects()).isEqualTo(before);
    assertThat(store.read(LOCK))
        .hasValueSatisfying(
            held -> assertThat(held).isEqualTo(lease("m-other", "2024-04-01T00:40:00Z")));
    assertThat(engine.startedSql()).isEmpty();
    assertThat(catalog.has("cloudtrail", "cloudtrail_monthly_temp_202403")).isTrue();
  }

  @Test
  void aLockWhoseLeaseRanOutIsTakenOverAndTheBuildRunsAndReleasesIt() {
    store.put(LOCK, lease("m-crashed", "2024-04-01T00:30:59Z"));
    engine.willRun(SUCCEEDED);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(journal.entries())
        .startsWith(
            "createIfAbsent " + LOCK,
            "readVersioned " + LOCK,
            "replaceIfMatch " + LOCK,
            "read " + STATE,
            "drop " + TEMP);
    assertThat(journal.entries())
        .endsWith("readVersioned " + LOCK, "deleteIfMatch " + LOCK)
        .noneMatch(e -> e.startsWith("deleteKeys " + LOCKS));
    assertThat(store.objects()).doesNotContainKey(LOCK);
  }

  @Test
  void aLiveLockOfTheSameMessageIdIsNotTakenOverForADuplicateDeliveryMayHoldIt() {
    store.put(LOCK, lease("m-1", "2024-04-01T00:45:00Z"));

    assertThatThrownBy(() -> builder.build(request("m-1", true)))
        .isInstanceOf(MonthBusyException.class)
        .hasMessageContaining("(owner m-1, until 2024-04-01T00:45:00Z)");
    assertThat(engine.startedSql()).isEmpty();
    assertThat(store.read(LOCK))
        .hasValueSatisfying(
            held -> assertThat(held).isEqualTo(lease("m-1", "2024-04-01T00:45:00Z")));
  }

  @Test
  void whileTheBuildRunsItsLockNamesTheRequestAndExpiresALeaseAfterNow() {
    List<String> held = new ArrayList<>();
    engine
        .willRun(SUCCEEDED)
        .onSuccess(
            id -> {
              held.add(new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8));
              store.put(STAGING + id + "-bucket-0", 500);
            });

    builder.build(request("m-1", false));

    assertThat(held)
        .singleElement()
        .satisfies(
            json ->
                assertThat(json)
                    .matches(
                        "\\{\"owner\":\"m-1\",\"attempt\":\"[0-9a-f-]{36}\",\"expiresAt\":\"2024-04-01T00:47:00Z\"}"));
  }

  @Test
  void theLockIsReleasedAfterAFailedBuildSoTheRetryIsNotBlocked() {
    engine.willRun(FAILED);

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(QueryFailedException.class);

    assertThat(store.objects()).doesNotContainKey(LOCK);
    assertThat(journal.entries()).endsWith("readVersioned " + LOCK, "deleteIfMatch " + LOCK);
  }

  @Test
  void aBuildWhoseLockWasTakenOverStopsBeforeTouchingThePartitionAndLeavesTheLockInPlace() {
    engine
        .willRun(SUCCEEDED)
        .onSuccess(
            id -> {
              store.deleteKeys(LOCKS, List.of(LOCK));
              store.createIfAbsent(LOCK, lease("m-2", "2024-04-01T01:00:00Z"));
              store.put(STAGING + id + "-bucket-0", 500);
            });
    Map<String, Long> partition = partitionOf(store.objects());

    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(LockLostException.class)
        .hasMessage(
            "Cannot go on with 2024-03 before copying into the partition: the lock s3://bucket/"
                + LOCK
                + " no longer holds this build's lease (until 2024-04-01T00:47:00Z; now owner m-2, until "
                + "2024-04-01T01:00:00Z), so this build stopped and left the partition to the build that holds the month");

    assertThat(partitionOf(store.objects())).isEqualTo(partition);
    assertThat(journal.entries()).noneMatch(e -> e.startsWith("copy "));
    assertThat(store.read(LOCK))
        .hasValueSatisfying(
            held -> assertThat(held).isEqualTo(lease("m-2", "2024-04-01T01:00:00Z")));
    // The build that holds the month now finishes this one's query instead of running another.
    assertThat(savedState().phase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
  }

  private static Map<String, Long> partitionOf(Map<String, Long> objects) {
    return objects.entrySet().stream()
        .filter(e -> e.getKey().startsWith(PARTITION))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void aLockAnotherBuildTakesOverBetweenThisBuildsReadAndItsDeleteIsLeftInPlace() {
    engine.willRun(SUCCEEDED);
    // Our lease runs out after the release read it as ours and before its delete: another build
    // replaces it, conditioned on the version it read, as its own takeover would.
    store.before(
        "deleteIfMatch " + LOCK,
        () -> {
          String ours = store.readVersioned(LOCK).orElseThrow().version();
          assertThat(store.replaceIfMatch(LOCK, lease("m-2", "2024-04-01T01:00:00Z"), ours))
              .isTrue();
        });

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(journal.entries())
        .endsWith(
            "readVersioned " + LOCK,
            "readVersioned " + LOCK,
            "replaceIfMatch " + LOCK,
            "deleteIfMatch " + LOCK);
    assertThat(store.read(LOCK))
        .hasValueSatisfying(
            held -> assertThat(held).isEqualTo(lease("m-2", "2024-04-01T01:00:00Z")));
  }

  @Test
  void aBuildWhoseTakeOverIsBeatenByAnotherReadsTheWinnersLeaseAndIsBusyTouchingNothingElse() {
    store.put(LOCK, lease("m-crashed", "2024-04-01T00:30:59Z"));
    // Another build takes the same stale lease over between our read and our replace.
    store.before(
        "replaceIfMatch " + LOCK,
        () -> {
          String stale = store.readVersioned(LOCK).orElseThrow().version();
          assertThat(store.replaceIfMatch(LOCK, lease("m-2", "2024-04-01T00:47:00Z"), stale))
              .isTrue();
        });
    assertThatThrownBy(() -> builder.build(request("m-1", false)))
        .isInstanceOf(MonthBusyException.class)
        .hasMessage(
            "Cannot build 2024-03: another build holds the lock s3://bucket/cloudtrail_monthly/_locks/2024/03 "
                + "(owner m-2, until 2024-04-01T00:47:00Z); if no build of 2024-03 is running, remove it with: "
                + "partition-builder unlock --month 2024-03");

    assertThat(journal.entries())
        .containsExactly(
            "createIfAbsent " + LOCK,
            "readVersioned " + LOCK,
            "readVersioned " + LOCK,
            "replaceIfMatch " + LOCK,
            "replaceIfMatch " + LOCK,
            "readVersioned " + LOCK);
    assertThat(store.read(LOCK))
        .hasValueSatisfying(
            held -> assertThat(held).isEqualTo(lease("m-2", "2024-04-01T00:47:00Z")));
    assertThat(engine.startedSql()).isEmpty();
  }

  @Test
  void aTakeOverWhoseReplaceLandedButWhoseAnswerWasLostFindsItsOwnLeaseAndBuilds() {
    store
        .put(LOCK, lease("m-crashed", "2024-04-01T00:30:59Z"))
        .loseAnswerOf("replaceIfMatch " + LOCK);
    engine.willRun(SUCCEEDED);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(journal.entries())
        .startsWith(
            "createIfAbsent " + LOCK,
            "readVersioned " + LOCK,
            "replaceIfMatch " + LOCK,
            "readVersioned " + LOCK,
            "read " + STATE);
    assertThat(store.objects()).doesNotContainKey(LOCK);
  }

  @Test
  void aCreateThatLandedButWhoseAnswerWasLostFindsItsOwnLeaseAndBuilds() {
    store.loseAnswerOf("createIfAbsent " + LOCK);
    engine.willRun(SUCCEEDED);

    BuildResult result = builder.build(request("m-1", false));

    assertThat(result.queryExecutionId()).isEqualTo("q1");
    assertThat(journal.entries())
        .startsWith("createIfAbsent " + LOCK, "readVersioned " + LOCK, "read " + STATE);
    assertThat(store.objects()).doesNotContainKey(LOCK);
  }

  @Test
  void ofTwoBuildsTakingOverTheSameExpiredLeaseAtOnceExactlyOneBuildsAndTheOtherIsBusy()
      throws Exception {
    racingBuilds(List.of("m-a", "m-b"), lease("m-crashed", "2024-04-01T00:30:59Z"));
  }

  @Test
  void aLockOnOneMonthDoesNotBlockABuildOfAnother() {
    store.put(LOCK, lease("m-other", "2024-04-01T00:40:00Z"));
    engine
        .willRun(SUCCEEDED)
        .onSuccess(id -> store.put("cloudtrail_monthly/_staging/2024/04/" + id + "-bucket-0", 5));

    BuildResult result =
        builder.build(
            new BuildRequest(
                YearMonth.of(2024, 4), "m-1", false, clock.instant().plus(Duration.ofMinutes(14))));

    assertThat(result.objectsCopied()).isEqualTo(1);
    assertThat(store.objects()).containsKey(LOCK).doesNotContainKey(LOCKS + "2024/04");
  }

  @Test
  void ofTwoBuildsOfOneMonthStartedAtOnceExactlyOneBuildsAndTheOtherIsBusy() throws Exception {
    racingBuilds(List.of("m-a", "m-b"));
  }

  @Test
  void ofTwoDeliveriesOfTheSameMessageStartedAtOnceExactlyOneBuildsAndTheOtherIsBusy()
      throws Exception {
    // SQS standard queues deliver at least once: the same messageId can arrive twice at the same
    // time.
    racingBuilds(List.of("m-dup", "m-dup"));
  }

  private void racingBuilds(List<String> requestKeys) throws Exception {
    racingBuilds(requestKeys, null);
  }

  /**
   * Two builds started at once, 50 rounds; {@code staleLease}, if not null, is a lock a crashed
   * build left.
   */
  private void racingBuilds(List<String> requestKeys, byte[] staleLease) throws Exception {
    for (int round = 0; round < 50; round++) {
      Journal sharedJournal = new Journal();
      FakeObjectStore shared = new FakeObjectStore(sharedJournal).put(PARTITION + "old-1", 100);
      if (staleLease != null) {
        shared.put(LOCK, staleLease);
      }
      CyclicBarrier bothRead = new CyclicBarrier(2);
      CyclicBarrier start = new CyclicBarrier(2);
      CountDownLatch loserDone = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<BuildResult>> builds = new ArrayList<>();
        for (int i = 0; i < requestKeys.size(); i++) {
          String key = requestKeys.get(i);
          String file = "build-" + i + "-bucket-0";
          Journal own = new Journal();
          FakeQueryEngine e =
              new FakeQueryEngine(own, clock)
                  .willRun(SUCCEEDED)
                  .onSuccess(
                      id -> {
                        // The winner holds the lock until the other has given up, so the two surely
                        // overlap.
                        await(loserDone);
                        shared.put(STAGING + file, 10);
                      });
          PartitionBuilder b =
              builder(
                  staleLease == null ? shared : replacingTogether(shared, bothRead),
                  new FakeCatalog(own),
                  e,
                  1);
          builds.add(
              threads.submit(
                  () -> {
                    start.await(5, TimeUnit.SECONDS);
                    try {
                      return b.build(request(key, false));
                    } catch (MonthBusyException busy) {
                      loserDone.countDown();
                      throw busy;
                    }
                  }));
        }
        List<BuildResult> built = new ArrayList<>();
        List<Throwable> busy = new ArrayList<>();
        for (Future<BuildResult> build : builds) {
          try {
            built.add(build.get(10, TimeUnit.SECONDS));
          } catch (ExecutionException e) {
            busy.add(e.getCause());
          }
        }
        assertThat(built).as("round " + round).hasSize(1);
        assertThat(busy)
            .as("round " + round)
            .singleElement()
            .isInstanceOf(MonthBusyException.class);
        // Exactly one build's file replaced the old one, and the lock is gone.
        assertThat(shared.objects().keySet())
            .as("round " + round)
            .isIn(Set.of(PARTITION + "build-0-bucket-0"), Set.of(PARTITION + "build-1-bucket-0"));
        if (staleLease != null) {
          // Both replaced the stale lease they read, with its version: one won, the other found it
          // changed.
          assertThat(sharedJournal.entries())
              .as("round " + round)
              .filteredOn(e -> e.startsWith("replaceIfMatch "))
              .hasSize(2);
          assertThat(sharedJournal.entries())
              .as("round " + round)
              .filteredOn(e -> e.startsWith("createIfAbsent "))
              .hasSize(2);
          assertThat(sharedJournal.entries())
              .as("round " + round)
              .noneMatch(e -> e.startsWith("deleteKeys " + LOCKS));
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /**
   * The store, but each replaceIfMatch waits until both builds got there: both have read the same
   * stale lease, so their replaces race every round rather than now and then.
   */
  private static ObjectStore replacingTogether(ObjectStore store, CyclicBarrier bothRead) {
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("replaceIfMatch")) {
                bothRead.await(5, TimeUnit.SECONDS);
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("the other build never gave up");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The keys a rebuild of March must never touch: everything outside its partition and staging
   * prefixes and its state.
   */
  private static Map<String, Long> outside(Map<String, Long> objects) {
    return objects.entrySet().stream()
        .filter(
            e ->
                !e.getKey().startsWith(STAGING)
                    && !e.getKey().startsWith(PARTITION)
                    && !e.getKey().equals(STATE))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
