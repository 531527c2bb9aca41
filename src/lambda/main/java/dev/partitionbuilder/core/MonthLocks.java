package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;

/**
 * The months' locks as an operator sees them: who holds a month, and removing a lock that no build
 * holds any more (its holder crashed or was killed). Removing deletes exactly the version that was
 * read, so a lock that changed in between (a build took the month) is left in place.
 */
public final class MonthLocks {
  private final TableLayout layout;
  private final ObjectStore store;
  private final Clock clock;
  private final LockHolders holders;

  public MonthLocks(TableLayout layout, ObjectStore store, Clock clock, LockHolders holders) {
    this.layout = requireNonNull(layout, "layout is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.holders = requireNonNull(holders, "holders is null");
  }

  /**
   * A lock as read.
   *
   * @param lease what it says, or empty when it is not a lease (see {@code unreadable})
   * @param unreadable why the content is no lease (such as an empty file a full disk left)
   * @param holderGone whether its holder process is known to have ended
   */
  public record Found(
      String location,
      String version,
      Optional<Lease> lease,
      Optional<String> unreadable,
      boolean expired,
      boolean holderGone) {
    /**
     * Whether a build may still hold it: a readable lease, neither run out nor left by a process
     * that is gone.
     */
    public boolean live() {
      return lease.isPresent() && !expired && !holderGone;
    }

    /** "owner cli-1, pid 42 on host-a, started ..., until ... (its process is gone)", one line. */
    public String describe() {
      if (lease.isEmpty()) {
        return "not a lease (" + unreadable.orElse("unreadable") + ")";
      }
      return lease.get().describe()
          + (holderGone ? " (its process is gone)" : expired ? " (its lease ran out)" : "");
    }
  }

  /** What a lease names, for printing. */
  public record Lease(String owner, Optional<LockHolders.Holder> holder, Instant expiresAt) {
    String describe() {
      return "owner " + owner + holder.map(h -> ", " + h).orElse("") + ", until " + expiresAt;
    }
  }

  /** Where the month's lock is (an s3:// URI, or a file: URI locally). */
  public String location(YearMonth month) {
    return layout.location(layout.lockKey(month));
  }

  public Optional<Found> find(YearMonth month) {
    String key = layout.lockKey(month);
    return store
        .readVersioned(key)
        .map(
            object -> {
              MonthLock.Lease lease;
              try {
                lease = MonthLock.decode(layout, month, key, object.content());
              } catch (PartitionBuilderException e) {
                return new Found(
                    layout.location(key),
                    object.version(),
                    Optional.empty(),
                    Optional.of(
                        object.content().length == 0
                            ? "empty"
                            : SafeText.of(String.valueOf(e.getCause()))),
                    false,
                    false);
              }
              return new Found(
                  layout.location(key),
                  object.version(),
                  Optional.of(new Lease(lease.owner(), lease.holder(), lease.expiresAt())),
                  Optional.empty(),
                  !lease.expiresAt().isAfter(clock.instant()),
                  lease.holder().map(holders::isGone).orElse(false));
            });
  }

  /**
   * Deletes the lock if it is still exactly as {@code found} read it; false when it changed or went
   * since.
   */
  public boolean remove(YearMonth month, Found found) {
    requireNonNull(found, "found is null");
    return store.deleteIfMatch(layout.lockKey(month), found.version());
  }

  /**
   * Deletes the lock if its lease names {@code owner}: for a build that has ended and whose own
   * release may have failed (an interrupted thread cannot read or write files). Safe because an
   * owner (a message id, or a CLI run's random id) belongs to one build.
   *
   * @return true when it deleted the lock
   */
  public boolean releaseIfOwnedBy(YearMonth month, String owner) {
    requireNonNull(owner, "owner is null");
    Optional<Found> found = find(month);
    return found.isPresent()
        && found.get().lease().map(l -> l.owner().equals(owner)).orElse(false)
        && remove(month, found.get());
  }

  /** Where the month's saved build state is, when there is one. */
  public Optional<String> savedState(YearMonth month) {
    String key = layout.stateKey(month);
    return store.read(key).map(content -> layout.location(key));
  }
}
