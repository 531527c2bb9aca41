package dev.partitionbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partitionbuilder.testing.FakeObjectStore;
import dev.partitionbuilder.testing.Journal;
import dev.partitionbuilder.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The month lock with holders the wiring can judge: whose process took it, and taking over one
 * whose process is gone.
 */
class MonthLockHoldersTest {
  private static final TableLayout LAYOUT =
      new TableLayout(
          "cloudtrail",
          "cloudtrail_daily",
          "cloudtrail_monthly",
          "s3://bucket/",
          "cloudtrail_monthly/");
  private static final YearMonth MARCH = YearMonth.of(2024, 3);
  private static final String LOCK = "cloudtrail_monthly/_locks/2024/03";
  private static final Instant NOW = Instant.parse("2024-04-01T00:00:00Z");
  private static final LockHolders.Holder ME =
      new LockHolders.Holder("host-a", 42, Instant.parse("2024-03-31T23:00:00Z"));
  private static final LockHolders.Holder OTHER =
      new LockHolders.Holder("host-a", 7, Instant.parse("2024-03-31T22:00:00Z"));

  private final FakeObjectStore store = new FakeObjectStore(new Journal());
  private final MutableClock clock = new MutableClock(NOW);
  private final Set<LockHolders.Holder> gone = new HashSet<>();
  private final LockHolders holders =
      new LockHolders() {
        @Override
        public Optional<Holder> self() {
          return Optional.of(ME);
        }

        @Override
        public boolean isGone(Holder holder) {
          return gone.contains(holder);
        }
      };

  private MonthLock lock(LockHolders holders) {
    return new MonthLock(LAYOUT, store, clock, Duration.ofMinutes(16), holders);
  }

  private String lockJson() {
    return new String(store.read(LOCK).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void aLeaseNamesTheProcessThatTookIt() {
    lock(holders).acquire(MARCH, "cli-1", NOW);

    assertThat(lockJson())
        .endsWith(
            "\"holder\":{\"host\":\"host-a\",\"pid\":42,\"startedAt\":\"2024-03-31T23:00:00Z\"}}");
  }

  @Test
  void aLeaseOfAWiringThatNamesNoProcessHasNoHolder() {
    lock(LockHolders.NONE).acquire(MARCH, "m-1", NOW);

    assertThat(lockJson()).doesNotContain("holder");
  }

  @Test
  void aLiveLeaseWhoseProcessIsGoneIsTakenOverAtOnce() {
    new MonthLock(LAYOUT, store, clock, Duration.ofMinutes(16), fixed(OTHER))
        .acquire(MARCH, "cli-killed", NOW);
    gone.add(OTHER);

    MonthLock.Lease mine = lock(holders).acquire(MARCH, "cli-2", NOW);

    assertThat(mine.owner()).isEqualTo("cli-2");
    assertThat(lockJson()).contains("\"owner\":\"cli-2\"").contains("\"pid\":42");
  }

  @Test
  void aLiveLeaseWhoseProcessRunsIsBusyAndTheErrorNamesItsProcessAndTheUnlockCommand() {
    new MonthLock(LAYOUT, store, clock, Duration.ofMinutes(16), fixed(OTHER))
        .acquire(MARCH, "cli-running", NOW);

    assertThatThrownBy(() -> lock(holders).acquire(MARCH, "cli-2", NOW))
        .isInstanceOf(MonthBusyException.class)
        .hasMessage(
            "Cannot build 2024-03: another build holds the lock s3://bucket/cloudtrail_monthly/_locks/2024/03 "
                + "(owner cli-running, pid 7 on host-a, started 2024-03-31T22:00:00Z, until 2024-04-01T00:16:00Z); if no "
                + "build of 2024-03 is running, remove it with: partition-builder unlock --month 2024-03");
    assertThat(lockJson()).contains("\"owner\":\"cli-running\"");
  }

  @Test
  void theLambdaWiringDeclaresNoHolderGone() {
    new MonthLock(LAYOUT, store, clock, Duration.ofMinutes(16), fixed(OTHER))
        .acquire(MARCH, "cli-killed", NOW);
    gone.add(OTHER);

    assertThatThrownBy(() -> lock(LockHolders.NONE).acquire(MARCH, "m-1", NOW))
        .isInstanceOf(MonthBusyException.class);
  }

  @Test
  void anOwnReleaseStillWorksWithAHolderInTheLease() {
    MonthLock lock = lock(holders);
    MonthLock.Lease mine = lock.acquire(MARCH, "cli-1", NOW);

    lock.release(MARCH, mine);

    assertThat(store.read(LOCK)).isEmpty();
  }

  @Test
  void monthLocksTellsALiveLockFromOneWhoseProcessIsGoneAndRemovesExactlyTheVersionRead() {
    new MonthLock(LAYOUT, store, clock, Duration.ofMinutes(16), fixed(OTHER))
        .acquire(MARCH, "cli-x", NOW);
    MonthLocks locks = new MonthLocks(LAYOUT, store, clock, holders);

    MonthLocks.Found live = locks.find(MARCH).orElseThrow();
    assertThat(live.live()).isTrue();
    gone.add(OTHER);
    MonthLocks.Found left = locks.find(MARCH).orElseThrow();
    assertThat(left.live()).isFalse();
    assertThat(left.describe()).endsWith("(its process is gone)");

    store.put(
        LOCK,
        "{\"owner\":\"cli-y\",\"expiresAt\":\"2024-04-01T01:00:00Z\"}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(locks.remove(MARCH, left)).isFalse();
    assertThat(lockJson()).contains("cli-y");
  }

  @Test
  void monthLocksReadsAnEmptyLockFileAsNoLeaseThatNoBuildHolds() {
    store.put(LOCK, new byte[0]);

    MonthLocks.Found found =
        new MonthLocks(LAYOUT, store, clock, holders).find(MARCH).orElseThrow();

    assertThat(found.live()).isFalse();
    assertThat(found.describe()).isEqualTo("not a lease (empty)");
  }

  private static LockHolders fixed(LockHolders.Holder self) {
    return new LockHolders() {
      @Override
      public Optional<Holder> self() {
        return Optional.of(self);
      }

      @Override
      public boolean isGone(Holder holder) {
        return false;
      }
    };
  }
}
