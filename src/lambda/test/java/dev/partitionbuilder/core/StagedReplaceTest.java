package dev.partitionbuilder.core;

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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replace of a partition by a succeeded query's staged files, through the builder: what a
 * resumed replace trusts, which keys it refuses before touching anything, and how it stops (the
 * deadline, an interrupt, a lost lease) leaving the partition as it was.
 */
class StagedReplaceTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String PARTITION = "cloudtrail_monthly/2024/03/";
  private static final String STAGING = "cloudtrail_monthly/_staging/2024/03/";
  private static final String LOCK = "cloudtrail_monthly/_locks/2024/03";
  private static final String STATE = "cloudtrail_monthly/_state/2024/03.json";
  private static final String TEMP = "cloudtrail.cloudtrail_monthly_temp_202403";
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final BuildSettings SETTINGS =
      BuildSettings.defaults(new PollPolicy(Duration.ofMillis(500), Duration.ofSeconds(4)));

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T00:31:00Z"));
  private FakeObjectStore store;
  private FakeCatalog catalog;
  private FakeQueryEngine engine;

  @BeforeEach
  void setUp() {
    store =
        new FakeObjectStore(journal)
            .put(PARTITION + "old-1", bytes(100, 'o'))
            .put(PARTITION + "old-2", bytes(100, 'p'));
    catalog = new FakeCatalog(journal);
    engine = new FakeQueryEngine(journal, clock).onSuccess(this::stageFourFiles);
  }

  private void stageFourFiles(String id) {
    for (int i = 0; i < 4; i++) {
      store.put(STAGING + id + "-bucket-" + i, bytes(500 + i, (char) ('a' + i)));
    }
  }

  private static byte[] bytes(int size, char fill) {
    return String.valueOf(fill).repeat(size).getBytes(StandardCharsets.UTF_8);
  }

  private PartitionBuilder builder(BuildSettings settings, ObjectStore objects, Sleeper sleeper) {
    return new PartitionBuilder(
        LAYOUT, CtasTemplate.bundled(), objects, catalog, engine, settings, clock, sleeper);
  }

  private PartitionBuilder builder(BuildSettings settings) {
    return builder(settings, store, clock::advance);
  }

  private BuildRequest request(String key) {
    return new BuildRequest(MARCH, key, false, clock.instant().plus(Duration.ofMinutes(14)));
  }

  private Map<String, Long> partition() {
    return store.objects().entrySet().stream()
        .filter(e -> e.getKey().startsWith(PARTITION))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private BuildCheckpoint.Phase savedPhase() {
    return new BuildCheckpoint(LAYOUT, store).read(MARCH).orElseThrow().phase();
  }

  @Test
  void aResumedReplaceCopiesAgainACopyThatAKilledAttemptLeftTruncatedBeforeDeletingAnythingOld() {
    // The first attempt dies while copying bucket-1: what it wrote of the copy stays (10 of 501
    // bytes), and its undo cannot remove it, as after a kill -9.
    store.before(
        "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
        () -> {
          store.put(PARTITION + "q1-bucket-1", bytes(10, 'b'));
          throw new PartitionBuilderException("killed mid-copy");
        });
    store.failDeleting(PARTITION + "q1-bucket-1");
    assertThatThrownBy(() -> builder(SETTINGS.withCopyThreads(1)).build(request("m-1")))
        .hasMessageContaining(
            "copying "
                + STAGING
                + "q1-bucket-1 failed after 1 of 4 file(s); removing the copies "
                + "failed too (Cannot delete "
                + PARTITION
                + ": 1 of 2 key(s) failed, first: AccessDenied on "
                + PARTITION
                + "q1-bucket-1), so s3://bucket/"
                + PARTITION
                + " holds its old objects and up to 2 new file(s)");
    assertThat(partition())
        .containsEntry(PARTITION + "q1-bucket-1", 10L)
        .containsKeys(PARTITION + "old-1");
    assertThat(savedPhase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
    store.failDeleting(null);
    journal.clear();

    BuildResult result = builder(SETTINGS.withCopyThreads(1)).build(request("m-2"));

    assertThat(journal.entries())
        .containsSubsequence(
            "isCopyOf " + PARTITION + "q1-bucket-1 <- " + STAGING + "q1-bucket-1",
            "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
            "deleteKeys " + PARTITION + " [" + PARTITION + "old-1, " + PARTITION + "old-2]");
    assertThat(partition())
        .isEqualTo(
            Map.of(
                PARTITION + "q1-bucket-0",
                500L,
                PARTITION + "q1-bucket-1",
                501L,
                PARTITION + "q1-bucket-2",
                502L,
                PARTITION + "q1-bucket-3",
                503L));
    assertThat(store.read(PARTITION + "q1-bucket-1"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes(501, 'b')));
    assertThat(result.objectsCopied()).isEqualTo(4);
    assertThat(engine.startedSql()).hasSize(1);
  }

  @Test
  void aQueryThatReportsRowsButLeftNothingInStagingNeverEmptiesThePartition() {
    engine.onSuccess(id -> {}).rows(1234);
    Map<String, Long> before = partition();

    assertThatThrownBy(() -> builder(SETTINGS).build(request("m-1")))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot replace 2024-03: the query reported 1234 row(s) but left no file under s3://bucket/"
                + STAGING
                + " (does the template write to external_location = '{{location}}'?): leaving the previous partition as it was");

    assertThat(partition()).isEqualTo(before);
    assertThat(journal.entries())
        .noneMatch(e -> e.startsWith("copy ") || e.startsWith("deleteKeys " + PARTITION));
    assertThat(store.objects()).doesNotContainKeys(STATE, LOCK);
  }

  @Test
  void onlyEmptyStagedFilesAreNoOutputEither() {
    engine.onSuccess(id -> store.put(STAGING + id + "-bucket-0", 0));

    assertThatThrownBy(() -> builder(SETTINGS).build(request("m-1")))
        .hasMessageContaining("but left 1 empty file(s) under s3://bucket/" + STAGING);
    assertThat(partition()).containsOnlyKeys(PARTITION + "old-1", PARTITION + "old-2");
  }

  @Test
  void aFolderMarkerThatTheConsoleMadeIsDeletedWithTheOldObjects() {
    store.put(PARTITION, 0).put(PARTITION + "sub/", 0);

    BuildResult result = builder(SETTINGS).build(request("m-1"));

    assertThat(partition())
        .containsOnlyKeys(
            PARTITION + "q1-bucket-0",
            PARTITION + "q1-bucket-1",
            PARTITION + "q1-bucket-2",
            PARTITION + "q1-bucket-3");
    assertThat(store.objects()).doesNotContainKeys(PARTITION, PARTITION + "sub/", STATE, LOCK);
    assertThat(result.oldObjectsDeleted()).isEqualTo(4);
  }

  @Test
  void aKeyWithADotSegmentIsRefusedBeforeAnyCopyAndTheNextBuildFinishesWithoutANewQuery() {
    store.put(PARTITION + "./stray", 10);
    Map<String, Long> before = partition();

    assertThatThrownBy(() -> builder(SETTINGS).build(request("m-1")))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessage(
            "Cannot replace 2024-03: the partition holds the object \""
                + PARTITION
                + "./stray\", whose name has "
                + "an empty, '.' or '..' path segment that the builder will not delete (a file system would resolve it "
                + "elsewhere); remove it by hand and run again: nothing was changed");
    assertThat(partition()).isEqualTo(before);
    assertThat(journal.entries())
        .noneMatch(e -> e.startsWith("copy ") || e.startsWith("deleteKeys " + PARTITION));
    assertThat(store.objects()).doesNotContainKey(LOCK);

    store.deleteKeys(PARTITION, java.util.List.of(PARTITION + "./stray"));
    builder(SETTINGS).build(request("m-2"));

    assertThat(engine.startedSql()).hasSize(1);
    assertThat(partition())
        .hasSize(4)
        .allSatisfy((key, size) -> assertThat(key).startsWith(PARTITION + "q1-bucket-"));
  }

  @Test
  void noCopyStartsAtTheDeadlineAndTheNextAttemptFinishesTheReplaceWithoutANewQuery() {
    engine.onSuccess(
        id -> {
          stageFourFiles(id);
          clock.advance(Duration.ofMinutes(15));
        });
    Map<String, Long> before = partition();

    assertThatThrownBy(() -> builder(SETTINGS).build(request("m-1")))
        .isInstanceOf(PartitionBuilderException.class)
        .hasMessageStartingWith(
            "Cannot finish replacing 2024-03 before the deadline 2024-04-01T00:45:00Z: stopped after "
                + "copying 0 of 4 file(s); the previous partition is as it was; the next attempt finishes the replace "
                + "without a new query");
    assertThat(partition()).isEqualTo(before);
    assertThat(savedPhase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
    assertThat(store.objects()).doesNotContainKey(LOCK);

    builder(SETTINGS).build(request("m-2"));

    assertThat(engine.startedSql()).hasSize(1);
    assertThat(partition())
        .hasSize(4)
        .allSatisfy((key, size) -> assertThat(key).startsWith(PARTITION + "q1-bucket-"));
  }

  @Test
  void copiesStopStartingAtTheDeadlineAndTheOnesMadeAreRemoved() {
    store.before(
        "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
        () -> clock.advance(Duration.ofMinutes(15)));
    Map<String, Long> before = partition();

    assertThatThrownBy(() -> builder(SETTINGS.withCopyThreads(1)).build(request("m-1")))
        .hasMessageContaining(
            "before the deadline 2024-04-01T00:45:00Z: stopped after copying 2 of 4 file(s); its "
                + "copies were removed (2 key(s)) and the previous partition is as it was");

    assertThat(partition()).isEqualTo(before);
    assertThat(journal.entries()).noneMatch(e -> e.contains("-> " + PARTITION + "q1-bucket-2"));
  }

  @Test
  void anInterruptWhileTheQueryRunsStopsItForgetsItAndReleasesTheLock() {
    engine.willRun(RUNNING, RUNNING, SUCCEEDED);
    PartitionBuilder interrupted =
        builder(
            SETTINGS,
            store,
            d -> {
              throw new InterruptedException("Ctrl-C");
            });

    assertThatThrownBy(() -> interrupted.build(request("m-1")))
        .isInstanceOf(BuildInterruptedException.class)
        .hasMessage(
            "Interrupted while query q1 of 2024-03 ran: it was stopped, the partition is as it was, and the "
                + "next run starts the month over");

    assertThat(journal.entries())
        .containsSubsequence("stop q1", "get q1 CANCELLED", "drop " + TEMP);
    assertThat(store.objects()).doesNotContainKeys(LOCK, STATE);
    assertThat(partition()).containsOnlyKeys(PARTITION + "old-1", PARTITION + "old-2");
  }

  @Test
  void anInterruptWhileCopyingRemovesTheCopiesKeepsTheStateAndReleasesTheLock() {
    Thread building = Thread.currentThread();
    store.before(
        "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1", building::interrupt);
    Map<String, Long> before = partition();

    assertThatThrownBy(() -> builder(SETTINGS.withCopyThreads(1)).build(request("m-1")))
        .isInstanceOf(BuildInterruptedException.class)
        .hasMessageStartingWith(
            "Interrupted while replacing 2024-03: stopped after copying 2 of 4 file(s); its copies "
                + "were removed (2 key(s)) and the previous partition is as it was; the next attempt finishes the replace");

    assertThat(partition()).isEqualTo(before);
    assertThat(savedPhase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
    assertThat(store.objects()).doesNotContainKey(LOCK);
  }

  @Test
  void aLeaseRunningLowIsRenewedBeforeTheCopiesAndTheReleaseDeletesTheRenewedOne() {
    // 10 of the 16 minutes of the lease pass in the query: less than half is left.
    engine.onSuccess(
        id -> {
          stageFourFiles(id);
          clock.advance(Duration.ofMinutes(10));
        });
    StringBuilder leaseWhileCopying = new StringBuilder();
    store.before(
        "copy " + STAGING + "q1-bucket-0 -> " + PARTITION + "q1-bucket-0",
        () ->
            leaseWhileCopying.append(
                new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8)));

    builder(SETTINGS.withCopyThreads(1)).build(request("m-1"));

    assertThat(leaseWhileCopying.toString()).endsWith("\"expiresAt\":\"2024-04-01T00:57:00Z\"}");
    assertThat(journal.entries())
        .contains("replaceIfMatch " + LOCK)
        .endsWith("deleteIfMatch " + LOCK);
    assertThat(store.objects()).doesNotContainKey(LOCK);
  }

  @Test
  void aLeaseRunningLowWhileCopiesRunIsRenewedBetweenThem() {
    // 9 minutes pass in the second copy: 7 of the lease's 16 are left, less than half.
    store.before(
        "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
        () -> clock.advance(Duration.ofMinutes(9)));
    StringBuilder leaseAtTheLastCopy = new StringBuilder();
    store.before(
        "copy " + STAGING + "q1-bucket-3 -> " + PARTITION + "q1-bucket-3",
        () ->
            leaseAtTheLastCopy.append(
                new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8)));

    builder(SETTINGS.withCopyThreads(1)).build(request("m-1"));

    assertThat(leaseAtTheLastCopy.toString()).endsWith("\"expiresAt\":\"2024-04-01T00:56:00Z\"}");
    assertThat(partition()).hasSize(4);
  }

  @Test
  void aBuildWhoseLeaseIsTakenOverWhileCopyingStopsAndLeavesItsCopiesToTheBuildThatHoldsTheMonth() {
    store.before(
        "copy " + STAGING + "q1-bucket-1 -> " + PARTITION + "q1-bucket-1",
        () -> {
          clock.advance(StagedReplace.CONFIRM_EVERY);
          store.deleteKeys("cloudtrail_monthly/_locks/", java.util.List.of(LOCK));
          store.createIfAbsent(
              LOCK,
              "{\"owner\":\"m-2\",\"expiresAt\":\"2024-04-01T01:30:00Z\"}"
                  .getBytes(StandardCharsets.UTF_8));
        });

    assertThatThrownBy(() -> builder(SETTINGS.withCopyThreads(1)).build(request("m-1")))
        .isInstanceOf(LockLostException.class)
        .hasMessageContaining(
            "before copying into the partition: the lock s3://bucket/"
                + LOCK
                + " no longer holds "
                + "this build's lease")
        .hasMessageEndingWith(
            "; 2 of 4 file(s) were copied into s3://bucket/"
                + PARTITION
                + " and are left for that "
                + "build, which finishes or removes them");

    assertThat(partition())
        .containsKeys(
            PARTITION + "old-1",
            PARTITION + "old-2",
            PARTITION + "q1-bucket-0",
            PARTITION + "q1-bucket-1")
        .hasSize(4);
    assertThat(journal.entries()).noneMatch(e -> e.startsWith("deleteKeys " + PARTITION));
    assertThat(new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8)).contains("m-2");
    assertThat(savedPhase()).isEqualTo(BuildCheckpoint.Phase.REPLACE);
  }

  @Test
  void copiesRunInParallelUpToTheConfiguredThreads() {
    engine.onSuccess(
        id -> {
          for (int i = 0; i < 24; i++) {
            store.put(STAGING + id + "-bucket-" + i, 100);
          }
        });
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ObjectStore slowCopies =
        (ObjectStore)
            Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                  boolean copy = method.getName().equals("copy");
                  if (copy) {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  } finally {
                    if (copy) {
                      running.decrementAndGet();
                    }
                  }
                });

    BuildResult result =
        builder(SETTINGS.withCopyThreads(4), slowCopies, clock::advance).build(request("m-1"));

    assertThat(result.objectsCopied()).isEqualTo(24);
    assertThat(most.get()).isBetween(2, 4);
    assertThat(partition()).hasSize(24);
  }
}
