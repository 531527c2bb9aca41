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
import java.util.List;
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
 * <p>Two races remain, both narrow and documented in the README. Taking over is a delete and a
 * new create: two builds that see the same stale lease at the same moment may both delete, and the
 * second delete can remove the first's new lock. Releasing is a read, a compare and a delete: if
 * our lease ran out between the read and the delete and another build took the month, we delete
 * its lock. S3's conditional writes have no compare-and-delete on the content, so closing either
 * needs ETags threaded through the port.
 */
final class MonthLock {
  private static final Logger log = LoggerFactory.getLogger(MonthLock.class);

  private final TableLayout layout;
  private final ObjectStore store;
  private final Clock clock;
  private final Duration lease;

  MonthLock(TableLayout layout, ObjectStore store, Clock clock, Duration lease) {
    this.layout = requireNonNull(layout, "layout is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.lease = requireNonNull(lease, "lease is null");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, got " + lease);
    }
  }

  /**
   * What a lock object holds.
   *
   * @param attempt random per acquire, so two deliveries of one message never share a lease
   */
  record Lease(String owner, String attempt, Instant expiresAt) {}

  /**
   * Takes the month's lock for {@code owner}, or throws {@link MonthBusyException} touching nothing else.
   *
   * @param holdUntil the lease lasts at least until then, and at least the configured lease from now
   */
  Lease acquire(YearMonth month, String owner, Instant holdUntil, String context) {
    String key = requireLockKey(month, layout.lockKey(month));
    Instant now = clock.instant();
    Instant expiresAt = now.plus(lease);
    Lease mine = new Lease(owner, UUID.randomUUID().toString(), holdUntil.isAfter(expiresAt) ? holdUntil : expiresAt);
    if (store.createIfAbsent(key, encode(mine))) {
      log.info("{} step=lock took {} until {}", context, layout.location(key), mine.expiresAt());
      return mine;
    }
    Optional<Lease> held = read(month, key);
    // A live lease is never taken over, not even one of the same messageId: SQS may deliver one
    // message twice at once, and a delivery that died holding the lock comes back after the
    // visibility timeout, which the template keeps longer than the lease.
    if (held.isEmpty() || !held.get().expiresAt().isAfter(now)) {
      // Gone since our create (released), or expired: take it.
      held.ifPresent(stale -> log.warn("{} step=lock taking over {} from {} (lease until {}): its lease ran out", context,
          layout.location(key), stale.owner(), stale.expiresAt()));
      if (held.isPresent()) {
        store.deleteKeys(locksPrefix(), List.of(key));
      }
      if (store.createIfAbsent(key, encode(mine))) {
        log.info("{} step=lock took {} until {}", context, layout.location(key), mine.expiresAt());
        return mine;
      }
      held = read(month, key);
    }
    String holder = held.map(h -> "owner " + h.owner() + ", until " + h.expiresAt()).orElse("owner unknown");
    throw new MonthBusyException("Cannot build " + month + ": another build holds the lock " + layout.location(key)
        + " (" + holder + "); the message will be retried");
  }

  /**
   * Deletes the lock if it still holds {@code mine}; a lock that is gone or another's (our lease ran
   * out and another build took over) is left alone.
   */
  void release(YearMonth month, Lease mine, String context) {
    String key = requireLockKey(month, layout.lockKey(month));
    Optional<Lease> held = read(month, key);
    if (held.isPresent() && held.get().equals(mine)) {
      store.deleteKeys(locksPrefix(), List.of(key));
      log.info("{} step=unlock released {}", context, layout.location(key));
    } else {
      log.warn("{} step=unlock left {} as it is: it no longer holds this build's lease ({}); the lease until {} "
          + "ran out before the build ended", context, layout.location(key),
          held.map(h -> "owner " + h.owner() + ", until " + h.expiresAt()).orElse("gone"), mine.expiresAt());
    }
  }

  private Optional<Lease> read(YearMonth month, String key) {
    return store.read(key).map(bytes -> decode(month, key, bytes));
  }

  private String locksPrefix() {
    return layout.prefix() + TableLayout.LOCKS;
  }

  /** The guard before a lock is written or deleted: exactly this month's lock key, nothing else. */
  private String requireLockKey(YearMonth month, String key) {
    if (!key.equals(layout.prefix() + TableLayout.LOCKS + String.format("%04d/%02d", month.getYear(), month.getMonthValue()))) {
      throw new IllegalStateException("Refusing to lock with " + key + ": not the lock key of " + month);
    }
    return key;
  }

  static byte[] encode(Lease lease) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("owner", lease.owner());
    json.put("attempt", lease.attempt());
    json.put("expiresAt", lease.expiresAt().toString());
    try {
      return JSON.std.asBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a lease as JSON: " + e.getMessage(), e);
    }
  }

  private Lease decode(YearMonth month, String key, byte[] bytes) {
    try {
      Map<String, Object> json = JSON.std.mapFrom(bytes);
      Object owner = json.get("owner");
      Object expiresAt = json.get("expiresAt");
      if (!(owner instanceof String) || !(expiresAt instanceof String)) {
        throw new IOException("it has no \"owner\" and \"expiresAt\" strings");
      }
      // Locks written before leases had an attempt id have none; they only ever expire.
      Object attempt = json.getOrDefault("attempt", "");
      return new Lease((String) owner, String.valueOf(attempt), Instant.parse((String) expiresAt));
    } catch (IOException | DateTimeException e) {
      throw new PartitionBuilderException("Cannot build " + month + ": the lock " + layout.location(key)
          + " is not a lease this builder wrote (" + e.getMessage() + "); delete it once no build of " + month
          + " is running", e);
    }
  }
}
