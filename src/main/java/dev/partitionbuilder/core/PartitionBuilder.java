package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import dev.partitionbuilder.core.BuildResult.Step;
import dev.partitionbuilder.core.QueryExecution.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Rebuilds one monthly partition as a staged replace, holding the month's lock throughout:
 *
 * <ol>
 *   <li>take the month's lock ({@link MonthLock}); if another build holds it, throw {@link
 *       MonthBusyException} having touched nothing else;
 *   <li>read the month's saved state ({@link BuildCheckpoint}): an earlier attempt's query that is
 *       still queued or running, or that succeeded, is waited on (resumed) instead of run again,
 *       and an earlier replace that did not finish is finished; otherwise:
 *   <li>drop the temporary table if it exists;
 *   <li>clear the month's staging prefix ({@code <prefix>_staging/YYYY/MM/}), never the partition;
 *   <li>save the intent, start the CTAS into the staging location, save its id, and wait for it.
 *       A query still running at the deadline is left running for the next attempt ({@link
 *       QueryStillRunningException});
 *   <li>drop the temporary table, also when the query failed;
 *   <li>only if the query SUCCEEDED and wrote at least {@code minRows} rows: save the list of
 *       staged files, list the partition's current (old) objects and copy every staged file into
 *       the partition under its own name;
 *   <li>only when every copy succeeded, delete exactly the old keys that are not among the new;
 *   <li>clear the staging prefix and delete the saved state;
 *   <li>release the lock, after a failure too, if it is still this build's.
 * </ol>
 *
 * A query that ends FAILED and that the engine marks retryable is started again, up to {@code
 * queryRetries} times, with backoff: steps 3 and 4 run again first, and each retry has its own
 * idempotency token. Any other failure is final, and forgets the saved state.
 *
 * <p>A failed, cancelled or timed-out query, too few rows, or a copy failing midway (the copies made
 * so far are deleted again) leave the partition exactly as it was. What remains is a window, not a
 * loss: between the last copy and the delete of the old objects, readers see old and new objects
 * together (rows counted twice); and if that delete fails, the build fails with both sets in place
 * until the retried message (or the next rebuild) finishes the replace. Every step tolerates having
 * already happened, so a retried message is safe.
 */
public final class PartitionBuilder {
  private static final Logger log = LoggerFactory.getLogger(PartitionBuilder.class);

  /**
   * The MDC key that holds the query execution a build waits on, from its start (or resume) to the
   * build's end, so every log line about it names it (the Lambda writes MDC entries as JSON fields).
   */
  public static final String QUERY_EXECUTION_ID = "queryExecutionId";

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
  private final BuildCheckpoint checkpoints;

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
    this(layout, template, store, catalog, engine, poll, clock, sleeper, minRows, queryRetries, lockLease,
        LockHolders.NONE);
  }

  /** @param holders names this process in the month's lock and tells which holders are gone (see {@link LockHolders}) */
  public PartitionBuilder(TableLayout layout, CtasTemplate template, ObjectStore store, Catalog catalog,
      QueryEngine engine, PollPolicy poll, Clock clock, Sleeper sleeper, long minRows, int queryRetries,
      Duration lockLease, LockHolders holders) {
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
    this.lock = new MonthLock(layout, store, clock, lockLease, holders);
    this.checkpoints = new BuildCheckpoint(layout, store);
  }

  public BuildResult build(BuildRequest request) {
    PartitionPlan plan = PartitionPlan.of(layout, request.month());
    String sql = template.render(layout, request.month());
    String context = "messageId=" + request.requestKey() + " month=" + plan.month();
    // The lease outlives the request's deadline, so no other build takes the month from a build
    // that is still within its time (the CLI may wait longer than a Lambda can).
    MonthLock.Lease lease = lock.acquire(plan.month(), request.requestKey(), request.deadline().plus(LEASE_MARGIN), context);
    BuildResult result;
    try {
      result = buildHoldingLock(request, plan, sql, context);
    } catch (RuntimeException | Error e) {
      MDC.remove(QUERY_EXECUTION_ID);
      try {
        lock.release(plan.month(), lease, context);
      } catch (RuntimeException release) {
        e.addSuppressed(release);
      }
      throw e;
    }
    MDC.remove(QUERY_EXECUTION_ID);
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

  /** How long a lock outlives the request's deadline: time for the replace after the query. */
  private static final Duration LEASE_MARGIN = Duration.ofMinutes(2);

  private BuildResult buildHoldingLock(BuildRequest request, PartitionPlan plan, String sql, String context) {
    requireInsideTable(plan.stagingPrefix());
    requireInsideTable(plan.partitionPrefix());
    Map<Step, Duration> steps = new EnumMap<>(Step.class);
    Optional<BuildCheckpoint.State> saved = checkpoints.read(plan.month());
    if (saved.isPresent() && saved.get().phase() == BuildCheckpoint.Phase.REPLACE) {
      Optional<BuildResult> finished = finishReplace(saved.get(), plan, steps, context);
      if (finished.isPresent()) {
        return finished.get();
      }
      saved = Optional.empty();
    }
    BuildCheckpoint.State state = saved.isPresent() ? resumable(saved.get(), plan, sql, request, context) : null;
    if (state == null) {
      if (request.redelivered()) {
        log.info("{} redelivered, and no query of an earlier attempt is left to resume: starting over", context);
      }
      timed(steps, Step.DROP_TEMP_TABLE, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
      int cleared = timed(steps, Step.CLEAR_STAGING, context, () -> store.deleteAll(plan.stagingPrefix()));
      log.info("{} step=clear-staging deleted {} leftover object(s) under {}", context, cleared, plan.stagingLocation());
      // A token of this attempt alone: a token an earlier attempt used would hand back its
      // query, whose output the clear above has just deleted. The SDK's own retries of the start
      // resend the same request, token included, so they never start a second query.
      state = start(plan, BuildCheckpoint.State.starting(request.requestKey(), clock.instant(),
          token(request.requestKey() + "@" + UUID.randomUUID(), sql), sql), context);
    }

    QueryExecution done;
    BuildCheckpoint.State running = state;
    try {
      done = timed(steps, Step.QUERY, context, () -> runQuery(plan, running, request, context));
    } catch (QueryStillRunningException e) {
      // Left running on purpose; its state stays for the next attempt, which also drops the table.
      throw e;
    } catch (QueryFailedException e) {
      // The query is over and nothing of it will be used: nothing to resume. What it wrote stays
      // in staging, outside the table; the next build clears it.
      forget(plan, e);
      dropTempTableAfterFailure(steps, plan, context, e);
      throw e;
    } catch (RuntimeException e) {
      // The query may still be running (we lost sight of it): keep its state so the next attempt
      // waits on it rather than running a second query into the same staging prefix.
      dropTempTableAfterFailure(steps, plan, context, e);
      throw e;
    }
    timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));

    OptionalLong rows = engine.rowsWritten(done.id());
    try {
      requireEnoughRows(plan, rows);
    } catch (PartitionBuilderException e) {
      // Rejected output is not worth resuming: the next build runs the query afresh.
      forget(plan, e);
      throw e;
    }
    BuildCheckpoint.State replacing = running.started(done.id())
        .replacing(List.of(), rows, done.bytesScanned(), done.engineMillis());
    Replaced replaced;
    try {
      replaced = timed(steps, Step.REPLACE, context, () -> replace(plan, replacing, false, context));
    } catch (StagedNameClashException e) {
      forget(plan, e);
      throw e;
    }
    checkpoints.discard(plan.month());
    log.atInfo().addKeyValue("queryExecutionId", done.id())
        .log("{} queryExecutionId={} built: {} row(s); {} file(s), {} byte(s) copied into {}; {} old object(s) deleted; "
            + "scanned {} byte(s)", context, done.id(), rows.isPresent() ? rows.getAsLong() : "unknown",
        replaced.copied(), replaced.bytes(), plan.location(), replaced.oldDeleted(), done.bytesScanned());
    return new BuildResult(plan.month(), done.id(), rows, done.bytesScanned(), done.engineMillis(),
        replaced.copied(), replaced.bytes(), replaced.oldDeleted(), steps);
  }

  /**
   * A saved REPLACE: the query succeeded and its files were being copied when the attempt ended.
   * Finishes the replace without a new query, or, when the staged files are gone before all were
   * copied, forgets the state and returns empty so that the build starts over.
   */
  private Optional<BuildResult> finishReplace(BuildCheckpoint.State saved, PartitionPlan plan, Map<Step, Duration> steps,
      String context) {
    log.warn("{} queryExecutionId={} succeeded in an earlier attempt ({}) that did not finish moving its {} file(s) "
        + "into {}: finishing that replace without a new query", context, saved.queryExecutionId(), saved.owner(),
        saved.staged().size(), plan.location());
    MDC.put(QUERY_EXECUTION_ID, saved.queryExecutionId());
    timed(steps, Step.CLEANUP, context, () -> catalog.dropTableIfExists(plan.database(), plan.tempTable()));
    Replaced replaced = timed(steps, Step.REPLACE, context, () -> replace(plan, saved, true, context));
    if (replaced == null) {
      return Optional.empty();
    }
    checkpoints.discard(plan.month());
    log.info("{} queryExecutionId={} built (resumed): {} file(s), {} byte(s) copied into {}; {} old object(s) deleted",
        context, saved.queryExecutionId(), replaced.copied(), replaced.bytes(), plan.location(), replaced.oldDeleted());
    return Optional.of(new BuildResult(plan.month(), saved.queryExecutionId(), saved.rows(), saved.bytesScanned(),
        saved.engineMillis(), replaced.copied(), replaced.bytes(), replaced.oldDeleted(), steps));
  }

  /**
   * What to do with a query an earlier attempt left: its state if the query is still worth
   * waiting on (queued, running or succeeded, from the same SQL), or null after it has been dealt
   * with (stopped and waited for, or found over or gone) so that the build starts over.
   */
  private BuildCheckpoint.State resumable(BuildCheckpoint.State saved, PartitionPlan plan, String sql, BuildRequest request,
      String context) {
    BuildCheckpoint.State state = saved;
    if (state.phase() == BuildCheckpoint.Phase.STARTING) {
      // The earlier attempt ended around its start: the same token gives back the query it
      // started, if it started one, or starts it now. Either way one query writes to staging.
      state = start(plan, state, context);
    }
    String id = state.queryExecutionId();
    MDC.put(QUERY_EXECUTION_ID, id);
    QueryExecution execution;
    try {
      execution = engine.get(id);
    } catch (QueryNotFoundException e) {
      log.warn("{} queryExecutionId={} of an earlier attempt ({}) is unknown to the engine ({}): starting over",
          context, id, state.owner(), e.getMessage());
      checkpoints.discard(plan.month());
      return null;
    }
    if (!state.runs(sql)) {
      log.warn("{} queryExecutionId={} of an earlier attempt ({}) ran other SQL (the template changed since): "
          + "stopping it if needed and starting over", context, id, state.owner());
      if (!execution.state().isDone()) {
        engine.stop(id);
        await(id, plan, request.deadline(), context);
      }
      checkpoints.discard(plan.month());
      return null;
    }
    if (execution.state() == State.FAILED || execution.state() == State.CANCELLED) {
      log.warn("{} queryExecutionId={} of an earlier attempt ({}) ended {}: starting over", context, id, state.owner(),
          execution.describe());
      checkpoints.discard(plan.month());
      return null;
    }
    log.warn("{} queryExecutionId={} of an earlier attempt ({}, started {}) is {}: resuming it instead of running the "
        + "query again", context, id, state.owner(), state.startedAt(), execution.state());
    return state;
  }

  /** Saves the intent, starts the query, then saves its id: no query is ever started that a later attempt cannot find. */
  private BuildCheckpoint.State start(PartitionPlan plan, BuildCheckpoint.State starting, String context) {
    checkpoints.save(plan.month(), starting);
    String id = engine.start(starting.sql(), starting.token());
    MDC.put(QUERY_EXECUTION_ID, id);
    BuildCheckpoint.State started = starting.started(id);
    checkpoints.save(plan.month(), started);
    log.info("{} queryExecutionId={} started; its state is saved in {}", context, id, checkpoints.location(plan.month()));
    return started;
  }

  /** Deletes the month's saved state after a final failure, keeping the failure if that fails too. */
  private void forget(PartitionPlan plan, RuntimeException failure) {
    try {
      checkpoints.discard(plan.month());
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private record Replaced(int copied, long bytes, int oldDeleted) {}

  /** A staged file has the name of an object already in the partition: nothing was copied. */
  private static final class StagedNameClashException extends PartitionBuilderException {
    StagedNameClashException(String message) {
      super(message);
    }
  }

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
   * Copies the staged files in, then deletes the old objects, then clears staging. A copy that
   * fails removes the copies made so far (and, when {@code resumed}, those an earlier attempt
   * made), so the partition holds exactly its old objects. Old objects are deleted only once every
   * staged file is in place, so a partition holding every staged file's copy may already have lost
   * old objects: a resumed replace that finds all copies there only finishes the delete.
   *
   * @param resumed the replace of an earlier attempt: a staged file whose copy is already in the
   *     partition was copied by it; without this, such a name clash is refused
   * @return null when resuming is impossible because a staged file is gone before its copy was made
   */
  private Replaced replace(PartitionPlan plan, BuildCheckpoint.State state, boolean resumed, String context) {
    String partition = plan.partitionPrefix();
    String staging = plan.stagingPrefix();
    Map<String, Long> stagedNow = new LinkedHashMap<>();
    store.list(staging).forEach(object -> stagedNow.put(object.key(), object.size()));
    List<String> staged = resumed ? state.staged() : List.copyOf(stagedNow.keySet());
    List<String> present = store.list(partition).stream().map(ObjectStore.StoredObject::key).toList();
    Set<String> presentKeys = new HashSet<>(present);
    Set<String> newKeys = new HashSet<>();
    List<String> sources = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    List<String> earlierCopies = new ArrayList<>();
    for (String source : staged) {
      requireOwnedKey(plan, source);
      String target = requireOwnedKey(plan, partition + source.substring(staging.length()));
      newKeys.add(target);
      if (presentKeys.contains(target)) {
        if (!resumed) {
          // Copying over it would change an old object before we know every copy succeeds.
          throw new StagedNameClashException("Cannot replace " + plan.month() + ": the staged file " + source
              + " has the name of an object already in the partition (" + target + "): leaving the previous partition as it was");
        }
        earlierCopies.add(target);
      } else if (stagedNow.containsKey(source)) {
        sources.add(source);
        targets.add(target);
      } else {
        log.warn("{} the staged file {} is gone and its copy {} was never made, so the earlier replace cannot be "
            + "finished: starting the month over", context, source, target);
        checkpoints.discard(plan.month());
        return null;
      }
    }

    if (!resumed) {
      // From here on a later attempt finishes this replace rather than start over: it needs to
      // know which partition objects are this query's.
      checkpoints.save(plan.month(), state.replacing(staged, state.rows(), state.bytesScanned(), state.engineMillis()));
    }
    List<String> copied = new ArrayList<>(sources.size());
    long bytes = 0;
    for (int i = 0; i < sources.size(); i++) {
      try {
        store.copy(sources.get(i), targets.get(i));
      } catch (RuntimeException e) {
        PartitionBuilderException failure = new PartitionBuilderException("Cannot replace " + plan.month() + ": copying "
            + sources.get(i) + " failed after " + copied.size() + " of " + sources.size() + " file(s); the copies were "
            + "removed and the previous partition left as it was: " + e.getMessage(), e);
        List<String> undo = new ArrayList<>(copied);
        // The failed copy's target too: a copy whose answer was lost may have landed. Its name is
        // no old object's (checked above), so deleting it can only remove a copy.
        undo.add(targets.get(i));
        // Copies an earlier attempt made before it, too: that attempt never reached the delete of
        // the old objects (it had not copied everything), so the old objects are all still there.
        undo.addAll(earlierCopies);
        removeCopies(partition, undo, failure);
        throw failure;
      }
      copied.add(targets.get(i));
      bytes += stagedNow.get(sources.get(i));
    }
    log.info("{} step=replace copied {} file(s) into {}{}", context, copied.size(), plan.location(),
        earlierCopies.isEmpty() ? "" : " (" + earlierCopies.size() + " more were copied by an earlier attempt)");

    List<String> stale = present.stream().filter(key -> !newKeys.contains(key)).map(key -> requireOwnedKey(plan, key)).toList();
    int deleted;
    try {
      deleted = store.deleteKeys(partition, stale);
    } catch (RuntimeException e) {
      throw new PartitionBuilderException("Cannot replace " + plan.month() + ": the new files are in " + plan.location()
          + " but deleting the old objects failed, so readers see old and new rows until the retry finishes the replace: "
          + e.getMessage(), e);
    }
    store.deleteAll(staging);
    return new Replaced(copied.size() + earlierCopies.size(), bytes, deleted);
  }

  private void removeCopies(String partition, List<String> copied, PartitionBuilderException failure) {
    try {
      store.deleteKeys(partition, copied);
    } catch (RuntimeException undo) {
      failure.addSuppressed(undo);
    }
  }

  private QueryExecution runQuery(PartitionPlan plan, BuildCheckpoint.State state, BuildRequest request, String context) {
    String id = state.queryExecutionId();
    for (int attempt = 1; ; attempt++) {
      Instant started = clock.instant();
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
      id = start(plan, BuildCheckpoint.State.starting(state.owner(), clock.instant(),
          token(state.token() + "#" + (attempt + 1), state.sql()), state.sql()), context).queryExecutionId();
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
        // Stopping it would throw away the work done so far; the next attempt waits on it instead.
        throw new QueryStillRunningException("Cannot finish " + plan.month() + " before the deadline " + deadline
            + ": query " + id + " is still " + execution.state() + "; it was left running and the next attempt resumes it "
            + "(state in " + checkpoints.location(plan.month()) + ")", id);
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
   * Athena's ClientRequestToken (32 to 128 characters) for {@code sql} started under {@code key}:
   * starting twice with one token returns the first execution instead of running a second CTAS.
   * The SQL is part of it because Athena rejects a reused token whose query text changed.
   */
  static String token(String requestKey, String sql) {
    // The NUL keeps "ab" + "c" apart from "a" + "bc".
    return Sha256.hex(requestKey + '\0' + sql);
  }
}
