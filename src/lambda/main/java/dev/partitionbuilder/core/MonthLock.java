package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build per month at a time, for every trigger: a lease written with a conditional create at
 * {@link TableLayout#lockKey}. Whoever creates the object holds the month until it deletes it or
 * its lease ({@code expiresAt}) runs out, which covers a holder that crashed.
 *
 * <p>Every change to a lock that exists is conditioned on the version (on S3 the ETag) it was read
 * at. Taking over an expired lease replaces exactly the stale lease that was read, so of two builds
 * that see it at once one wins and the other finds the winner's lease and is busy. Releasing
 * deletes exactly the lease this build read as its own, so a lock another build took over in
 * between is left in place. What stays open is in docs/resuming-and-recovery.md: a build that
 * outlives its lease can meet a second build of the month.
 */
final class MonthLock {
  private static final Logger log = LoggerFactory.getLogger(MonthLock.class);

  private final TableLayout layout;
  private final ObjectStore store;
  private final Clock clock;
  private final Duration lease;
  private final LockHolders holders;

  MonthLock(TableLayout layout, ObjectStore store, Clock clock, Duration lease) {
    this(layout, store, clock, lease, LockHolders.NONE);
  }

  /**
   * @param holders names this process in each lease, and tells which holders are gone (taken over
   *     at once)
   */
  MonthLock(
      TableLayout layout, ObjectStore store, Clock clock, Duration lease, LockHolders holders) {
    this.layout = requireNonNull(layout, "layout is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.lease = requireNonNull(lease, "lease is null");
    Config.requireLockLease(lease);
    this.holders = requireNonNull(holders, "holders is null");
  }

  /**
   * What a lock object holds.
   *
   * @param attempt random per acquire, so two deliveries of one message never share a lease
   * @param holder the process that took it, when the wiring could name it
   */
  record Lease(
      String owner, String attempt, Instant expiresAt, Optional<LockHolders.Holder> holder) {
    Lease {
      requireNonNull(holder, "holder is null");
    }

    Lease(String owner, String attempt, Instant expiresAt) {
      this(owner, attempt, expiresAt, Optional.empty());
    }

    /** "owner m-1, pid 42 on host-a, started ..., until ...", as errors and logs name a lease. */
    String describe() {
      return "owner " + owner + holder.map(h -> ", " + h).orElse("") + ", until " + expiresAt;
    }
  }

  /** A lease as read, with the version of the object it was read from. */
  record Held(Lease lease, String version) {}

  /**
   * Takes the month's lock for {@code owner}, or throws {@link MonthBusyException} touching nothing
   * else.
   *
   * @param holdUntil the lease lasts at least until then, and at least the configured lease from
   *     now
   */
  Lease acquire(YearMonth month, String owner, Instant holdUntil) {
    String key = layout.lockKey(month);
    Instant now = clock.instant();
    Instant expiresAt = now.plus(lease);
    Lease mine =
        new Lease(
            owner,
            UUID.randomUUID().toString(),
            holdUntil.isAfter(expiresAt) ? holdUntil : expiresAt,
            holders.self());
    if (store.createIfAbsent(key, encode(mine))) {
      return took(key, mine);
    }
    Optional<Held> held = read(month, key);
    // A live lease is never taken over, not even one of the same messageId: SQS may deliver one
    // message twice at once, and a delivery that died holding the lock comes back after the
    // visibility timeout, which the template keeps longer than the lease.
    if (held.isEmpty()) {
      // Released since our create.
      if (store.createIfAbsent(key, encode(mine))) {
        return took(key, mine);
      }
      held = read(month, key);
    } else if (!held.get().lease().expiresAt().isAfter(now) || holderGone(held.get().lease())) {
      Lease stale = held.get().lease();
      log.warn(
          "step=lock taking over {} from {}: {}",
          layout.location(key),
          stale.describe(),
          stale.expiresAt().isAfter(now)
              ? "the process that held it is gone"
              : "its lease ran out");
      // Only the stale lease we read is replaced: of builds taking it over at once, one wins.
      if (store.replaceIfMatch(key, encode(mine), held.get().version())) {
        return took(key, mine);
      }
      held = read(month, key);
    }
    // Our own lease when the write landed but its answer was lost: the SDK's retry of a conditional
    // write that succeeded meets 412. The attempt id is ours alone.
    if (held.isPresent() && held.get().lease().equals(mine)) {
      return took(key, mine);
    }
    String holder = held.map(h -> h.lease().describe()).orElse("owner unknown");
    throw new MonthBusyException(
        "Cannot build "
            + month
            + ": another build holds the lock "
            + layout.location(key)
            + " ("
            + holder
            + "); if no build of "
            + month
            + " is running, remove it with: "
            + MonthBusyException.unlockCommand(month));
  }

  /** Whether the wiring knows the lease's holder has ended: such a lease protects nothing. */
  boolean holderGone(Lease lease) {
    return lease.holder().isPresent() && holders.isGone(lease.holder().get());
  }

  private Lease took(String key, Lease mine) {
    log.info("step=lock took {} until {}", layout.location(key), mine.expiresAt());
    return mine;
  }

  /**
   * Deletes the lock if it still holds {@code mine}, and only the version read holding it; a lock
   * that is gone or another's (our lease ran out and another build took over, before or after our
   * read) is left alone.
   */
  void release(YearMonth month, Lease mine) {
    String key = layout.lockKey(month);
    Optional<Held> held = read(month, key);
    if (held.isEmpty() || !held.get().lease().equals(mine)) {
      log.warn(
          "step=unlock left {} as it is: it no longer holds this build's lease ({}); the lease until {} "
              + "ran out before the build ended",
          layout.location(key),
          held.map(h -> h.lease().describe()).orElse("gone"),
          mine.expiresAt());
    } else if (store.deleteIfMatch(key, held.get().version())) {
      log.info("step=unlock released {}", layout.location(key));
    } else {
      // Another build took the month over once our lease ran out, or a retried delete found it
      // gone.
      log.warn(
          "step=unlock left {} as it is: it changed or went after this build read its own lease there "
              + "(lease until {})",
          layout.location(key),
          mine.expiresAt());
    }
  }

  /**
   * The fence before a destructive step: throws {@link LockLostException} unless the lock still
   * holds {@code mine}, so a build whose lease ran out and was taken over never touches the
   * partition again. When less than half the configured lease is left, the lease is renewed (a
   * replace of exactly the version read, so a takeover in between wins and this build stops).
   *
   * @param before the step about to run, for the message
   * @return the lease this build holds now: {@code mine}, or its renewal
   */
  Lease confirm(YearMonth month, Lease mine, String before) {
    String key = layout.lockKey(month);
    Optional<Held> held = read(month, key);
    if (held.isEmpty() || !held.get().lease().equals(mine)) {
      throw lost(month, key, mine, before, held);
    }
    Instant now = clock.instant();
    if (Duration.between(now, mine.expiresAt()).compareTo(lease.dividedBy(2)) >= 0) {
      return mine;
    }
    Lease renewed = new Lease(mine.owner(), mine.attempt(), now.plus(lease), mine.holder());
    if (!store.replaceIfMatch(key, encode(renewed), held.get().version())) {
      Optional<Held> after = read(month, key);
      // A renewal whose answer was lost: the lock holds it already.
      if (after.isPresent() && after.get().lease().equals(renewed)) {
        return renewed;
      }
      throw lost(month, key, mine, before, after);
    }
    log.info("step=lock renewed {} until {}", layout.location(key), renewed.expiresAt());
    return renewed;
  }

  private LockLostException lost(
      YearMonth month, String key, Lease mine, String before, Optional<Held> held) {
    return new LockLostException(
        "Cannot go on with "
            + month
            + " before "
            + before
            + ": the lock "
            + layout.location(key)
            + " no longer holds this build's lease (until "
            + mine.expiresAt()
            + "; now "
            + held.map(h -> h.lease().describe()).orElse("gone")
            + "), so this build stopped and left the partition to the build that holds the month");
  }

  private Optional<Held> read(YearMonth month, String key) {
    return store
        .readVersioned(key)
        .map(object -> new Held(decode(layout, month, key, object.content()), object.version()));
  }

  static byte[] encode(Lease lease) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("owner", lease.owner());
    json.put("attempt", lease.attempt());
    json.put("expiresAt", lease.expiresAt().toString());
    lease
        .holder()
        .ifPresent(
            holder -> {
              Map<String, Object> process = new LinkedHashMap<>();
              process.put("host", holder.host());
              process.put("pid", holder.pid());
              process.put("startedAt", holder.startedAt().toString());
              json.put("holder", process);
            });
    try {
      return JSON.std.asBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a lease as JSON: " + e.getMessage(), e);
    }
  }

  static Lease decode(TableLayout layout, YearMonth month, String key, byte[] bytes) {
    try {
      Map<String, Object> json = JSON.std.mapFrom(bytes);
      Object owner = json.get("owner");
      Object expiresAt = json.get("expiresAt");
      if (!(owner instanceof String) || !(expiresAt instanceof String)) {
        throw new IOException("it has no \"owner\" and \"expiresAt\" strings");
      }
      // Locks written before leases had an attempt id have none; they only ever expire.
      Object attempt = json.getOrDefault("attempt", "");
      return new Lease(
          (String) owner,
          String.valueOf(attempt),
          Instant.parse((String) expiresAt),
          holder(json.get("holder")));
    } catch (IOException | DateTimeException e) {
      throw new PartitionBuilderException(
          "Cannot build "
              + month
              + ": the lock "
              + layout.location(key)
              + " is not a lease this builder wrote ("
              + e.getMessage()
              + "); if no build of "
              + month
              + " is running, remove it with: "
              + MonthBusyException.unlockCommand(month),
          e);
    }
  }

  /** Leases written before they named their holder have none. */
  private static Optional<LockHolders.Holder> holder(Object json) throws IOException {
    if (json == null) {
      return Optional.empty();
    }
    if (json instanceof Map<?, ?> process
        && process.get("host") instanceof String host
        && process.get("pid") instanceof Number pid
        && process.get("startedAt") instanceof String startedAt) {
      return Optional.of(new LockHolders.Holder(host, pid.longValue(), Instant.parse(startedAt)));
    }
    throw new IOException("its \"holder\" has no \"host\", \"pid\" and \"startedAt\"");
  }
}
