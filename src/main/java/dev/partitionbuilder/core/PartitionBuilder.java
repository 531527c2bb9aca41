package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.QueryExecution.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one monthly partition as a staged replace, holding the month's lock throughout:
 *
 * <ol>
 *   <li>take the month's lock ({@link MonthLock}); if another build holds it, throw {@link
 *       MonthBusyException} having touched nothing else;
 *   <li>drop the temporary table if it exists;
 *   <li>clear the month's staging prefix ({@code <prefix>_staging/YYYY/MM/}), never the partition;
 *   <li>run the CTAS into the staging location and wait for it;
 *   <li>drop the temporary table, also when the query failed;
 *   <li>only if the query SUCCEEDED and wrote at least {@code minRows} rows: list the partition's
 *       current (old) objects and copy every staged object into the partition under its own name;
 *   <li>only when every copy succeeded, delete exactly the old keys that are not among the new;
 *   <li>clear the staging prefix;
 *   <li>release the lock, after a failure too, if it is still this build's.
 * </ol>
 *
 * A query that ends FAILED and that the engine marks retryable is started again, up to {@code
 * queryRetries} times, with backoff: steps 1 and 2 run again first, and each retry has its own
 * idempotency token. Any other failure is final.
 *
 * <p>A failed, cancelled or timed-out query, too few rows, or a copy failing midway (the copies made
 * so far are deleted again) leave the partition exactly as it was. What remains is a window, not a
 * loss: between the last copy and the delete of the old objects, readers see old and new objects
 * together (rows counted twice); and if that delete fails, the build fails with both sets in place
 * until the retried message (or the next rebuild) replaces them again. Every step tolerates having
 * already happened, so a retried message is safe.
 */
public final class PartitionBuilder {
  private static final Logger log = LoggerFactory.getLogger(PartitionBuilder.class);

  private final TableLayout layout;
  private final CtasTemplate template;
  private final ObjectStore store;
  private final Catalog catalog;
  private final QueryEngine engine;
  private final PollPolicy poll;
  private final Clock clock;
  private final Sleeper sleeper;
  private final long minRows;
  private final int queryRetries;
  private final MonthLock lock;

  /** A builder that needs at least {@value Config#DEFAULT_MIN_ROWS} row(s) to replace a partition. */
  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper) {
    this(layout, template, store, catalog, engine, poll, clock, sleeper, Config.DEFAULT_MIN_ROWS);
  }

  /** A builder that retries a retryable FAILED query {@value Config#DEFAULT_ATHENA_QUERY_RETRIES} times. */
  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper, long minRows) {
    this(layout, template, store, catalog, engine, poll, clock, sleeper, minRows, Config.DEFAULT_ATHENA_QUERY_RETRIES);
  }

  /** A builder whose month lock lasts {@value Config#DEFAULT_LOCK_LEASE_SECONDS} s. */
  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper, long minRows, int queryRetries) {
    this(layout, template, store, catalog, engine, poll, clock, sleeper, minRows, queryRetries,
        Duration.ofSeconds(Config.DEFAULT_LOCK_LEASE_SECONDS));
  }

  /**
   * @param minRows fewest rows a query must write to replace the partition; 0 accepts an empty month
   * @param queryRetries how many times a FAILED query the engine marks retryable is started again; 0 never
   * @param lockLease how long the month's lock holds against other builds if this one never releases it
   */
  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper, long minRows, int queryRetries,
      Duration lockLease) {
    this.layout = requireNonNull(layout, "layout is null");
    this.template = requireNonNull(template, "template is null");
    this.store = requireNonNull(store, "store is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.poll = requireNonNull(poll, "poll is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
    if (minRows < 0) {
      throw new IllegalArgumentException("minRows must be 0 or more, got " + minRows);
    }
    this.minRows = minRows;
    if (queryRetries < 0) {
      throw new IllegalArgumentException("queryRetries must be 0 or more, got " + queryRetries);
    }
    this.queryRetries = queryRetries;
    this.lock = new MonthLock(layout, store, clock, lockLease);
  }

  public BuildResult build(BuildRequest request) {
    PartitionPlan plan = PartitionPlan.of(layout, request.month());
    String sql = template.render(layout, request.month());
    String context = "messageId=" + request.requestKey() + " month=" + plan.month();
    MonthLock.Lease lease = lock.acquire(plan.month(), request.requestKey(), context);
    BuildResult result;
    try {
      result = buildHoldingLock(request, plan, sql, context);
    } catch (RuntimeException | Error e) {
      try {
        lock.release(plan.month(), lease, context);
      } catch (RuntimeException release) {
        e.addSuppressed(release);
      }
      throw e;
    }
    try {
      lock.release(plan.month(), lease, context);
    } catch (RuntimeException e) {
      // The partition is built; failing the message would only build it again. The lock stays
      // until its lease runs out, delaying the month's next build at most that long.
      log.warn("{} the partition is built, but its lock could not be released and holds until {}: {}", context,
          lease.expiresAt(), e.getMessage(), e);
    }
    return result;
  }

  private BuildResult buildHoldingLock(BuildRequest request, PartitionPlan plan, String sql, String context) {
    String staging = requireInsideTable(plan.stagingPrefix());
    requireInsideTable(plan.partitionPrefix());
    Map<Step, Duration> steps = new EnumMap<>(Step.class);
    Instant attemptStart = clock.instant();

    timed(steps, Step.DROP_TEMP_TABLE, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    int cleared = timed(steps, Step.CLEAR_STAGING, context, () -> store.deleteAll(staging));
    log.info("{} step=clear-staging deleted {} leftover object(s) under {}", context, cleared, plan.stagingLocation());

    QueryExecution done;
    try {
      done = timed(steps, Step.QUERY, context, () -> runQuery(plan, sql, request, attemptStart, context));
    } catch (RuntimeException e) {
      // Whatever a failed query wrote stays in staging, outside the table; the next build clears it.
      dropTempTableAfterFailure(steps, plan, context, e);
      throw e;
    }
    timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));

    OptionalLong rows = engine.rowsWritten(done.id());
    requireEnoughRows(plan, rows);
    Replaced replaced = timed(steps, Step.REPLACE, context, () -> replace(plan, context));
    log.atInfo().addKeyValue("queryExecutionId", done.id())
        .log("{} queryExecutionId={} built: {} row(s); {} file(s), {} byte(s) copied into {}; {} old object(s) deleted; "
            + "scanned {} byte(s)", context, done.id(), rows.isPresent() ? rows.getAsLong() : "unknown",
        replaced.copied(), replaced.bytes(), plan.location(), replaced.oldDeleted(), done.bytesScanned());
    return new BuildResult(plan.month(), done.id(), rows, done.bytesScanned(), done.engineMillis(),
        replaced.copied(), replaced.bytes(), replaced.oldDeleted(), steps);
  }

  private record Replaced(int copied, long bytes, int oldDeleted) {}

  /** Fewer rows than asked for (or a count the engine did not give) leaves the partition alone. */
  private void requireEnoughRows(PartitionPlan plan, OptionalLong rows) {
    if (minRows == 0) {
      return;
    }
    if (rows.isEmpty()) {
      throw new PartitionBuilderException("Cannot replace " + plan.month() + ": the query engine did not say how many rows "
          + "the query wrote (MIN_ROWS=" + minRows + "): leaving the previous partition as it was");
    }
    if (rows.getAsLong() < minRows) {
      throw new PartitionBuilderException("Cannot replace " + plan.month() + ": the query wrote " + rows.getAsLong()
          + " rows (MIN_ROWS=" + minRows + "): leaving the previous partition as it was");
    }
  }

  /**
   * Steps 5 to 7: copy the staged files in, then delete the old objects, then clear staging. A copy
   * that fails removes the copies made so far, so the partition holds exactly its old objects.
   */
  private Replaced replace(PartitionPlan plan, String context) {
    String partition = plan.partitionPrefix();
    String staging = plan.stagingPrefix();
    List<ObjectStore.StoredObject> staged = store.list(staging);
    List<String> old = store.list(partition).stream().map(ObjectStore.StoredObject::key).toList();
    Set<String> oldKeys = new HashSet<>(old);
    List<String> targets = new ArrayList<>(staged.size());
    for (ObjectStore.StoredObject object : staged) {
      String target = requireOwnedKey(plan, partition + object.key().substring(staging.length()));
      if (oldKeys.contains(target)) {
        // Copying over it would change an old object before we know every copy succeeds.
        throw new PartitionBuilderException("Cannot replace " + plan.month() + ": the staged file " + object.key()
            + " has the name of an object already in the partition (" + target + "): leaving the previous partition as it was");
      }
      targets.add(target);
    }

    List<String> copied = new ArrayList<>(staged.size());
    long bytes = 0;
    for (int i = 0; i < staged.size(); i++) {
      ObjectStore.StoredObject source = staged.get(i);
      try {
        store.copy(requireOwnedKey(plan, source.key()), targets.get(i));
      } catch (RuntimeException e) {
        PartitionBuilderException failure = new PartitionBuilderException("Cannot replace " + plan.month() + ": copying "
            + source.key() + " failed after " + copied.size() + " of " + staged.size() + " file(s); the copies were "
            + "removed and the previous partition left as it was: " + e.getMessage(), e);
        removeCopies(partition, copied, failure);
        throw failure;
      }
      copied.add(targets.get(i));
      bytes += source.size();
    }
    log.info("{} step=replace copied {} file(s) into {}", context, copied.size(), plan.location());

    Set<String> newKeys = new HashSet<>(copied);
    List<String> stale = old.stream().filter(key -> !newKeys.contains(key)).map(key -> requireOwnedKey(plan, key)).toList();
    int deleted;
    try {
      deleted = store.deleteKeys(partition, stale);
    } catch (RuntimeException e) {
      throw new PartitionBuilderException("Cannot replace " + plan.month() + ": the new files are in " + plan.location()
          + " but deleting the old objects failed, so readers see old and new rows until a rebuild succeeds: "
          + e.getMessage(), e);
    }
    store.deleteAll(plan.stagingPrefix());
    return new Replaced(copied.size(), bytes, deleted);
  }

  private void removeCopies(String partition, List<String> copied, PartitionBuilderException failure) {
    try {
      store.deleteKeys(partition, copied);
    } catch (RuntimeException undo) {
      failure.addSuppressed(undo);
    }
  }

  private QueryExecution runQuery(PartitionPlan plan, String sql, BuildRequest request, Instant attemptStart, String context) {
    String id = engine.start(sql, token(request.requestKey(), sql));
    // A redelivery may reach queries an earlier delivery started under the plain per-attempt
    // tokens below, so its own tokens also name this delivery.
    String retryKey = request.requestKey();
    if (request.redelivered()) {
      retryKey = request.requestKey() + "@" + attemptStart;
      QueryExecution first = engine.get(id);
      if (first.submittedAt().isBefore(attemptStart)) {
        // Athena handed back the query an earlier delivery of this message started. It wrote to
        // the staging prefix, which step 2 has just cleared (or it is still writing there), so it
        // cannot be this build's result: let it end, clear staging again, and run the query once
        // more under a token of this attempt's own. Reusing an earlier delivery's SUCCEEDED output
        // instead of clearing it is possible now that it lands in staging, but is not done here:
        // it is part 3 of issue 6, and needs a way to tell that output complete and current.
        log.warn("{} queryExecutionId={} was started by an earlier delivery ({}), now {}; "
            + "its staged output was cleared, so the query runs again", context, id, first.submittedAt(), first.state());
        if (!first.state().isDone()) {
          engine.stop(id);
          await(id, plan, request.deadline(), context);
        }
        catalog.dropTableIfExists(plan.database(), plan.tempTable());
        store.deleteAll(requireInsideTable(plan.stagingPrefix()));
        id = engine.start(sql, token(retryKey, sql));
      }
    }
    for (int attempt = 1; ; attempt++) {
      Instant started = clock.instant();
      log.info("{} queryExecutionId={} started (attempt {})", context, id, attempt);
      QueryExecution done = await(id, plan, request.deadline(), context);
      if (done.state() == State.SUCCEEDED) {
        return done;
      }
      String failure = "Cannot build " + plan.month() + ": query " + id + " " + done.describe();
      if (done.state() != State.FAILED || !done.retryable()) {
        throw new QueryFailedException(failure, done);
      }
      if (attempt > queryRetries) {
        throw new QueryFailedException(failure + "; gave up after " + attempt + " attempt(s) (ATHENA_QUERY_RETRIES="
            + queryRetries + ")", done);
      }
      Duration backoff = poll.delay(attempt - 1);
      // The failed attempt's own run time is the best guess of what the next one needs.
      Instant estimatedEnd = clock.instant().plus(backoff).plus(Duration.between(started, clock.instant()));
      if (estimatedEnd.isAfter(request.deadline())) {
        throw new QueryFailedException(failure + "; not retried: attempt " + (attempt + 1) + " would likely end after the "
            + "deadline " + request.deadline(), done);
      }
      log.warn("{} queryExecutionId={} FAILED and Athena marks it retryable: {}; starting attempt {} of {} in {} ms",
          context, id, done.describe(), attempt + 1, queryRetries + 1, backoff.toMillis());
      sleep(backoff, id);
      // As before the first attempt: whatever the failed query left must not meet the next one.
      catalog.dropTableIfExists(plan.database(), plan.tempTable());
      store.deleteAll(requireInsideTable(plan.stagingPrefix()));
      id = engine.start(sql, token(retryKey + "#" + (attempt + 1), sql));
    }
  }

  /** Polls with backoff until the query ends, or stops it when the next poll would pass the deadline. */
  private QueryExecution await(String id, PartitionPlan plan, Instant deadline, String context) {
    for (int attempt = 0; ; attempt++) {
      QueryExecution execution = engine.get(id);
      if (execution.state().isDone()) {
        return execution;
      }
      Duration delay = poll.delay(attempt);
      if (clock.instant().plus(delay).isAfter(deadline)) {
        engine.stop(id);
        throw new QueryFailedException("Cannot build " + plan.month() + ": query " + id + " was still " + execution.state()
            + " at the deadline " + deadline + "; it was stopped", execution);
      }
      log.debug("{} queryExecutionId={} {}; next look in {} ms", context, id, execution.state(), delay.toMillis());
      sleep(delay, id);
    }
  }

  private void sleep(Duration delay, String id) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitionBuilderException("Interrupted while waiting for query " + id, e);
    }
  }

  private void dropTempTableAfterFailure(Map<Step, Duration> steps, PartitionPlan plan, String context,
      RuntimeException failure) {
    try {
      timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    } catch (RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  /**
   * The guard between a computed key and a copy into it or a delete of it: under this month's
   * partition or staging prefix, never the table's root or another month, and no "." or ".."
   * segment that a file system would resolve elsewhere.
   */
  private String requireOwnedKey(PartitionPlan plan, String key) {
    String rest = key.startsWith(plan.partitionPrefix()) ? key.substring(plan.partitionPrefix().length())
        : key.startsWith(plan.stagingPrefix()) ? key.substring(plan.stagingPrefix().length())
        : null;
    if (rest == null || rest.isEmpty() || Arrays.stream(rest.split("/", -1)).anyMatch(s -> s.equals(".") || s.equals(".."))) {
      throw new IllegalStateException("Refusing to write or delete " + key + ": not an object under "
          + plan.partitionPrefix() + " or " + plan.stagingPrefix());
    }
    return key;
  }

  /** The one guard between a computed prefix and a delete: below the table's root, never the root. */
  private String requireInsideTable(String prefix) {
    ObjectStore.requireDeletablePrefix(prefix);
    if (!prefix.startsWith(layout.prefix()) || prefix.length() <= layout.prefix().length()) {
      throw new IllegalStateException("Refusing to delete " + prefix + ": not inside table root " + layout.prefix());
    }
    return prefix;
  }

  private <T> T timed(Map<Step, Duration> steps, Step step, String context, Supplier<T> action) {
    Instant start = clock.instant();
    try {
      return action.get();
    } finally {
      Duration took = Duration.between(start, clock.instant());
      steps.merge(step, took, Duration::plus);
      log.atInfo().addKeyValue("step", step.label()).addKeyValue("durationMs", took.toMillis())
          .log("{} step={} took {} ms", context, step.label(), took.toMillis());
    }
  }

  /**
   * Athena's ClientRequestToken (32 to 128 characters): the same request and SQL always give the
   * same token, so an SDK retry or a second start for one message returns the first execution
   * instead of running a second CTAS. The SQL is part of it because Athena rejects a reused token
   * whose query text changed.
   */
  static String token(String requestKey, String sql) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(requestKey.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(sql.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
